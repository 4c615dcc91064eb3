"""Reminders, checked once a day for each user at about 8:00 in their own time zone:

- plan actions due in 7 days, due tomorrow, or overdue since yesterday (one email a day
  listing them, keyed by the local date);
- a reassessment due: 6 months after the last self-rating in training (students,
  residents, fellows), 12 months in practice, or what the user chose (keyed by the date);
- mentorship requests waiting 2 days for the mentor's answer (they expire at 3 days, so
  the reminder says one day is left; keyed by the request);
- a plan untouched for 30 days (keyed by the plan and the date of its last change, so
  one nudge per quiet spell).

As with digests, one sweep queues batches, a batch reads what it needs in a fixed number
of queries, and every email is unique per (user, kind, period) in the email log."""

import datetime
from collections import defaultdict

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Max

from assessments.models import RaterRole, RatingSet
from cmo_portal import clock
from cmo_portal.accounts.models import CareerStage
from cmo_portal.notifications import schedule
from cmo_portal.notifications.emails import email_render
from cmo_portal.notifications.models import (
    EmailKind,
    EmailLog,
    EmailStatus,
    NotificationPreferences,
)
from cmo_portal.notifications.queue import email_logs_send_after_commit
from cmo_portal.notifications.services import email_to_payload
from cmo_portal.time_zones import time_zone_of
from mentors.models.mentorships import REQUEST_EXPIRES_AFTER, Mentorship, MentorshipStatus
from pathways.models.plan import (
    CareerPlan,
    ItemStatus,
    PlanAction,
    PlanStatus,
)

from . import queue

BATCH_SIZE = 200
ACTION_DAYS_AHEAD = (7, 1)
REQUEST_REMINDER_AFTER = datetime.timedelta(days=2)
PLAN_QUIET_FOR = datetime.timedelta(days=30)
IN_TRAINING = {CareerStage.MEDICAL_STUDENT, CareerStage.RESIDENT, CareerStage.FELLOW}


def reassessment_months(prefs: NotificationPreferences) -> int:
    if prefs.reassessment_months:
        return prefs.reassessment_months
    profile = getattr(prefs.user, "profile", None)
    return 6 if profile is not None and profile.career_stage in IN_TRAINING else 12


def add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def reminders_due_sweep(*, now: datetime.datetime | None = None) -> int:
    """Queue a batch task for every BATCH_SIZE users whose daily reminder check is due.
    Returns the number of users queued. Safe to run twice: a batch composes only what is
    still due."""
    now = now or clock.now()
    ids = list(
        NotificationPreferences.objects.filter(next_reminders_at__lte=now, user__is_active=True)
        .order_by("next_reminders_at", "pk")
        .values_list("user_id", flat=True)
    )
    queue.batches_queue(queue.REMINDER_BATCH_COMPOSE, ids, size=BATCH_SIZE)
    return len(ids)


def _log(prefs, kind: str, period: str, template: str, context: dict) -> EmailLog:
    user = prefs.user
    message = email_render(
        template,
        to=user.email,
        context={**context, "recipient_name": user.get_full_name()},
        user_id=user.pk,
        kind=kind,
        time_zone=time_zone_of(prefs.user),
        unsubscribe_key=prefs.unsubscribe_key,
    )
    return EmailLog(
        user=user,
        to_email=user.email,
        kind=kind,
        period_key=period,
        subject=message.subject[:300],
        payload=email_to_payload(message),
    )


def reminder_batch_compose(user_ids: list[int], *, now: datetime.datetime | None = None) -> int:
    """Compose the reminders due for these users today, once each. Returns how many."""
    now = now or clock.now()
    with transaction.atomic():
        due = list(
            NotificationPreferences.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user__profile")
            .filter(user_id__in=user_ids, next_reminders_at__lte=now, user__is_active=True)
        )
        if not due:
            return 0
        ids = [p.user_id for p in due]
        verified = set(
            EmailAddress.objects.filter(user__in=ids, verified=True).values_list(
                "user_id", flat=True
            )
        )
        earliest = min(schedule.local_date(now, time_zone_of(p.user)) for p in due)
        actions: dict[int, list[PlanAction]] = defaultdict(list)
        for action in (
            PlanAction.objects.not_removed()
            .filter(
                goal__plan__owner__in=ids,
                due_date__gte=earliest - datetime.timedelta(days=2),
                due_date__lte=earliest + datetime.timedelta(days=max(ACTION_DAYS_AHEAD) + 1),
            )
            .exclude(status=ItemStatus.DONE)
            .exclude(goal__plan__status=PlanStatus.COMPLETE)
            .select_related("goal__plan__pathway")
            .order_by("due_date", "pk")
        ):
            actions[action.goal.plan.owner_id].append(action)
        last_rated = dict(
            RatingSet.objects.submitted()
            .filter(subject__in=ids, rater_role=RaterRole.SELF)
            .values("subject_id")
            .annotate(last=Max("submitted_at"))
            .values_list("subject_id", "last")
        )
        requests: dict[int, list[Mentorship]] = defaultdict(list)
        for mentorship in Mentorship.objects.filter(
            mentor__user__in=ids,
            status=MentorshipStatus.REQUESTED,
            requested_at__lte=now - REQUEST_REMINDER_AFTER,
            expires_at__gt=now,
        ).select_related("mentee__profile", "mentor"):
            if mentorship.mentor is None:  # cannot be: read by its mentor's user
                raise ValueError(f"Mentorship {mentorship.pk} read as a request has no mentor.")
            requests[mentorship.mentor.user_id].append(mentorship)
        # Each quiet plan, and when it last changed.
        quiet: dict[int, list[tuple[CareerPlan, datetime.datetime]]] = defaultdict(list)
        for plan in (
            CareerPlan.objects.filter(owner__in=ids)
            .exclude(status=PlanStatus.COMPLETE)
            .select_related("pathway")
            .annotate(last_change=Max("changes__at"))
        ):
            last = plan.last_change or plan.created_at
            if last <= now - PLAN_QUIET_FOR:
                quiet[plan.owner_id].append((plan, last))

        logs: list[EmailLog] = []
        for prefs in due:
            user = prefs.user
            due_at = prefs.next_reminders_at
            if due_at is None:  # cannot be: the batch reads the preferences due by now
                raise ValueError(f"Preferences {prefs.pk} read as due have no reminder check due.")
            today = schedule.local_date(now, time_zone_of(prefs.user))
            if user.pk in verified:
                logs += _reminders_for(
                    prefs,
                    today=today,
                    now=now,
                    actions=actions.get(user.pk, []),
                    last_rated=last_rated.get(user.pk),
                    requests=requests.get(user.pk, []),
                    quiet=quiet.get(user.pk, []),
                )
            prefs.next_reminders_at = schedule.next_daily_at(
                time_zone=time_zone_of(prefs.user), after=max(now, due_at)
            )
        EmailLog.objects.bulk_create(logs, ignore_conflicts=True)
        NotificationPreferences.objects.bulk_update(due, ["next_reminders_at"])
        queued = list(
            EmailLog.objects.filter(
                status=EmailStatus.PENDING,
                user__in={log.user_id for log in logs},
                kind__in={log.kind for log in logs},
                period_key__in={log.period_key for log in logs},
            ).values_list("pk", flat=True)
        )
        email_logs_send_after_commit(queued)
    return len(logs)


def _reminders_for(prefs, *, today, now, actions, last_rated, requests, quiet) -> list[EmailLog]:
    logs = []
    if prefs.action_reminders:
        soon = {
            days: [a for a in actions if a.due_date == today + datetime.timedelta(days)]
            for days in ACTION_DAYS_AHEAD
        }
        overdue = [a for a in actions if a.due_date == today - datetime.timedelta(days=1)]
        if overdue or any(soon.values()):
            logs.append(
                _log(
                    prefs,
                    EmailKind.ACTION_REMINDER,
                    f"{today:%Y-%m-%d}",
                    "reminder_actions",
                    {"in_a_week": soon[7], "tomorrow": soon[1], "overdue": overdue},
                )
            )
    if prefs.reassessment_reminders and last_rated is not None:
        months = reassessment_months(prefs)
        due_on = add_months(schedule.local_date(last_rated, time_zone_of(prefs.user)), months)
        if due_on <= today:
            logs.append(
                _log(
                    prefs,
                    EmailKind.REASSESSMENT,
                    f"due:{due_on:%Y-%m-%d}",
                    "reminder_reassessment",
                    {"last_rated": last_rated, "months": months},
                )
            )
    if prefs.request_reminders:
        for mentorship in requests:
            logs.append(
                _log(
                    prefs,
                    EmailKind.REQUEST_REMINDER,
                    f"mentorship:{mentorship.pk}",
                    "reminder_request",
                    {
                        "mentorship": mentorship,
                        "mentee_name": mentorship.mentee.get_full_name(),
                        "expires_in": mentorship.expires_at - now,
                        "waited": REQUEST_EXPIRES_AFTER - (mentorship.expires_at - now),
                    },
                )
            )
    if prefs.plan_nudges:
        for plan, quiet_since in quiet:
            logs.append(
                _log(
                    prefs,
                    EmailKind.PLAN_NUDGE,
                    f"plan:{plan.pk}:{quiet_since:%Y-%m-%d}",
                    "reminder_plan_nudge",
                    {"plan": plan, "quiet_since": quiet_since},
                )
            )
    return logs
