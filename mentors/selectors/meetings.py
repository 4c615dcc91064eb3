"""Reads for meetings: a mentorship's meetings with each time in both people's zones,
one meeting for its page (its notes as the reader may read them, its agenda), all in a
fixed number of queries however many meetings, times and notes there are."""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404
from django.utils import timezone

from cmo_portal.accounts.access import user_can_view_data_of
from cmo_portal.accounts.models import DataKind, User
from cmo_portal.time_zones import time_zone_of, zone_label
from mentors.models.feedback import PlanComment
from mentors.models.meetings import ActionItem, Meeting, MeetingNote
from mentors.models.mentorships import Mentorship
from mentors.selectors.feedback import latest_comments_for_mentee
from mentors.selectors.mentorships import mentorship_get_for_participant
from pathways.models.plan import CareerPlan, ItemStatus, PlanAction, PlanGoal
from pathways.selectors.plan import plan_items_prefetch


@dataclass(frozen=True)
class LocalTime:
    local: datetime.datetime
    zone: str  # as pages name it: "Chicago"
    whose: str  # "you", or the other person's name


def in_both_zones(
    at: datetime.datetime | None, *, mentorship: Mentorship, viewer: User
) -> list[LocalTime]:
    """`at` in the reader's zone first, then in the other person's (once if they share
    a zone). Reads the zones from the profiles loaded with the mentorship."""
    if at is None:
        return []
    mentee = mentorship.mentee
    mentor = mentorship.mentor.user if mentorship.mentor is not None else None
    people = [(mentee, mentee.get_full_name())]
    if mentor is not None:
        people.append((mentor, mentor.get_full_name()))
    if viewer.pk != mentee.pk:
        people.reverse()
    shown, zones = [], set()
    for person, name in people:
        name_of_zone = time_zone_of(person)
        if name_of_zone in zones:
            continue
        zones.add(name_of_zone)
        zone = zoneinfo.ZoneInfo(name_of_zone)
        whose = "you" if person.pk == viewer.pk else name
        shown.append(LocalTime(at.astimezone(zone), zone_label(zone), whose))
    return shown


def _zoned(meeting: Meeting, mentorship: Mentorship, viewer: User) -> Meeting:
    meeting.mentorship = mentorship
    meeting.when = in_both_zones(  # type: ignore[attr-defined]
        meeting.starts_at, mentorship=mentorship, viewer=viewer
    )
    for proposed in meeting.times.all():
        proposed.when = in_both_zones(  # type: ignore[attr-defined]
            proposed.starts_at, mentorship=mentorship, viewer=viewer
        )
    return meeting


def may_see_meetings(mentorship: Mentorship, viewer: User) -> bool:
    """The mentee always; the mentor while the mentorship is active; support reads a
    mentorship (its meetings' times, never their notes)."""
    if viewer.pk == mentorship.mentee_id:
        return True
    if viewer.pk is not None and viewer.pk == mentorship.mentor_user_id:
        return mentorship.is_active
    return user_can_view_data_of(viewer, mentorship.mentee, what=DataKind.MENTORSHIP)


def meetings_context(mentorship: Mentorship, viewer: User) -> dict:
    """What the mentorship page shows of its meetings (templates/mentors/
    _mentorship_meetings.html): two queries, however many meetings and times."""
    if not may_see_meetings(mentorship, viewer):
        return {"meetings_shown": False}
    meetings = [
        _zoned(meeting, mentorship, viewer)
        for meeting in mentorship.meetings.prefetch_related("times").order_by("-proposed_at", "-pk")
    ]
    return {
        "meetings_shown": True,
        "meetings_waiting": [m for m in meetings if m.is_waiting],
        "meetings_scheduled": sorted(
            (m for m in meetings if m.is_scheduled),
            key=lambda m: m.starts_at,
            reverse=True,
        ),
        "meetings_cancelled": [m for m in meetings if m.status == "cancelled"],
        "now": timezone.now(),
    }


def meeting_get_for_viewer(*, viewer: User, pk: int) -> Meeting:
    """The meeting, for its mentee, its mentor while the mentorship is active, or
    support; 404 for anyone else (a former mentor too)."""
    mentorship_id = Meeting.objects.filter(pk=pk).values_list("mentorship_id", flat=True).first()
    if mentorship_id is None:
        raise Http404("No such meeting.")
    mentorship = mentorship_get_for_participant(user=viewer, pk=mentorship_id)
    if not may_see_meetings(mentorship, viewer):
        raise Http404("No such meeting.")
    meeting = Meeting.objects.prefetch_related("times").get(pk=pk)
    return _zoned(meeting, mentorship, viewer)


def meeting_notes_for_viewer(meeting: Meeting, viewer: User) -> list[MeetingNote]:
    """The notes the reader may read (MeetingNote.readable_by), with their action items and
    the actions they became: two queries."""
    notes = (
        MeetingNote.objects.filter(meeting=meeting)
        .select_related("author__profile")
        .prefetch_related(
            Prefetch("items", queryset=ActionItem.objects.select_related("action", "goal"))
        )
    )
    readable = []
    for note in notes:
        note.meeting = meeting
        if note.readable_by(viewer):
            readable.append(note)
    return readable


@dataclass
class Agenda:
    goals: list[PlanGoal]  # open goals, each with its open actions as `open_actions`
    comments: list[PlanComment]


def meeting_agenda(mentorship: Mentorship, viewer: User) -> Agenda | None:
    """What to talk about: the mentee's goals not done, each with its actions not done,
    and the latest comments on the mentee's plans. For whoever may read the mentee's
    plan, while the mentorship is active; three queries."""
    mentee = mentorship.mentee
    if not mentorship.is_active or not user_can_view_data_of(viewer, mentee, what=DataKind.PLAN):
        return None
    plans = CareerPlan.objects.filter(owner=mentee).prefetch_related(
        plan_items_prefetch(
            goals=PlanGoal.objects.select_related("plan__pathway").in_section_order(),
            actions=PlanAction.objects.only("pk", "goal_id", "title", "status", "due_date"),
        )
    )
    goals = []
    for plan in plans:
        for goal in plan.goals.all():
            if goal.status == ItemStatus.DONE:
                continue
            goal.open_actions = [  # type: ignore[attr-defined]
                action for action in goal.actions.all() if action.status != ItemStatus.DONE
            ]
            goals.append(goal)
    return Agenda(goals=goals, comments=latest_comments_for_mentee(mentee))


def open_goals_of(mentorship: Mentorship) -> list[PlanGoal]:
    """The goals an action item may join: the mentee's goals not removed, plan by plan."""
    return list(
        PlanGoal.objects.not_removed()
        .filter(plan__owner_id=mentorship.mentee_id)
        .select_related("plan__pathway")
        .plan_by_plan()
    )
