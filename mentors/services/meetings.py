"""Writes for meetings: the mentee proposes times, the mentor picks one or asks for
others, either side moves or cancels a scheduled meeting, each writes notes after it,
and an action item of a note becomes an action of the mentee's plan.

Every step locks the meeting, checks who acts and the meeting's state, and refuses
(ValidationError, PermissionDenied) without changing anything. The emails, with their
invitations, are composed into the outbox in the same transaction (invitations.py)."""

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cmo_portal import clock
from cmo_portal.accounts.models import User
from mentors.invitations import meeting_event_queue
from mentors.models.meetings import (
    MAX_PROPOSED_TIMES,
    ActionItem,
    Meeting,
    MeetingNote,
    MeetingStatus,
    ProposedTime,
    Side,
)
from mentors.models.mentorships import Mentorship
from pathways.models.plan import PlanAction, PlanGoal
from pathways.services.plan_items import action_create

# A note holds at most this many action items.
MAX_ACTION_ITEMS = 10


def _side_of(mentorship: Mentorship, user: User) -> str:
    if user.pk is not None and user.pk == mentorship.mentee_id:
        return Side.MENTEE
    if user.pk is not None and user.pk == mentorship.mentor_user_id:
        return Side.MENTOR
    raise PermissionDenied("Only the mentor and the mentee take part in a meeting.")


def _must_be_active(mentorship: Mentorship) -> None:
    if not mentorship.is_active:
        raise ValidationError("Meetings are for an active mentorship.")


def _clean_times(times: Sequence[datetime.datetime], now: datetime.datetime) -> list:
    chosen = sorted(set(times))
    if not 1 <= len(chosen) <= MAX_PROPOSED_TIMES:
        raise ValidationError(f"Propose between 1 and {MAX_PROPOSED_TIMES} different times.")
    if any(time <= now for time in chosen):
        raise ValidationError("Propose times in the future.")
    return chosen


def _locked(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("mentorship__mentee__profile", "mentorship__mentor__user__profile")
        .get(pk=meeting.pk)
    )


@transaction.atomic
def meeting_propose(
    *,
    mentorship: Mentorship,
    user: User,
    topic: str,
    times: Sequence[datetime.datetime],
    now: datetime.datetime | None = None,
) -> Meeting:
    """The mentee proposes 1 to 3 times; the mentor is told by email."""
    now = now or clock.now()
    mentorship = (
        Mentorship.objects.select_for_update(of=("self",))
        .select_related("mentee__profile", "mentor__user__profile")
        .get(pk=mentorship.pk)
    )
    if _side_of(mentorship, user) != Side.MENTEE:
        raise PermissionDenied("The mentee proposes the times of a meeting.")
    _must_be_active(mentorship)
    if not topic.strip():
        raise ValidationError("Say in a line what the meeting is for.")
    chosen = _clean_times(times, now)
    meeting = Meeting.objects.create(mentorship=mentorship, topic=topic.strip(), proposed_at=now)
    ProposedTime.objects.bulk_create(ProposedTime(meeting=meeting, starts_at=t) for t in chosen)
    meeting_event_queue(meeting, "proposed")
    return meeting


@transaction.atomic
def meeting_propose_again(
    *,
    meeting: Meeting,
    user: User,
    times: Sequence[datetime.datetime],
    now: datetime.datetime | None = None,
) -> Meeting:
    """After the mentor asked for other times: the mentee proposes new ones."""
    now = now or clock.now()
    meeting = _locked(meeting)
    if _side_of(meeting.mentorship, user) != Side.MENTEE:
        raise PermissionDenied("The mentee proposes the times of a meeting.")
    _must_be_active(meeting.mentorship)
    if meeting.status != MeetingStatus.OTHER_TIMES:
        raise ValidationError("The mentor has not asked for other times.")
    chosen = _clean_times(times, now)
    meeting.times.all().delete()
    ProposedTime.objects.bulk_create(ProposedTime(meeting=meeting, starts_at=t) for t in chosen)
    meeting.status = MeetingStatus.PROPOSED
    meeting.proposal_round += 1
    meeting.save(update_fields=["status", "proposal_round", "updated_at"])
    meeting_event_queue(meeting, "proposed")
    return meeting


def _as_mentor_waiting(meeting: Meeting, user: User) -> None:
    if _side_of(meeting.mentorship, user) != Side.MENTOR:
        raise PermissionDenied("The mentor picks the time of a meeting.")
    _must_be_active(meeting.mentorship)
    if meeting.status != MeetingStatus.PROPOSED:
        raise ValidationError(f"This meeting is {meeting.get_status_display().lower()}.")


@transaction.atomic
def meeting_schedule(
    *, meeting: Meeting, user: User, time_id: int, now: datetime.datetime | None = None
) -> Meeting:
    """The mentor picks one of the proposed times: both get the invitation."""
    now = now or clock.now()
    meeting = _locked(meeting)
    _as_mentor_waiting(meeting, user)
    picked = meeting.times.filter(pk=time_id).first()
    if picked is None:
        raise ValidationError("Pick one of the times proposed.")
    if picked.starts_at <= now:
        raise ValidationError("That time has passed: ask for other times.")
    meeting.status = MeetingStatus.SCHEDULED
    meeting.starts_at = picked.starts_at
    meeting.save(update_fields=["status", "starts_at", "updated_at"])
    meeting_event_queue(meeting, "scheduled")
    return meeting


@transaction.atomic
def meeting_ask_other_times(*, meeting: Meeting, user: User, note: str = "") -> Meeting:
    """None of the times suits the mentor: the mentee is asked for others."""
    meeting = _locked(meeting)
    _as_mentor_waiting(meeting, user)
    meeting.status = MeetingStatus.OTHER_TIMES
    meeting.other_times_note = note.strip()
    meeting.save(update_fields=["status", "other_times_note", "updated_at"])
    meeting_event_queue(meeting, "other_times")
    return meeting


@transaction.atomic
def meeting_move(
    *,
    meeting: Meeting,
    user: User,
    starts_at: datetime.datetime,
    now: datetime.datetime | None = None,
) -> Meeting:
    """Either side moves a scheduled meeting: the sequence grows and both get the
    updated invitation. Moving it to the time it has changes nothing (False-y repeat)."""
    now = now or clock.now()
    meeting = _locked(meeting)
    _side_of(meeting.mentorship, user)
    _must_be_active(meeting.mentorship)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise ValidationError("Only a scheduled meeting can be moved.")
    if starts_at <= now:
        raise ValidationError("Move the meeting to a time in the future.")
    if starts_at == meeting.starts_at:
        raise ValidationError("The meeting is at that time already.")
    meeting.starts_at = starts_at
    meeting.sequence += 1
    meeting.save(update_fields=["starts_at", "sequence", "updated_at"])
    meeting_event_queue(meeting, "moved")
    return meeting


@transaction.atomic
def meeting_cancel(
    *, meeting: Meeting, user: User, now: datetime.datetime | None = None
) -> Meeting:
    """Either side cancels a meeting not yet cancelled. A scheduled one sends both the
    cancellation (METHOD:CANCEL, the sequence one up); proposed times withdrawn are
    only told to the other side. Possible after the mentorship ended too: a meeting
    in the calendar should not outlive the mentorship."""
    meeting = _locked(meeting)
    side = _side_of(meeting.mentorship, user)
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("This meeting is cancelled already.")
    if meeting.starts_at is not None:
        meeting.sequence += 1
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancelled_by = side
    meeting.cancelled_at = now or clock.now()
    meeting.save(update_fields=["status", "sequence", "cancelled_by", "cancelled_at", "updated_at"])
    meeting_event_queue(meeting, "cancelled")
    return meeting


@transaction.atomic
def meeting_note_add(
    *,
    meeting: Meeting,
    user: User,
    body: str,
    shared: bool,
    items: Sequence[str] = (),
    now: datetime.datetime | None = None,
) -> MeetingNote:
    """A note after a scheduled meeting has started, private or shared, with its action
    items (one line each)."""
    now = now or clock.now()
    meeting = _locked(meeting)
    _side_of(meeting.mentorship, user)
    _must_be_active(meeting.mentorship)
    if meeting.status != MeetingStatus.SCHEDULED or meeting.starts_at is None:
        raise ValidationError("Notes are for a meeting that was scheduled.")
    if meeting.starts_at > now:
        raise ValidationError("Notes come after the meeting: it has not started yet.")
    titles = [line.strip()[:200] for line in items if line.strip()]
    if not body.strip() and not titles:
        raise ValidationError("Write a note or an action item.")
    if len(titles) > MAX_ACTION_ITEMS:
        raise ValidationError(f"A note holds at most {MAX_ACTION_ITEMS} action items.")
    note = MeetingNote.objects.create(
        meeting=meeting, author=user, body=body.strip(), shared=shared, created_at=now
    )
    ActionItem.objects.bulk_create(ActionItem(note=note, title=title) for title in titles)
    return note


@transaction.atomic
def action_item_to_plan(*, item: ActionItem, user: User, goal: PlanGoal) -> PlanAction | None:
    """One click: the action item becomes an action of `goal`, a goal of the mentee's
    plan, through the plan's own service (a line of the plan's history names who added
    it). The mentee may; the mentor only while the mentorship is active. None when the
    item is in the plan already (a second click)."""
    item = (
        ActionItem.objects.select_for_update(of=("self",))
        .select_related("note__meeting__mentorship__mentor")
        .get(pk=item.pk)
    )
    mentorship = item.note.meeting.mentorship
    if not item.note.readable_by(user):
        raise PermissionDenied("This note is not yours to read.")
    if user.pk != mentorship.mentee_id and not mentorship.is_active:
        raise PermissionDenied("A mentor adds to the plan only while the mentorship is active.")
    if item.action_id is not None:
        return None
    target = (
        PlanGoal.objects.not_removed()
        .select_related("plan")
        .filter(pk=goal.pk, plan__owner_id=mentorship.mentee_id)
        .first()
    )
    if target is None:
        raise ValidationError("Choose a goal of the mentee's plan.")
    meeting = item.note.meeting
    when = f" of {meeting.starts_at:%-d %B %Y}" if meeting.starts_at else ""
    action = action_create(
        goal=target,
        actor=user,
        data={"title": item.title, "notes": f"From the mentoring meeting{when}: {meeting.topic}"},
    )
    item.action, item.goal = action, target
    item.save(update_fields=["action", "goal"])
    return action
