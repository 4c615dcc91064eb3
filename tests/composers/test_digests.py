"""The digest, with eager Celery and the test outbox: what it says to a physician and to
a mentor, who gets it, that running a task twice (or composing the same period twice)
sends exactly one email, and that a batch takes a fixed number of queries."""

import datetime

import pytest
from django.core import mail

from cmo_portal.composers.digests import digest_batch_compose, digests_due_sweep
from cmo_portal.notifications import services
from cmo_portal.notifications.models import EmailKind, EmailLog, NotificationPreferences
from mentors.models.feedback import PlanComment
from pathways.models.plan import (
    CareerPlan,
    PlanAction,
    PlanChange,
)
from tests.composers.physicians import (
    NOW,
    TODAY,
    at_now,
    physician_with_plan,
    physician_with_removed_items,
    unverified_physician_with_plan,
)
from tests.factories import (
    MentorProfileFactory,
    MentorshipFactory,
    OpportunityFactory,
    PathwayFactory,
    ProfileFactory,
)

pytestmark = pytest.mark.django_db


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


def test_a_digest_says_an_example_listing_is_one_and_lists_no_deadline_for_it(clock, run):
    user, plan, _ = physician_with_plan(clock)
    at_now(clock)  # a new listing this week
    example = OpportunityFactory(
        title="Payer fellowship of this kind",
        listing="example",
        url="",
        how_to_find="Ask the payer medical directors' society.",
        deadline=TODAY + datetime.timedelta(10),
    )
    example.pathways.add(plan.pathway)

    run(digests_due_sweep)

    [digest] = [m for m in mail.outbox if m.to == [user.email]]
    assert "Payer fellowship of this kind, A health system (an example: its page" in digest.body
    assert "apply by" not in digest.body.lower()
    assert "deadline" not in digest.subject.lower()
    html = digest.alternatives[0].content
    assert "An example: its page says how to find real ones" in html
    assert "Apply by" not in html


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


def test_a_digest_leaves_removed_goals_and_actions_out(clock, run):
    user = physician_with_removed_items(clock)
    at_now(clock)
    run(digests_due_sweep)
    [digest] = [m for m in mail.outbox if m.to == [user.email]]
    assert "Kept action" in digest.body
    assert "Removed action" not in digest.body and "removed goal" not in digest.body
