"""Requests and mentorships: the physician asks, the mentor answers, either side ends.
Every page finds the mentorship through one access helper (mentee, mentor or support)."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cmo_portal.accounts.models import User, name_or_former
from cmo_portal.accounts.requests import AuthenticatedHttpRequest
from cmo_portal.page_cache import cached_for_reader
from cmo_portal.submissions.services import TOKEN_FIELD, AlreadySent, form_sent_once
from cmo_portal.submissions.views import ALREADY_SENT, already_sent
from mentors.forms import AnswerForm, MentorshipRequestForm, QuestionForm, ReasonForm
from mentors.models.mentorships import Mentorship, MentorshipStatus
from mentors.models.profiles import MENTORS
from mentors.selectors.feedback import latest_comments_for_mentee
from mentors.selectors.meetings import meetings_context
from mentors.selectors.mentorships import (
    mentees_of,
    mentor_dashboard,
    mentorship_get_for_participant,
    mentorship_plans_for_viewer,
    mentorships_of_mentee,
)
from mentors.selectors.messages import unread_messages_attach
from mentors.selectors.profiles import mentor_get_for_viewer, mentor_profile_of
from mentors.selectors.withdrawals import withdrawals_context
from mentors.services.mentorships import (
    mentorship_accept,
    mentorship_answer,
    mentorship_ask_for_information,
    mentorship_decline,
    mentorship_end,
    mentorship_request_create,
    mentorship_withdraw,
)
from mentors.views.agreements import agreement_context
from mentors.views.messages import messages_context
from mentors.views.sections import page_of_mentorship
from pathways.selectors.curriculum import CURRICULUM


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mentor = mentor_get_for_viewer(viewer=request.user, pk=pk)
    form = MentorshipRequestForm(request.POST or None, mentee=request.user)
    if request.method == "POST":
        if form.is_valid():
            token = request.POST.get(TOKEN_FIELD)
            try:
                with form_sent_once(
                    user=request.user, token=token, content=request.POST
                ) as sending:
                    mentorship = mentorship_request_create(
                        mentee=request.user,
                        mentor=mentor,
                        message=form.cleaned_data["message"],
                        goals=form.cleaned_data["goals"],
                        keep_other_requests=form.cleaned_data["keep_other_requests"],
                    )
                    sending.leads_to = mentorship.get_absolute_url()
            except AlreadySent as repeat:
                return already_sent(request, repeat, fallback=reverse("mentors:mentorships"))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    f"Your request is with {mentor.display_name}. You will hear by email; "
                    "a request not answered in 3 days expires and we suggest someone else.",
                )
                return redirect(mentorship)
        messages.error(request, "Your request was not sent: please see the message below.")
    return render(
        request,
        "mentors/request_form.html",
        {"mentor": mentor, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def mentorship_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The physician's mentors and requests."""
    mentorships = unread_messages_attach(mentorships_of_mentee(request.user), request.user)
    return render(
        request,
        "mentors/mentorship_list.html",
        {
            "active": [m for m in mentorships if m.is_active],
            "open": [m for m in mentorships if m.is_open],
            "past": [m for m in mentorships if not m.is_active and not m.is_open],
            "comments": latest_comments_for_mentee(request.user),
        },
    )


@login_required
@require_safe
@cached_for_reader(CURRICULUM, MENTORS, others=mentees_of)
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = mentor_profile_of(request.user)
    if profile is None:
        messages.info(request, "Tell us about yourself to apply as a mentor.")
        return redirect("mentors:profile-edit")
    return render(
        request,
        "mentors/dashboard.html",
        {"board": mentor_dashboard(profile), "profile": profile},
    )


@login_required
@require_safe
def mentorship_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mentorship = mentorship_get_for_participant(user=request.user, pk=pk)
    is_mentor = mentorship.mentor_user_id == request.user.pk
    page_of_mentorship(request, mentorship)
    return render(
        request,
        "mentors/mentorship_detail.html",
        {
            "mentorship": mentorship,
            "is_mentor": is_mentor,
            "is_mentee": mentorship.mentee_id == request.user.pk,
            "question_form": QuestionForm(),
            "answer_form": AnswerForm(),
            "plans": mentorship_plans_for_viewer(mentorship=mentorship, viewer=request.user),
            **withdrawals_context(mentorship, request.user),
            **agreement_context(mentorship, request.user),
            **meetings_context(mentorship, request.user),
            **messages_context(mentorship, request.user),
        },
    )


def _answer(
    request: AuthenticatedHttpRequest,
    pk: int,
    *,
    form_class=None,
    act: Callable,
    done: str,
    done_before: Callable[[Mentorship, User], bool],
    confirmation: Callable | None = None,
) -> HttpResponse:
    """Run one answer to a request (accept, decline, ask, answer, withdraw, end): find the
    mentorship through the access helper, validate the form, call the service. A refusal
    is shown as a message on the mentorship's page and changes nothing. A step with a
    `confirmation` page shows its form again there, with what was typed, when invalid.
    The state check of each service refuses the same answer sent twice; `done_before`
    tells that case apart (the mentorship is already where this answer leads), to say so
    kindly."""
    mentorship = mentorship_get_for_participant(user=request.user, pk=pk)
    data = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            if confirmation is not None:
                return _confirm_page(request, confirmation(mentorship, request.user, form), 400)
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
            return redirect(mentorship)
        data = form.cleaned_data
    try:
        act(mentorship=mentorship, user=request.user, **data)
    except PermissionDenied:
        raise
    except ValidationError as error:
        mentorship.refresh_from_db()
        if done_before(mentorship, request.user):
            messages.info(request, ALREADY_SENT)
        else:
            messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(mentorship)


@login_required
@require_POST
def accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _answer(
        request,
        pk,
        act=mentorship_accept,
        done_before=lambda m, user: m.status == MentorshipStatus.ACTIVE,
        done="Accepted. You can now read your mentee's plan and results.",
    )


# --- The steps that ask first --------------------------------------------------------
# Declining, withdrawing and ending each have a page of their own (GET) that says what
# happens, with the confirm button (a POST to the same URL) and a link back.


def _confirm_page(
    request: AuthenticatedHttpRequest, context: dict, status: int = 200
) -> HttpResponse:
    return render(request, "confirm.html", context, status=status)


def _ask_first(
    request: AuthenticatedHttpRequest,
    pk: int,
    *,
    allowed: Callable,
    possible: Callable,
    page: Callable,
) -> HttpResponse:
    """The confirmation page of a step: refused (403) to whoever may not take it, as the
    POST is; a step no longer possible goes back to the mentorship with a message."""
    mentorship = mentorship_get_for_participant(user=request.user, pk=pk)
    if not allowed(mentorship, request.user):
        raise PermissionDenied("This step is not yours to take.")
    if not possible(mentorship):
        messages.error(
            request, f"This {mentorship.get_status_display().lower()} mentorship cannot do that."
        )
        return redirect(mentorship)
    return _confirm_page(request, page(mentorship, request.user, ReasonForm()))


def _is_mentor(mentorship, user) -> bool:
    return mentorship.mentor_user_id == user.pk


def _is_mentee(mentorship, user) -> bool:
    return mentorship.mentee_id == user.pk


def _decline_page(mentorship, user, form) -> dict:
    mentee = mentorship.mentee.get_full_name()
    return {
        "title": f"Decline {mentee}'s request?",
        "eyebrow": "Request for mentoring",
        "consequences": [
            f"{mentee} is told by email, kindly, that you cannot take this on, and is "
            "offered other mentors.",
            "The request closes: you cannot accept it afterwards. They may ask you again later.",
            "The reason below, if you give one, is shown to them.",
        ],
        "form": form,
        "confirm_label": "Decline the request",
        "keep_url": mentorship.get_absolute_url(),
        "keep_label": "Keep the request open",
    }


def _withdraw_page(mentorship, user, form) -> dict:
    mentor = name_or_former(mentorship.mentor, former="The mentor")
    return {
        "title": "Withdraw your request?",
        "eyebrow": "Request for mentoring",
        "consequences": [
            f"{mentor} is no longer asked, and is told by email.",
            "The place in your open requests is freed, so you can ask someone else.",
            "To work with this mentor later, you send a new request.",
        ],
        "confirm_label": "Withdraw my request",
        "keep_url": mentorship.get_absolute_url(),
        "keep_label": "Keep my request",
    }


def _end_page(mentorship, user, form) -> dict:
    mentee = mentorship.mentee.get_full_name()
    mentor = name_or_former(mentorship.mentor, former="your mentor")
    if _is_mentor(mentorship, user):
        who = [
            f"You stop seeing {mentee}'s career plans and results, and can no longer "
            "comment on or review them.",
            f"{mentee} keeps your comments and reviews, and is told by email.",
        ]
    else:
        who = [
            f"{mentor} stops seeing your career plans and results, and can no longer "
            "comment on or review them.",
            f"You keep {mentor}'s comments and reviews. {mentor} is told by email.",
        ]
    return {
        "title": "End the mentorship?",
        "eyebrow": "Mentorship",
        "consequences": [
            *who,
            "The mentorship cannot be restarted: working together again takes a new request.",
            "The reason below, if you give one, is shown to you both on the mentorship's page.",
        ],
        "form": form,
        "confirm_label": "End the mentorship",
        "keep_url": mentorship.get_absolute_url(),
        "keep_label": "Keep the mentorship",
        "danger": True,
    }


@login_required
@require_http_methods(["GET", "POST"])
def decline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        return _ask_first(
            request,
            pk,
            allowed=_is_mentor,
            possible=lambda m: m.is_open,
            page=_decline_page,
        )
    return _answer(
        request,
        pk,
        form_class=ReasonForm,
        act=mentorship_decline,
        done_before=lambda m, user: m.status == MentorshipStatus.DECLINED,
        done="Declined. The physician has been told, kindly.",
        confirmation=_decline_page,
    )


@login_required
@require_POST
def ask(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _answer(
        request,
        pk,
        form_class=QuestionForm,
        act=mentorship_ask_for_information,
        done_before=lambda m, user: bool(m.question),
        done="Your question was sent. The request waits for the answer.",
    )


@login_required
@require_POST
def answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _answer(
        request,
        pk,
        form_class=AnswerForm,
        act=mentorship_answer,
        done_before=lambda m, user: bool(m.answer),
        done="Your answer was sent to the mentor.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        return _ask_first(
            request,
            pk,
            allowed=_is_mentee,
            possible=lambda m: m.is_open,
            page=_withdraw_page,
        )
    return _answer(
        request,
        pk,
        act=mentorship_withdraw,
        done="Your request was withdrawn.",
        done_before=lambda m, user: m.status == MentorshipStatus.WITHDRAWN,
    )


@login_required
@require_http_methods(["GET", "POST"])
def end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    if request.method == "GET":
        return _ask_first(
            request,
            pk,
            allowed=lambda m, user: m.involves(user),
            possible=lambda m: m.is_active,
            page=_end_page,
        )
    return _answer(
        request,
        pk,
        form_class=ReasonForm,
        act=mentorship_end,
        done_before=lambda m, user: m.ended_by_id == user.pk,
        done="The mentorship has ended. Thank you both. Tell us how it went, below.",
        confirmation=_end_page,
    )
