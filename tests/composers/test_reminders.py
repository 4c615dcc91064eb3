"""Every kind of reminder, with eager Celery and the test outbox: what each says, who
gets it, and that running a task twice sends exactly one email."""

import datetime

import pytest
from django.core import mail

from assessments.models import RatingSet
from cmo_portal.composers.reminders import reminder_batch_compose, reminders_due_sweep
from cmo_portal.notifications import services
from cmo_portal.notifications.models import EmailKind, EmailLog, NotificationPreferences
from pathways.models.plan import (
    PlanAction,
    PlanChange,
)
from tests.composers.physicians import (
    NOW,
    TODAY,
    at_now,
    kinds_for,
    physician_with_plan,
    physician_with_removed_items,
    unverified_physician_with_plan,
)
from tests.factories import (
    MentorProfileFactory,
    MentorshipFactory,
    ProfileFactory,
)

pytestmark = pytest.mark.django_db


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


def test_a_plans_nudge_is_keyed_by_and_names_the_day_its_quiet_spell_began(clock, run):
    user, plan, _ = physician_with_plan(clock)
    PlanChange.objects.create(plan=plan, actor=user, summary="Edited")  # 28 January
    at_now(clock)
    run(reminders_due_sweep)
    log = EmailLog.objects.get(user=user, kind=EmailKind.PLAN_NUDGE)
    assert log.period_key == f"plan:{plan.pk}:2026-01-28"
    assert "quiet since 28 January 2026" in mail.outbox[-1].body


def test_reminders_turned_off_are_not_composed(clock, run):
    user, _plan, goal = physician_with_plan(clock)
    PlanAction.objects.create(goal=goal, title="Tomorrow", due_date=TODAY + datetime.timedelta(1))
    NotificationPreferences.objects.filter(user=user).update(
        action_reminders=False, plan_nudges=False
    )
    at_now(clock)
    run(reminders_due_sweep)
    assert kinds_for(user) == []


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


def test_a_reminder_leaves_removed_actions_out(clock, run):
    user = physician_with_removed_items(clock)
    at_now(clock)
    run(reminders_due_sweep)
    text = "\n".join(m.body for m in mail.outbox if m.to == [user.email])
    assert "Kept action" in text
    assert "Removed action" not in text and "removed goal" not in text
