"""Meetings: the mentee proposes times, the mentor picks one or asks for others, either
side moves or cancels (each asked to confirm first), both write notes, and an action
item becomes a plan action in one click. Each view finds the meeting through one access
helper (meeting_get_for_viewer) and hands what the form cleaned to one service."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cmo_portal.accounts.requests import AuthenticatedHttpRequest
from cmo_portal.submissions.services import TOKEN_FIELD, AlreadySent, form_sent_once
from cmo_portal.submissions.views import ALREADY_SENT, already_sent
from mentors.meeting_forms import (
    MeetingProposalForm,
    MeetingTimesForm,
    MoveForm,
    NoteForm,
    OtherTimesForm,
    PickTimeForm,
    ToPlanForm,
)
from mentors.models.meetings import ActionItem, Meeting, MeetingStatus
from mentors.selectors.meetings import (
    in_both_zones,
    meeting_agenda,
    meeting_get_for_viewer,
    meeting_notes_for_viewer,
    open_goals_of,
)
from mentors.selectors.mentorships import mentorship_get_for_participant
from mentors.services.meetings import (
    action_item_to_plan,
    meeting_ask_other_times,
    meeting_cancel,
    meeting_move,
    meeting_note_add,
    meeting_propose,
    meeting_propose_again,
    meeting_schedule,
)
from mentors.views.sections import page_of_mentorship
from pathways.models.plan import PlanGoal


def _refused(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The mentee proposes one to three times for a meeting."""
    mentorship = mentorship_get_for_participant(user=request.user, pk=pk)
    if mentorship.mentee_id != request.user.pk:
        raise PermissionDenied("The mentee proposes the times of a meeting.")
    page_of_mentorship(request, mentorship)
    form = MeetingProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with form_sent_once(
                user=request.user, token=request.POST.get(TOKEN_FIELD), content=request.POST
            ) as sending:
                meeting = meeting_propose(
                    mentorship=mentorship,
                    user=request.user,
                    topic=form.cleaned_data["topic"],
                    times=form.times(),
                )
                sending.leads_to = meeting.get_absolute_url()
        except AlreadySent as repeat:
            return already_sent(request, repeat, fallback=mentorship.get_absolute_url())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your times were sent. You will hear which one suits.")
            return redirect(meeting)
    return render(
        request,
        "mentors/meeting_form.html",
        {"mentorship": mentorship, "form": form, "title": "Propose a meeting"},
        status=400 if form.errors else 200,
    )


@login_required
@require_safe
def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _meeting_page(request, meeting_get_for_viewer(viewer=request.user, pk=pk))


def _meeting_page(
    request: AuthenticatedHttpRequest,
    meeting: Meeting,
    *,
    note_form: NoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    mentorship = meeting.mentorship
    is_participant = mentorship.involves(request.user)
    page_of_mentorship(request, mentorship)
    return render(
        request,
        "mentors/meeting_detail.html",
        {
            "meeting": meeting,
            "mentorship": mentorship,
            "is_mentor": mentorship.mentor_user_id == request.user.pk,
            "is_mentee": mentorship.mentee_id == request.user.pk,
            "may_act": is_participant and mentorship.is_active,
            "notes": meeting_notes_for_viewer(meeting, request.user) if is_participant else [],
            "note_form": note_form or NoteForm(),
            "other_times_form": OtherTimesForm(),
            "agenda": meeting_agenda(mentorship, request.user),
            "goals": open_goals_of(mentorship) if is_participant and mentorship.is_active else [],
        },
        status=status,
    )


def _act(
    request: AuthenticatedHttpRequest,
    pk: int,
    *,
    form_class,
    act: Callable,
    done: str,
    done_before: Callable[[Meeting], bool],
) -> HttpResponse:
    """One step on a meeting from a form on its page: a refusal is a message there and
    changes nothing; the step sent twice says so kindly."""
    meeting = meeting_get_for_viewer(viewer=request.user, pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, "That was not understood: please try again.")
        return redirect(meeting)
    try:
        act(meeting=meeting, user=request.user, **form.cleaned_data)
    except ValidationError as error:
        meeting.refresh_from_db()
        if done_before(meeting):
            messages.info(request, ALREADY_SENT)
        else:
            _refused(request, error)
    else:
        messages.success(request, done)
    return redirect(meeting)


@login_required
@require_POST
def meeting_pick(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        form_class=PickTimeForm,
        act=lambda *, time, **kwargs: meeting_schedule(time_id=time, **kwargs),
        done="The meeting is scheduled. You both have the invitation by email.",
        done_before=lambda m: m.status == MeetingStatus.SCHEDULED,
    )


@login_required
@require_POST
def meeting_other_times(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        form_class=OtherTimesForm,
        act=meeting_ask_other_times,
        done="Other times were asked for.",
        done_before=lambda m: m.status == MeetingStatus.OTHER_TIMES,
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_times(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The mentee proposes new times after the mentor asked for others."""
    meeting = meeting_get_for_viewer(viewer=request.user, pk=pk)
    if meeting.mentorship.mentee_id != request.user.pk:
        raise PermissionDenied("The mentee proposes the times of a meeting.")
    form = MeetingTimesForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_propose_again(meeting=meeting, user=request.user, times=form.times())
        except ValidationError as error:
            meeting.refresh_from_db()
            if meeting.status != MeetingStatus.OTHER_TIMES:
                messages.info(request, ALREADY_SENT)
                return redirect(meeting)
            form.add_error(None, error)
        else:
            messages.success(request, "Your new times were sent.")
            return redirect(meeting)
    return render(
        request,
        "mentors/meeting_form.html",
        {
            "mentorship": meeting.mentorship,
            "meeting": meeting,
            "form": form,
            "title": "Propose other times",
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_move_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Either side moves a scheduled meeting: the new time, then a page that shows it in
    both zones and asks to confirm; only the confirmed POST moves it."""
    meeting = meeting_get_for_viewer(viewer=request.user, pk=pk)
    mentorship = meeting.mentorship
    if not mentorship.involves(request.user):
        raise PermissionDenied("Only the mentor and the mentee move a meeting.")
    if not meeting.is_scheduled or not mentorship.is_active:
        messages.error(request, "Only a scheduled meeting of an active mentorship can be moved.")
        return redirect(meeting)
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        starts_at = form.cleaned_data["starts_at"]
        if not form.cleaned_data["confirmed"]:
            return render(
                request,
                "mentors/meeting_move_confirm.html",
                {
                    "meeting": meeting,
                    "form": MoveForm(initial={"starts_at": starts_at, "confirmed": True}),
                    "when": in_both_zones(starts_at, mentorship=mentorship, viewer=request.user),
                },
            )
        try:
            meeting_move(meeting=meeting, user=request.user, starts_at=starts_at)
        except ValidationError as error:
            meeting.refresh_from_db()
            if meeting.starts_at == starts_at:
                messages.info(request, ALREADY_SENT)
                return redirect(meeting)
            form.add_error("starts_at", error)
        else:
            messages.success(request, "The meeting was moved. You both have the new invitation.")
            return redirect(meeting)
    return render(
        request,
        "mentors/meeting_move.html",
        {"meeting": meeting, "form": form},
        status=400 if form.errors else 200,
    )


def _cancel_page(meeting: Meeting) -> dict:
    scheduled = meeting.starts_at is not None
    return {
        "title": "Cancel the meeting?" if scheduled else "Withdraw the proposed times?",
        "eyebrow": f"Meeting: {meeting.topic}",
        "consequences": [
            "You both receive a cancellation by email; your calendars remove the meeting."
            if scheduled
            else "The other side is told by email that these times are withdrawn.",
            "The notes written so far are kept.",
            "To meet after all, the mentee proposes new times.",
        ],
        "confirm_label": "Cancel the meeting",
        "keep_url": meeting.get_absolute_url(),
        "keep_label": "Keep the meeting",
        "danger": True,
    }


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_get_for_viewer(viewer=request.user, pk=pk)
    if not meeting.mentorship.involves(request.user):
        raise PermissionDenied("Only the mentor and the mentee cancel a meeting.")
    if request.method == "GET":
        if meeting.status == MeetingStatus.CANCELLED:
            messages.info(request, "This meeting is cancelled.")
            return redirect(meeting)
        return render(request, "confirm.html", _cancel_page(meeting))
    try:
        meeting_cancel(meeting=meeting, user=request.user)
    except ValidationError:
        messages.info(request, ALREADY_SENT)
    else:
        messages.success(request, "The meeting is cancelled. You have both been told.")
    return redirect(meeting)


@login_required
@require_POST
def note_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_get_for_viewer(viewer=request.user, pk=pk)
    if not meeting.mentorship.involves(request.user):
        raise PermissionDenied("Only the mentor and the mentee write notes.")
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            with form_sent_once(
                user=request.user, token=request.POST.get(TOKEN_FIELD), content=request.POST
            ) as sending:
                note = meeting_note_add(
                    meeting=meeting,
                    user=request.user,
                    body=form.cleaned_data["body"],
                    shared=form.cleaned_data["shared"],
                    items=form.item_titles(),
                )
                sending.leads_to = f"{meeting.get_absolute_url()}#note-{note.pk}"
        except AlreadySent as repeat:
            return already_sent(request, repeat, fallback=meeting.get_absolute_url())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Your note was saved.")
            return redirect(sending.leads_to)
    messages.error(request, "Your note was not saved: please see the message below.")
    return _meeting_page(request, meeting, note_form=form, status=400)


@login_required
@require_POST
def action_item_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One click: the action item joins the chosen goal of the mentee's plan."""
    meeting_id = ActionItem.objects.filter(pk=pk).values_list("note__meeting_id", flat=True).first()
    if meeting_id is None:
        raise Http404("No such action item.")
    meeting = meeting_get_for_viewer(viewer=request.user, pk=meeting_id)
    item = ActionItem.objects.select_related("note").get(pk=pk)
    item.note.meeting = meeting
    if not item.note.readable_by(request.user):
        raise Http404("No such action item.")
    form = ToPlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the goal the action is for.")
        return redirect(meeting)
    try:
        action = action_item_to_plan(
            item=item, user=request.user, goal=PlanGoal(pk=form.cleaned_data["goal"])
        )
    except ValidationError as error:
        _refused(request, error)
    else:
        if action is None:
            messages.info(request, "That action is in the plan already.")
        else:
            messages.success(request, f"“{action.title}” is now an action of the plan.")
    return redirect(f"{meeting.get_absolute_url()}#note-{item.note_id}")
