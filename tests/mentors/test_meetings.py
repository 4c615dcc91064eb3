"""The meeting flow: the mentee proposes one to three times (shown in both people's zones),
the mentor picks one or asks for others, either side moves or cancels after confirming,
notes are shared or private, an action item becomes a plan action in one click; after
the end the mentee keeps the shared notes to read and the mentor keeps nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cmo_portal import clock
from mentors.models.meetings import Meeting, MeetingStatus
from mentors.models.mentorships import Mentorship
from mentors.services.meetings import (
    action_item_to_plan,
    meeting_ask_other_times,
    meeting_note_add,
    meeting_propose,
    meeting_propose_again,
    meeting_schedule,
)
from mentors.services.mentorships import mentorship_end
from pathways.models.plan import PlanAction, PlanChange
from tests.factories import (
    ActionItemFactory,
    MeetingFactory,
    MeetingNoteFactory,
    ProposedTimeFactory,
)
from tests.mentors.budgets import MENTORSHIP_PAGE_BUDGET
from tests.pages import client_for, words_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def soon() -> datetime.datetime:
    """Five days from now by the project's clock, read when the test runs (so it holds
    with the clock moved ahead), to the minute."""
    return clock.now().replace(second=0, microsecond=0) + datetime.timedelta(days=5)


@pytest.fixture
def mentorship(physician, active_mentor) -> Mentorship:
    active_mentor.profile.time_zone = "Europe/London"
    active_mentor.profile.save()
    return Mentorship.objects.get(mentee=physician, mentor__user=active_mentor)


def propose(run, mentorship, user, times) -> Meeting:
    return run(
        meeting_propose, mentorship=mentorship, user=user, topic="The interview", times=times
    )


def test_the_mentee_proposes_up_to_three_times_and_no_more(run, mentorship, physician, soon):
    hours = [soon + datetime.timedelta(hours=n) for n in range(4)]
    meeting = propose(run, mentorship, physician, hours[:3])
    assert meeting.status == MeetingStatus.PROPOSED
    assert [t.starts_at for t in meeting.times.all()] == hours[:3]
    with pytest.raises(ValidationError, match="between 1 and 3"):
        propose(run, mentorship, physician, hours)
    with pytest.raises(ValidationError, match="future"):
        propose(run, mentorship, physician, [timezone.now() - datetime.timedelta(hours=1)])
    assert Meeting.objects.count() == 1


def test_only_the_mentee_of_an_active_mentorship_proposes(
    run, mentorship, active_mentor, physician, soon
):
    with pytest.raises(PermissionDenied):
        propose(run, mentorship, active_mentor, [soon])
    run(mentorship_end, mentorship=mentorship, user=physician)
    with pytest.raises(ValidationError, match="active"):
        propose(run, mentorship, physician, [soon])
    assert not Meeting.objects.exists()


def test_the_mentor_picks_one_time_once(run, mentorship, physician, active_mentor, soon):
    meeting = propose(run, mentorship, physician, [soon, soon + datetime.timedelta(days=1)])
    second = meeting.times.all()[1]
    with pytest.raises(PermissionDenied):
        run(meeting_schedule, meeting=meeting, user=physician, time_id=second.pk)
    run(meeting_schedule, meeting=meeting, user=active_mentor, time_id=second.pk)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED
    assert meeting.starts_at == second.starts_at
    with pytest.raises(ValidationError):
        run(meeting_schedule, meeting=meeting, user=active_mentor, time_id=second.pk)


def test_asking_for_other_times_lets_the_mentee_propose_again(
    run, mentorship, physician, active_mentor, soon
):
    meeting = propose(run, mentorship, physician, [soon])
    run(meeting_ask_other_times, meeting=meeting, user=active_mentor, note="Mornings, please.")
    later = soon + datetime.timedelta(days=2)
    run(meeting_propose_again, meeting=meeting, user=physician, times=[later])
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PROPOSED
    assert meeting.proposal_round == 2
    assert [t.starts_at for t in meeting.times.all()] == [later]


def test_the_mentorship_page_shows_each_proposed_time_in_both_zones(
    run, mentorship, physician, active_mentor
):
    at = datetime.datetime(2031, 1, 6, 15, 0, tzinfo=datetime.UTC)
    propose(run, mentorship, physician, [at])
    url = reverse("mentors:mentorship", kwargs={"pk": mentorship.pk})
    mentee_reads = words_of(client_for(physician).get(url))
    mentor_reads = words_of(client_for(active_mentor).get(url))
    # 15:00 UTC in January: 09:00 in Chicago, 15:00 in London; the reader's own first.
    assert (
        "Monday 6 January 2031, 09:00 (Chicago) · Mon 6 Jan, 15:00 (London, for Dr Di Active)"
        in mentee_reads
    )
    assert (
        "Monday 6 January 2031, 15:00 (London) · Mon 6 Jan, 09:00 (Chicago, for Dr Ada Owner)"
        in mentor_reads
    )


def test_the_proposal_form_keeps_what_was_typed_on_error(mentorship, physician):
    url = reverse("mentors:meeting-new", kwargs={"pk": mentorship.pk})
    response = client_for(physician).post(url, {"topic": "Budget talk", "time_1": "not a time"})
    assert response.status_code == 400
    assert 'value="Budget talk"' in response.content.decode()
    assert not Meeting.objects.exists()


def test_moving_asks_to_confirm_in_both_zones_before_it_moves(run, mentorship, physician, soon):
    meeting = MeetingFactory(mentorship=mentorship, status="scheduled", starts_at=soon)
    url = reverse("mentors:meeting-move", kwargs={"pk": meeting.pk})
    client = client_for(physician)
    asked = client.post(url, {"starts_at": "2031-02-03T10:00"})
    assert asked.status_code == 200
    assert "(London, for Dr Di Active)" in words_of(asked)
    meeting.refresh_from_db()
    assert meeting.sequence == 0 and meeting.starts_at == soon
    done = client.post(url, {"starts_at": "2031-02-03T10:00", "confirmed": "True"})
    assert done.status_code == 302
    meeting.refresh_from_db()
    assert meeting.sequence == 1
    assert meeting.starts_at == datetime.datetime(2031, 2, 3, 16, 0, tzinfo=datetime.UTC)


def test_cancelling_asks_first_and_a_second_post_changes_nothing(mentorship, active_mentor, soon):
    meeting = MeetingFactory(mentorship=mentorship, status="scheduled", starts_at=soon)
    url = reverse("mentors:meeting-cancel", kwargs={"pk": meeting.pk})
    client = client_for(active_mentor)
    assert "Cancel the meeting?" in words_of(client.get(url))
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED
    client.post(url)
    client.post(url)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert meeting.cancelled_by == "mentor"
    assert meeting.sequence == 1


# --- Notes ---------------------------------------------------------------------------


def test_a_private_note_is_read_by_its_author_alone(mentorship, physician, active_mentor):
    private = MeetingNoteFactory(
        meeting__mentorship=mentorship, author=active_mentor, shared=False, body="Mine alone"
    )
    MeetingNoteFactory(meeting=private.meeting, author=physician, shared=True, body="For both")
    url = reverse("mentors:meeting", kwargs={"pk": private.meeting_id})
    assert "Mine alone" in words_of(client_for(active_mentor).get(url))
    mentee_reads = words_of(client_for(physician).get(url))
    assert "Mine alone" not in mentee_reads
    assert "For both" in mentee_reads


def test_notes_come_after_the_meeting_has_started(run, mentorship, physician, soon):
    meeting = MeetingFactory(mentorship=mentorship, status="scheduled", starts_at=soon)
    with pytest.raises(ValidationError, match="not started"):
        run(meeting_note_add, meeting=meeting, user=physician, body="Early", shared=True)


def test_support_reads_the_meeting_but_no_note(mentorship, support):
    note = MeetingNoteFactory(meeting__mentorship=mentorship, body="Confidential words")
    response = client_for(support).get(reverse("mentors:meeting", kwargs={"pk": note.meeting_id}))
    assert response.status_code == 200
    assert "Confidential words" not in words_of(response)


def test_after_the_end_the_mentee_keeps_the_shared_notes_and_the_mentor_nothing(
    run, mentorship, physician, active_mentor
):
    shared = MeetingNoteFactory(
        meeting__mentorship=mentorship, author=active_mentor, body="Shared advice"
    )
    MeetingNoteFactory(meeting=shared.meeting, author=active_mentor, shared=False, body="Hidden")
    run(mentorship_end, mentorship=mentorship, user=physician)
    url = reverse("mentors:meeting", kwargs={"pk": shared.meeting_id})
    mentee_reads = client_for(physician).get(url)
    assert mentee_reads.status_code == 200
    assert "Shared advice" in words_of(mentee_reads)
    assert "Hidden" not in words_of(mentee_reads)
    assert "Add a note" not in words_of(mentee_reads)
    assert client_for(active_mentor).get(url).status_code == 404
    post = client_for(active_mentor).post(
        reverse("mentors:meeting-note-add", kwargs={"pk": shared.meeting_id}), {"body": "x"}
    )
    assert post.status_code == 404


# --- Action items to the plan ----------------------------------------------------------


def test_an_action_item_becomes_a_plan_action_once_with_a_history_line(
    mentorship, physician, active_mentor, goal
):
    item = ActionItemFactory(note__meeting__mentorship=mentorship, title="Draft the pitch")
    url = reverse("mentors:action-item-to-plan", kwargs={"pk": item.pk})
    client = client_for(active_mentor)
    client.post(url, {"goal": goal.pk})
    client.post(url, {"goal": goal.pk})
    [action] = PlanAction.objects.filter(goal=goal)
    assert action.title == "Draft the pitch"
    item.refresh_from_db()
    assert item.action == action
    change = PlanChange.objects.get(plan=goal.plan)
    assert change.actor == active_mentor
    assert "Draft the pitch" in change.summary


def test_the_mentor_adds_nothing_once_the_mentorship_ended(
    run, mentorship, physician, active_mentor, goal
):
    item = ActionItemFactory(note__meeting__mentorship=mentorship)
    run(mentorship_end, mentorship=mentorship, user=physician)
    with pytest.raises(PermissionDenied):
        action_item_to_plan(item=item, user=active_mentor, goal=goal)
    assert action_item_to_plan(item=item, user=physician, goal=goal) is not None
    assert PlanAction.objects.filter(goal=goal).count() == 1


def test_an_action_item_joins_only_a_goal_of_the_mentees_plan(
    mentorship, physician, other_physician
):
    from tests.factories import PlanGoalFactory

    item = ActionItemFactory(note__meeting__mentorship=mentorship)
    elsewhere = PlanGoalFactory(plan__owner=other_physician)
    with pytest.raises(ValidationError, match="mentee's plan"):
        action_item_to_plan(item=item, user=physician, goal=elsewhere)
    assert not PlanAction.objects.exists()


# --- Query budgets ---------------------------------------------------------------------

# The mentorship as on its page (5, the meeting's id found first); the meeting and its
# times (2); the notes with their authors, action items and actions (2); the agenda: the
# plans, goals, actions and latest comments (4); the goals an item may join (1).
MEETING_PAGE_BUDGET = 14


@pytest.mark.parametrize("size", [1, 30])
def test_the_mentorship_page_does_not_grow_with_meetings(
    mentorship, physician, size, django_assert_max_num_queries
):
    for _ in range(size):
        ProposedTimeFactory.create_batch(3, meeting=MeetingFactory(mentorship=mentorship))
    client = client_for(physician)
    with django_assert_max_num_queries(MENTORSHIP_PAGE_BUDGET):
        response = client.get(reverse("mentors:mentorship", kwargs={"pk": mentorship.pk}))
    assert len(response.context["meetings_waiting"]) == size


@pytest.mark.parametrize("size", [1, 30])
def test_the_meeting_page_does_not_grow_with_notes(
    mentorship, physician, goal, size, django_assert_max_num_queries
):
    note = MeetingNoteFactory(meeting__mentorship=mentorship)
    for _ in range(size):
        ActionItemFactory.create_batch(2, note=MeetingNoteFactory(meeting=note.meeting))
    client = client_for(physician)
    with django_assert_max_num_queries(MEETING_PAGE_BUDGET):
        response = client.get(reverse("mentors:meeting", kwargs={"pk": note.meeting_id}))
    assert len(response.context["notes"]) == size + 1
