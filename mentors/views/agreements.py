"""A mentorship's agreement and its end feedback: proposing and confirming a version,
giving feedback once it has ended, taking back the consent to show it. Each view finds
the mentorship through the one access helper; support may read the page, never act
(403); the wrong side is refused (403) as the services would."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cmo_portal.accounts.models import User
from cmo_portal.accounts.requests import AuthenticatedHttpRequest
from cmo_portal.submissions.services import TOKEN_FIELD, AlreadySent, form_sent_once
from cmo_portal.submissions.views import ALREADY_SENT, already_sent
from mentors.forms import (
    DEFAULT_CONFIDENTIALITY,
    AgreementConfirmForm,
    AgreementForm,
    EndFeedbackForm,
)
from mentors.models.agreements import Side
from mentors.models.mentorships import Mentorship, MentorshipStatus
from mentors.selectors.agreements import agreement_state, end_feedback_of
from mentors.selectors.endings import feedback_goal_choices
from mentors.selectors.mentorships import mentorship_get_for_participant
from mentors.services.agreements import agreement_confirm, agreement_propose
from mentors.services.endings import ALREADY_GIVEN, end_feedback_give, end_feedback_hide
from mentors.views.sections import page_of_mentorship


def agreement_context(mentorship: Mentorship, user: User) -> dict:
    """What the mentorship's page shows of the agreement and the end feedback
    (templates/mentors/_mentorship_agreement.html)."""
    side = Side.of(mentorship, user)
    mine = end_feedback_of(mentorship, side)
    form = None
    if side is not None and mentorship.status == MentorshipStatus.ENDED and mine is None:
        form = EndFeedbackForm(side=side, goals=feedback_goal_choices(mentorship))
    # After the end the mentor keeps nothing of the agreement (its goals are the mentee's
    # plan); the mentee keeps it to read.
    kept = side == "mentee" or mentorship.is_active
    return {
        "agreement": agreement_state(mentorship, side) if kept else None,
        "end_feedback": {"mine": mine, "form": form, "side": side},
    }


def _participant(request: AuthenticatedHttpRequest, pk: int) -> tuple[Mentorship, str]:
    mentorship = mentorship_get_for_participant(user=request.user, pk=pk)
    side = Side.of(mentorship, request.user)
    if side is None:
        raise PermissionDenied("Only the mentee and the mentor act in a mentorship.")
    return mentorship, side


def _agreement_anchor(mentorship: Mentorship) -> str:
    return mentorship.get_absolute_url() + "#agreement"


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Propose the agreement, or a revision of it: the form starts from the latest
    version."""
    mentorship, side = _participant(request, pk)
    if not mentorship.is_active:
        messages.error(request, "The agreement is made while the mentorship is active.")
        return redirect(mentorship)
    page_of_mentorship(request, mentorship)
    state = agreement_state(mentorship, side)
    latest = state.latest
    initial = (
        {
            "goals": [goal.pk for goal in latest.goals.all()],
            "cadence": latest.cadence,
            "meeting_format": latest.meeting_format,
            "confidentiality": latest.confidentiality,
            "ends_on": latest.ends_on,
        }
        if latest is not None
        else {
            "goals": [goal.pk for goal in mentorship.goals.all()],
            "confidentiality": DEFAULT_CONFIDENTIALITY,
        }
    )
    form = AgreementForm(request.POST or None, mentee=mentorship.mentee, initial=initial)
    if request.method == "POST":
        if form.is_valid():
            try:
                with form_sent_once(
                    user=request.user, token=request.POST.get(TOKEN_FIELD), content=request.POST
                ) as sending:
                    agreement_propose(mentorship=mentorship, user=request.user, **form.cleaned_data)
                    sending.leads_to = _agreement_anchor(mentorship)
            except AlreadySent as repeat:
                return already_sent(request, repeat, fallback=_agreement_anchor(mentorship))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Proposed. It holds once the other side confirms it.")
                return redirect(_agreement_anchor(mentorship))
        messages.error(request, "The agreement was not proposed: please see the message below.")
    return render(
        request,
        "mentors/agreement_form.html",
        {"mentorship": mentorship, "form": form, "agreement": state},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def agreement_confirm_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Confirm the latest version; confirming twice says it was done before."""
    mentorship, side = _participant(request, pk)
    form = AgreementConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That version of the agreement is not known.")
        return redirect(_agreement_anchor(mentorship))
    version = form.cleaned_data["version"]
    try:
        agreement = agreement_confirm(mentorship=mentorship, user=request.user, version=version)
    except ValidationError as error:
        latest = agreement_state(mentorship, side).latest
        if latest is not None and latest.version == version and latest.confirmed_at(side):
            messages.info(request, ALREADY_SENT)
        else:
            messages.error(request, " ".join(error.messages))
    else:
        if agreement.is_confirmed:
            messages.success(request, "Confirmed. The agreement now holds for you both.")
        else:
            messages.success(request, "Confirmed. It holds once the other side confirms too.")
    return redirect(_agreement_anchor(mentorship))


def _feedback_anchor(mentorship: Mentorship) -> str:
    return mentorship.get_absolute_url() + "#end-feedback"


@login_required
@require_http_methods(["GET", "POST"])
def end_feedback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The feedback form on a page of its own: where the mentorship page's form lands
    when something is missing, with what was typed."""
    mentorship, side = _participant(request, pk)
    if mentorship.status != MentorshipStatus.ENDED:
        messages.error(request, "Feedback is given once the mentorship has ended.")
        return redirect(mentorship)
    if end_feedback_of(mentorship, side) is not None:
        messages.info(request, ALREADY_SENT if request.method == "POST" else ALREADY_GIVEN)
        return redirect(_feedback_anchor(mentorship))
    goals = feedback_goal_choices(mentorship)
    form = EndFeedbackForm(request.POST or None, side=side, goals=goals)
    if request.method == "POST":
        if form.is_valid():
            try:
                with form_sent_once(
                    user=request.user, token=request.POST.get(TOKEN_FIELD), content=request.POST
                ) as sending:
                    end_feedback_give(mentorship=mentorship, user=request.user, **form.cleaned_data)
                    sending.leads_to = _feedback_anchor(mentorship)
            except AlreadySent as repeat:
                return already_sent(request, repeat, fallback=_feedback_anchor(mentorship))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Thank you for your feedback.")
                return redirect(_feedback_anchor(mentorship))
        messages.error(request, "Your feedback was not saved: please see the message below.")
    return render(
        request,
        "mentors/end_feedback_form.html",
        {"mentorship": mentorship, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def end_feedback_hide_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    mentorship, side = _participant(request, pk)
    if side != Side.MENTEE:
        raise PermissionDenied("Only the mentee decides whether their feedback is shown.")
    if end_feedback_hide(mentorship=mentorship, user=request.user):
        messages.success(request, "Your feedback is no longer shown on the mentor's profile.")
    else:
        messages.info(request, "Your feedback is not shown on the mentor's profile.")
    return redirect(_feedback_anchor(mentorship))
