"""Every kind of reminder and the digest, with eager Celery and the test outbox: what
each says, who gets it, and that running a task twice, or two sweeps at once, sends
exactly one email."""

import datetime

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail

from assessments.models import RatingSet
from cmo_portal.notifications import services
from cmo_portal.notifications.digests import digest_batch_compose, digests_due_sweep
from cmo_portal.notifications.models import EmailKind, EmailLog, NotificationPreferences
from cmo_portal.notifications.reminders import reminder_batch_compose, reminders_due_sweep
from mentors.models import PlanComment
from pathways.models.plan import (
    CareerPlan,
    PlanAction,
    PlanChange,
    PlanGoal,
)
from pathways.services import plan_items
from tests.factories import (
    MentorProfileFactory,
    MentorshipFactory,
    OpportunityFactory,
    PathwayFactory,
    ProfileFactory,
)

pytestmark = pytest.mark.django_db

# Monday 9 March 2026, 8:05 in Chicago (CDT): the digest and the daily check are due.
NOW = datetime.datetime(2026, 3, 9, 13, 5, tzinfo=datetime.UTC)
TODAY = datetime.date(2026, 3, 9)


@pytest.fixture
def clock():
    with time_machine.travel(NOW - datetime.timedelta(days=40), tick=False) as traveller:
        yield traveller


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run


def physician_with_plan(clock, **profile):
    user = ProfileFactory(time_zone="America/Chicago", **profile).user
    plan = CareerPlan.objects.create(owner=user, pathway=PathwayFactory())
    goal = PlanGoal.objects.create(plan=plan, title="Lead the budget", section="education")
    services.preferences_for(user)
    return user, plan, goal


def at_now(clock):
    clock.move_to(NOW)


def kinds_for(user) -> list[str]:
    return sorted(EmailLog.objects.filter(user=user).values_list("kind", flat=True))


# --- Reminders ---------------------------------------------------------------------------


def test_actions_due_in_a_week_tomorrow_and_newly_overdue_are_listed_in_one_email(clock, run):
    user, _plan, goal = physician_with_plan(clock)
    for title, days in (("Action W7", 7), ("Action T1", 1), ("Action O1", -1), ("Action L3", 3)):
        PlanAction.objects.create(goal=goal, title=title, due_date=TODAY + datetime.timedelta(days))
    PlanAction.objects.create(goal=goal, title="Action D0", due_date=TODAY, status="done")
    at_now(clock)
    run(reminders_due_sweep)
    log = EmailLog.objects.get(user=user, kind=EmailKind.ACTION_REMINDER)
    assert log.period_key == "2026-03-09"
    body = mail.outbox[-1].body
    assert "Action W7" in body and "Action T1" in body and "Action O1" in body
    assert "Action L3" not in body and "Action D0" not in body
    assert mail.outbox[-1].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_reassessment_is_due_after_six_months_in_training_and_twelve_in_practice(clock, run):
    resident, _, _ = physician_with_plan(clock, career_stage="resident", years_since_residency=None)
    practising, _, _ = physician_with_plan(clock)
    seven_months_ago = NOW - datetime.timedelta(days=213)
    for user in (resident, practising):
        RatingSet.objects.create(
            subject=user, rater=user, rater_role="self", submitted_at=seven_months_ago
        )
    at_now(clock)
    run(reminders_due_sweep)
    assert EmailKind.REASSESSMENT in kinds_for(resident)
    assert EmailKind.REASSESSMENT not in kinds_for(practising)
    # The physician's own interval wins.
    NotificationPreferences.objects.filter(user=practising).update(
        reassessment_months=6, next_reminders_at=NOW
    )
    run(reminders_due_sweep)
    assert EmailKind.REASSESSMENT in kinds_for(practising)


def test_a_mentor_is_reminded_of_a_request_waiting_two_days_before_it_expires(clock, run):
    mentor = MentorProfileFactory(user=ProfileFactory(time_zone="America/Chicago").user)
    services.preferences_for(mentor.user)
    waiting = MentorshipFactory(
        mentor=mentor,
        requested_at=NOW - datetime.timedelta(days=2, hours=1),
        expires_at=NOW + datetime.timedelta(hours=23),
    )
    MentorshipFactory(mentor=mentor, requested_at=NOW - datetime.timedelta(hours=5))  # too new
    at_now(clock)
    run(reminders_due_sweep)
    logs = EmailLog.objects.filter(user=mentor.user, kind=EmailKind.REQUEST_REMINDER)
    assert [log.period_key for log in logs] == [f"mentorship:{waiting.pk}"]


def test_a_plan_quiet_for_thirty_days_gets_one_gentle_nudge(clock, run):
    user, plan, _ = physician_with_plan(clock)
    PlanChange.objects.create(plan=plan, actor=user, summary="Edited")  # 40 days ago
    at_now(clock)
    run(reminders_due_sweep)
    assert kinds_for(user).count(EmailKind.PLAN_NUDGE) == 1
    clock.move_to(NOW + datetime.timedelta(days=1))
    run(reminders_due_sweep)  # the next day: the same quiet spell, no second nudge
    assert kinds_for(user).count(EmailKind.PLAN_NUDGE) == 1


def test_reminders_turned_off_are_not_composed(clock, run):
    user, _plan, goal = physician_with_plan(clock)
    PlanAction.objects.create(goal=goal, title="Tomorrow", due_date=TODAY + datetime.timedelta(1))
    NotificationPreferences.objects.filter(user=user).update(
        action_reminders=False, plan_nudges=False
    )
    at_now(clock)
    run(reminders_due_sweep)
    assert kinds_for(user) == []


def unverified_physician_with_plan(clock):
    """As a real sign-up leaves them: the address row is there, not yet verified."""
    user, plan, goal = physician_with_plan(clock, user__verified_email=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    return user, plan, goal


def test_no_reminder_to_an_unverified_address(clock, run):
    user, _plan, goal = unverified_physician_with_plan(clock)
    PlanAction.objects.create(goal=goal, title="Tomorrow", due_date=TODAY + datetime.timedelta(1))
    verified, _plan, goal = physician_with_plan(clock)
    PlanAction.objects.create(goal=goal, title="Tomorrow", due_date=TODAY + datetime.timedelta(1))
    at_now(clock)
    run(reminders_due_sweep)
    assert {m.to[0] for m in mail.outbox} == {verified.email}
    assert not EmailLog.objects.filter(user=user).exists()
    # Its daily check still moves on to tomorrow at 8:00.
    assert NotificationPreferences.objects.get(user=user).next_reminders_at > NOW


def test_a_deactivated_user_gets_no_reminder_even_from_a_batch_already_queued(clock, run):
    user, _plan, goal = physician_with_plan(clock)
    PlanAction.objects.create(goal=goal, title="Tomorrow", due_date=TODAY + datetime.timedelta(1))
    at_now(clock)
    user.is_active = False
    user.save()
    run(reminders_due_sweep)
    assert run(reminder_batch_compose, [user.pk]) == 0
    assert mail.outbox == [] and not EmailLog.objects.exists()


# --- The digest --------------------------------------------------------------------------


def test_a_physicians_digest_has_progress_next_actions_comments_and_opportunities(clock, run):
    user, plan, goal = physician_with_plan(clock)
    mentor = MentorProfileFactory()
    MentorshipFactory(mentee=user, mentor=mentor, status="active")
    PlanAction.objects.create(
        goal=goal, title="Meet the CFO", due_date=TODAY + datetime.timedelta(5)
    )
    opportunity = OpportunityFactory(
        title="Payer leadership fellowship", deadline=TODAY + datetime.timedelta(20)
    )
    opportunity.pathways.add(plan.pathway)
    at_now(clock)
    PlanComment.objects.create(
        plan=plan, goal=goal, author=mentor.user, body="Ask about the budget cycle."
    )
    run(digests_due_sweep)
    [digest] = [m for m in mail.outbox if m.to == [user.email]]
    assert "digest" in digest.subject.lower()
    for text in (
        "Meet the CFO",
        "Ask about the budget cycle.",
        "Payer leadership fellowship",
        plan.pathway.title,
    ):
        assert text in digest.body, text
    assert digest.alternatives[0].mimetype == "text/html"
    assert "http" in digest.body  # absolute links
    assert digest.extra_headers["List-Unsubscribe"].startswith("<http")


def test_a_mentors_digest_has_requests_mentee_activity_and_plans_to_review(clock, run):
    mentor = MentorProfileFactory(user=ProfileFactory(time_zone="America/Chicago").user)
    services.preferences_for(mentor.user)
    mentee = ProfileFactory(full_name="Dr Active Mentee").user
    MentorshipFactory(mentee=mentee, mentor=mentor, status="active")
    plan = CareerPlan.objects.create(
        owner=mentee, pathway=PathwayFactory(), status="waiting_for_review"
    )
    MentorshipFactory(mentor=mentor, mentee=ProfileFactory(full_name="Dr New Request").user)
    at_now(clock)
    PlanChange.objects.create(plan=plan, actor=mentee, summary="Added a goal")
    run(digests_due_sweep)
    [digest] = [m for m in mail.outbox if m.to == [mentor.user.email]]
    assert "Dr New Request" in digest.body
    assert "Dr Active Mentee" in digest.body


def test_each_digest_task_run_twice_sends_exactly_one_email(clock, run):
    users = [physician_with_plan(clock)[0] for _ in range(3)]
    at_now(clock)
    ids = [u.pk for u in users]
    run(digest_batch_compose, ids)
    run(digest_batch_compose, ids)
    run(digests_due_sweep)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users)
    assert EmailLog.objects.filter(kind=EmailKind.DIGEST).count() == 3


def test_a_digest_composed_twice_for_the_same_period_is_one_email(clock, run):
    """Two sweeps at once: both read the same users as due before either moves them on.
    The unique (user, kind, period) row lets one of them through."""
    user, _, _ = physician_with_plan(clock)
    at_now(clock)
    due_at = NotificationPreferences.objects.get(user=user).next_digest_at
    run(digest_batch_compose, [user.pk])
    NotificationPreferences.objects.filter(user=user).update(
        next_digest_at=due_at, last_digest_at=None
    )
    run(digest_batch_compose, [user.pk])
    assert len(mail.outbox) == 1


def test_each_reminder_task_run_twice_sends_exactly_one_email(clock, run):
    user, _plan, goal = physician_with_plan(clock)
    PlanAction.objects.create(goal=goal, title="Tomorrow", due_date=TODAY + datetime.timedelta(1))
    at_now(clock)
    due_at = NotificationPreferences.objects.get(user=user).next_reminders_at
    run(reminder_batch_compose, [user.pk])
    NotificationPreferences.objects.filter(user=user).update(next_reminders_at=due_at)
    run(reminder_batch_compose, [user.pk])
    run(reminders_due_sweep)
    assert len([m for m in mail.outbox if "Tomorrow" in m.body]) == 1


def test_no_digest_to_an_unverified_address(clock, run):
    user, _plan, goal = unverified_physician_with_plan(clock)
    PlanAction.objects.create(goal=goal, title="Next", due_date=TODAY + datetime.timedelta(3))
    verified, _plan, goal = physician_with_plan(clock)
    PlanAction.objects.create(goal=goal, title="Next", due_date=TODAY + datetime.timedelta(3))
    at_now(clock)
    run(digests_due_sweep)
    assert [m.to for m in mail.outbox] == [[verified.email]]
    assert not EmailLog.objects.filter(user=user).exists()
    assert NotificationPreferences.objects.get(user=user).next_digest_at > NOW


def test_a_deactivated_user_gets_no_digest_even_from_a_batch_already_queued(clock, run):
    user, _plan, goal = physician_with_plan(clock)
    PlanAction.objects.create(goal=goal, title="Next", due_date=TODAY + datetime.timedelta(3))
    at_now(clock)
    user.is_active = False
    user.save()
    run(digests_due_sweep)
    assert run(digest_batch_compose, [user.pk]) == 0
    assert mail.outbox == [] and not EmailLog.objects.exists()


def test_no_digest_for_someone_who_chose_none_and_none_after_unsubscribing(clock, run):
    chose_none, _, _ = physician_with_plan(clock)
    services.preferences_save(user=chose_none, data={"digest_frequency": "never"})
    unsubscribed, _, _ = physician_with_plan(clock)
    services.unsubscribe(user=unsubscribed, kind=EmailKind.DIGEST)
    at_now(clock)
    run(digests_due_sweep)
    assert mail.outbox == []


def test_composing_a_batch_takes_a_fixed_number_of_queries_whatever_its_size(
    clock, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """Composing and queueing: the sends that follow are one task per batch, each email
    claimed on its own (tests/notifications/test_outbox.py)."""

    def make(count):
        for _ in range(count):
            _user, _plan, goal = physician_with_plan(clock)
            PlanAction.objects.create(
                goal=goal, title="Next", due_date=TODAY + datetime.timedelta(3)
            )

    def compose(ids):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            composed = digest_batch_compose(ids)
        return composed, callbacks

    make(2)
    at_now(clock)
    small = list(NotificationPreferences.objects.values_list("user_id", flat=True))
    with django_assert_max_num_queries(30) as captured:
        composed, callbacks = compose(small)
    budget = len(captured)
    assert composed == 2 and len(callbacks) == 1  # one send task for the batch
    clock.move_to(NOW - datetime.timedelta(days=40))
    make(40)
    at_now(clock)
    large = list(
        NotificationPreferences.objects.exclude(user__in=small).values_list("user_id", flat=True)
    )
    with django_assert_max_num_queries(budget):
        composed, callbacks = compose(large)
    assert composed == 40 and len(callbacks) == 1


# --- Removed plan items ------------------------------------------------------------------


def _with_removed_items(clock):
    user, plan, goal = physician_with_plan(clock)
    PlanAction.objects.create(
        goal=goal, title="Kept action", due_date=TODAY + datetime.timedelta(1)
    )
    alone = PlanAction.objects.create(
        goal=goal, title="Removed action", due_date=TODAY + datetime.timedelta(1)
    )
    gone = PlanGoal.objects.create(plan=plan, title="Removed goal", section="mentors")
    PlanAction.objects.create(
        goal=gone, title="Action of the removed goal", due_date=TODAY + datetime.timedelta(1)
    )
    plan_items.action_remove(action=alone, actor=user)
    plan_items.goal_remove(goal=gone, actor=user)
    return user


def test_a_reminder_leaves_removed_actions_out(clock, run):
    user = _with_removed_items(clock)
    at_now(clock)
    run(reminders_due_sweep)
    text = "\n".join(m.body for m in mail.outbox if m.to == [user.email])
    assert "Kept action" in text
    assert "Removed action" not in text and "removed goal" not in text


def test_a_digest_leaves_removed_goals_and_actions_out(clock, run):
    user = _with_removed_items(clock)
    at_now(clock)
    run(digests_due_sweep)
    [digest] = [m for m in mail.outbox if m.to == [user.email]]
    assert "Kept action" in digest.body
    assert "Removed action" not in digest.body and "removed goal" not in digest.body
