"""The rules of requests and mentorships, at the service level: who may ask whom, what
each answer does, who is told, and that a refusal changes nothing."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from cmo_portal.accounts.access import user_can_view_data_of
from cmo_portal.accounts.models import DataKind
from mentors.models.mentorships import MAX_OPEN_REQUESTS, Mentorship, MentorshipStatus
from mentors.services.mentorships import (
    mentorship_accept,
    mentorship_answer,
    mentorship_ask_for_information,
    mentorship_decline,
    mentorship_end,
    mentorship_request_create,
    mentorship_requests_expire,
    mentorship_withdraw,
)
from pathways.models.plan import CareerPlan, PlanGoal
from tests.factories import (
    MentorProfileFactory,
    MentorshipFactory,
    PathwayFactory,
    ProfileFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cmo(db):
    return MentorProfileFactory(capacity=2)


def ask(run, mentee, mentor, **kwargs):
    return run(
        mentorship_request_create,
        mentee=mentee,
        mentor=mentor,
        message=kwargs.pop("message", "Could you help me prepare for a CMO role?"),
        **kwargs,
    )


def test_a_request_is_saved_and_the_mentor_is_emailed_after_the_commit(
    physician, cmo, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        mentorship = mentorship_request_create(
            mentee=physician, mentor=cmo, message="  Could you help me?  "
        )
        assert mail.outbox == []  # nothing is sent inside the transaction
    for callback in callbacks:  # the email's, and the page cache's (cmo_portal.page_cache)
        callback()
    assert mentorship.status == MentorshipStatus.REQUESTED
    assert mentorship.message == "Could you help me?"
    assert mentorship.expires_at - mentorship.requested_at == datetime.timedelta(days=3)
    assert [m.to for m in mail.outbox] == [[cmo.user.email]]
    assert "Dr Ada Owner" in mail.outbox[0].subject
    html = mail.outbox[0].alternatives[0]
    assert html.mimetype == "text/html"


def test_the_request_carries_the_goals_the_physician_chose(physician, cmo, run):
    plan = CareerPlan.objects.create(owner=physician, pathway=PathwayFactory())
    goal = PlanGoal.objects.create(plan=plan, title="Lead a budget cycle", section="mentors")
    mentorship = ask(run, physician, cmo, goals=[goal])
    assert list(mentorship.goals.all()) == [goal]


def test_goals_from_someone_elses_plan_are_refused(physician, other_physician, cmo, run):
    plan = CareerPlan.objects.create(owner=other_physician, pathway=PathwayFactory())
    goal = PlanGoal.objects.create(plan=plan, title="Not mine", section="mentors")
    with pytest.raises(ValidationError, match="your own plans"):
        ask(run, physician, cmo, goals=[goal])
    assert not Mentorship.objects.exists()


@pytest.mark.parametrize(
    ("make_mentor", "message"),
    [
        (lambda mentee: MentorProfileFactory(user=mentee), "yourself"),
        (lambda mentee: MentorProfileFactory(status="pending"), "not taking requests"),
        (lambda mentee: MentorProfileFactory(status="rejected"), "not taking requests"),
        (lambda mentee: MentorProfileFactory(accepting_requests=False), "paused"),
        (
            lambda mentee: (
                MentorshipFactory(mentor=MentorProfileFactory(capacity=1), status="active").mentor
            ),
            "no free places",
        ),
    ],
    ids=["to yourself", "pending", "rejected", "paused", "at capacity"],
)
def test_a_request_the_mentor_cannot_take_is_refused_and_changes_nothing(
    physician, run, make_mentor, message
):
    mentor = make_mentor(physician)
    before = Mentorship.objects.count()
    with pytest.raises(ValidationError, match=message):
        ask(run, physician, mentor)
    assert Mentorship.objects.count() == before
    assert mail.outbox == []


def test_a_duplicate_request_is_refused(physician, cmo, run):
    ask(run, physician, cmo)
    with pytest.raises(ValidationError, match="already have a request"):
        ask(run, physician, cmo)
    assert Mentorship.objects.filter(mentee=physician).count() == 1
    assert len(mail.outbox) == 1


def test_a_physician_has_at_most_a_few_open_requests(physician, run):
    for _ in range(MAX_OPEN_REQUESTS):
        ask(run, physician, MentorProfileFactory())
    with pytest.raises(ValidationError, match=f"{MAX_OPEN_REQUESTS} requests waiting"):
        ask(run, physician, MentorProfileFactory())
    assert Mentorship.objects.filter(mentee=physician).count() == MAX_OPEN_REQUESTS


def test_after_a_decline_the_physician_may_ask_again_only_after_the_cool_off(physician, cmo, run):
    mentorship = ask(run, physician, cmo)
    run(mentorship_decline, mentorship=mentorship, user=cmo.user, reason="Full year.")
    with pytest.raises(ValidationError, match="declined your last request"):
        ask(run, physician, cmo)
    later = timezone.now() + datetime.timedelta(days=91)
    assert ask(run, physician, cmo, now=later).status == MentorshipStatus.REQUESTED


def test_accepting_starts_the_mentorship_and_opens_the_mentees_data(physician, cmo, run):
    mentorship = ask(run, physician, cmo)
    assert not user_can_view_data_of(cmo.user, physician, what=DataKind.PLAN)
    mail.outbox.clear()
    run(mentorship_accept, mentorship=mentorship, user=cmo.user)
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE
    assert mentorship.started_at is not None
    assert user_can_view_data_of(cmo.user, physician, what=DataKind.PLAN)
    assert [m.to for m in mail.outbox] == [[physician.email]]
    assert "will be your mentor" in mail.outbox[0].subject


def test_the_mentee_cannot_accept_their_own_request(physician, cmo, run):
    mentorship = ask(run, physician, cmo)
    with pytest.raises(PermissionDenied):
        run(mentorship_accept, mentorship=mentorship, user=physician)
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.REQUESTED


def test_accepting_beyond_capacity_is_refused(cmo, run):
    requests = [ask(run, ProfileFactory().user, cmo) for _ in range(3)]
    for mentorship in requests[:2]:
        run(mentorship_accept, mentorship=mentorship, user=cmo.user)
    with pytest.raises(ValidationError, match="2 of the 2 people"):
        run(mentorship_accept, mentorship=requests[2], user=cmo.user)
    requests[2].refresh_from_db()
    assert requests[2].status == MentorshipStatus.REQUESTED
    assert Mentorship.objects.active().filter(mentor=cmo).count() == 2


def test_a_request_that_is_no_longer_open_cannot_be_answered(physician, cmo, run):
    mentorship = ask(run, physician, cmo)
    run(mentorship_withdraw, mentorship=mentorship, user=physician)
    for answer in (mentorship_accept, mentorship_decline):
        with pytest.raises(ValidationError, match="withdrawn"):
            run(answer, mentorship=mentorship, user=cmo.user)
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.WITHDRAWN


def test_declining_tells_the_physician_with_the_reason(physician, cmo, run):
    mentorship = ask(run, physician, cmo)
    mail.outbox.clear()
    mentorship = run(
        mentorship_decline,
        mentorship=mentorship,
        user=cmo.user,
        reason="I am on sabbatical until spring.",
    )
    assert mentorship.status == MentorshipStatus.DECLINED
    assert [m.to for m in mail.outbox] == [[physician.email]]
    assert "I am on sabbatical until spring." in mail.outbox[0].body


def test_asking_for_more_information_stops_the_clock_until_the_physician_answers(
    physician, cmo, run
):
    mentorship = ask(run, physician, cmo)
    mentorship = run(
        mentorship_ask_for_information,
        mentorship=mentorship,
        user=cmo.user,
        question="Which setting do you aim for?",
    )
    assert mentorship.status == MentorshipStatus.NEEDS_INFO
    assert mail.outbox[-1].to == [physician.email]
    assert "Which setting do you aim for?" in mail.outbox[-1].body
    assert mentorship_requests_expire(now=timezone.now() + datetime.timedelta(days=9)) == 0

    later = timezone.now() + datetime.timedelta(days=5)
    run(
        mentorship_answer,
        mentorship=mentorship,
        user=physician,
        answer="Pharma.",
        now=later,
    )
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.REQUESTED
    assert mentorship.answer == "Pharma."
    assert mentorship.expires_at == later + datetime.timedelta(days=3)
    assert mail.outbox[-1].to == [cmo.user.email]


def test_an_empty_question_or_answer_is_refused(physician, cmo, run):
    mentorship = ask(run, physician, cmo)
    with pytest.raises(ValidationError, match="Write the question"):
        run(
            mentorship_ask_for_information,
            mentorship=mentorship,
            user=cmo.user,
            question="   ",
        )
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.REQUESTED


def test_either_side_ends_a_mentorship_and_the_mentors_access_ends_at_once(physician, cmo, run):
    mentorship = ask(run, physician, cmo)
    run(mentorship_accept, mentorship=mentorship, user=cmo.user)
    mail.outbox.clear()
    mentorship = run(mentorship_end, mentorship=mentorship, user=physician, reason="Moving on.")
    assert mentorship.status == MentorshipStatus.ENDED
    assert mentorship.ended_by == physician
    assert not user_can_view_data_of(cmo.user, physician, what=DataKind.PLAN)
    assert [m.to for m in mail.outbox] == [[cmo.user.email]]  # the other side is told


def test_a_stranger_cannot_end_a_mentorship(physician, other_physician, cmo, run):
    mentorship = MentorshipFactory(mentee=physician, mentor=cmo, status="active")
    with pytest.raises(PermissionDenied):
        run(mentorship_end, mentorship=mentorship, user=other_physician)
    mentorship.refresh_from_db()
    assert mentorship.is_active


def test_the_usual_response_time_is_the_median_of_the_latest_answers(cmo, run):
    now = timezone.now()
    for hours in (2, 10, 30):
        mentorship = ask(run, ProfileFactory().user, cmo, now=now)
        run(
            mentorship_decline,
            mentorship=mentorship,
            user=cmo.user,
            now=now + datetime.timedelta(hours=hours),
        )
    cmo.refresh_from_db()
    assert cmo.usual_response_hours == 10


def test_an_unanswered_request_expires_once_and_the_physician_is_offered_the_next_mentor(
    physician, cmo, run
):
    now = timezone.now()
    mentorship = ask(run, physician, cmo, now=now - datetime.timedelta(days=3, minutes=1))
    recent = ask(run, physician, MentorProfileFactory(), now=now - datetime.timedelta(days=1))
    other = MentorProfileFactory(capacity=3)
    mail.outbox.clear()
    assert run(mentorship_requests_expire, now=now) == 1
    assert run(mentorship_requests_expire, now=now) == 0  # a second sweep
    mentorship.refresh_from_db()
    recent.refresh_from_db()
    assert mentorship.status == MentorshipStatus.EXPIRED
    assert recent.status == MentorshipStatus.REQUESTED
    assert [m.to for m in mail.outbox] == [[physician.email]]
    # The next suggestion is someone not asked yet: not the silent mentor, not the one
    # still deciding.
    assert other.display_name in mail.outbox[0].body
    assert cmo.display_name not in mail.outbox[0].body.split("expired")[-1]


def test_a_request_answered_before_the_sweep_does_not_expire(physician, cmo, run):
    mentorship = ask(run, physician, cmo)
    run(mentorship_accept, mentorship=mentorship, user=cmo.user)
    later = timezone.now() + datetime.timedelta(days=4)
    assert mentorship_requests_expire(now=later) == 0
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE


def test_withdrawing_tells_the_mentor_there_is_nothing_to_answer(physician, cmo, run):
    mentorship = ask(run, physician, cmo)
    mail.outbox.clear()
    mentorship = run(mentorship_withdraw, mentorship=mentorship, user=physician)
    assert mentorship.status == MentorshipStatus.WITHDRAWN
    assert [m.to for m in mail.outbox] == [[cmo.user.email]]
    assert "withdrew" in mail.outbox[0].subject


def test_a_mentor_asks_one_question_then_decides(physician, cmo, run):
    mentorship = ask(run, physician, cmo)
    run(
        mentorship_ask_for_information,
        mentorship=mentorship,
        user=cmo.user,
        question="Which setting?",
    )
    run(mentorship_answer, mentorship=mentorship, user=physician, answer="Pharma.")
    with pytest.raises(ValidationError, match="accept or decline now"):
        run(
            mentorship_ask_for_information,
            mentorship=mentorship,
            user=cmo.user,
            question="And another?",
        )
    mentorship.refresh_from_db()
    assert (mentorship.question, mentorship.answer) == ("Which setting?", "Pharma.")
