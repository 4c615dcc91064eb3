"""Benchmark: compose and queue the weekly digest for many users. Not a test: it prints
the time and the number of queries, to report.

    python manage.py bench_digests --users 10000

It creates the users (each with a profile, a verified address, a plan with a goal and an
action due soon, and a digest due now), composes their digests batch by batch as the
Celery tasks do, and deletes everything it made at the end. With CELERY_BROKER_URL set
the send tasks really go to the broker (and are purged after); without one they are
counted, not sent. It refuses to run with DEBUG off (a production database)."""

import datetime
import time

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cmo_portal import clock
from cmo_portal.accounts.models import CareerStage, Profile, User
from cmo_portal.composers import digests
from cmo_portal.notifications.models import EmailLog, NotificationPreferences
from pathways.models.curriculum import Pathway
from pathways.models.plan import CareerPlan, PlanAction, PlanGoal

ZONES = ("America/Chicago", "Europe/Berlin", "Asia/Tokyo", "Asia/Kolkata")


class Command(BaseCommand):
    help = "Time composing and queueing the weekly digest for many users."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=10_000)

    def handle(self, *args, users: int, **options):
        if not settings.DEBUG:
            raise CommandError("bench_digests writes rows: run it on a development database.")
        pathway = Pathway.objects.first()
        if pathway is None:
            raise CommandError("Load the curriculum first (manage.py load_curriculum).")
        self.stdout.write(f"Creating {users:,} users with plans…")
        made = self._make_users(users, pathway)
        queued: list[int] = []
        real_broker = bool(settings.CELERY_BROKER_URL) and not settings.CELERY_TASK_ALWAYS_EAGER
        original = digests.email_logs_send_after_commit
        if not real_broker:  # count the send tasks instead of running them inline

            def count_sends(ids: list[int]) -> None:
                queued.extend(ids)

            digests.email_logs_send_after_commit = count_sends
        try:
            due = list(
                NotificationPreferences.objects.filter(user__in=made)
                .order_by("pk")
                .values_list("user_id", flat=True)
            )
            batches = [
                due[i : i + digests.BATCH_SIZE] for i in range(0, len(due), digests.BATCH_SIZE)
            ]
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                composed = sum(digests.digest_batch_compose(batch) for batch in batches)
            elapsed = time.perf_counter() - started
            self.stdout.write(
                f"composed and queued {composed:,} digests for {len(due):,} users in "
                f"{elapsed:.1f} s ({len(batches)} batches of {digests.BATCH_SIZE}): "
                f"{len(captured)} queries, {len(captured) / len(batches):.1f} per batch; "
                + (
                    "send tasks sent to the broker"
                    if real_broker
                    else "send tasks counted, not sent (no broker configured)"
                )
            )
        finally:
            digests.email_logs_send_after_commit = original
            EmailLog.objects.filter(user__in=made).delete()
            User.objects.filter(pk__in=made).delete()
            if real_broker:
                from cmo_portal.celery import app

                app.control.purge()
            self.stdout.write("(the benchmark's users and emails were deleted)")

    def _make_users(self, count: int, pathway: Pathway) -> list[int]:
        stamp = int(time.time())
        created = User.objects.bulk_create(
            User(email=f"bench-{stamp}-{i}@example.com") for i in range(count)
        )
        ids = [u.pk for u in created]
        Profile.objects.bulk_create(
            Profile(
                user_id=pk,
                full_name=f"Dr Bench {i}",
                career_stage=CareerStage.PRACTISING,
                specialty="Medicine",
                country="US",
                time_zone=ZONES[i % len(ZONES)],
            )
            for i, pk in enumerate(ids)
        )
        EmailAddress.objects.bulk_create(
            EmailAddress(user_id=u.pk, email=u.email, verified=True, primary=True) for u in created
        )
        plans = CareerPlan.objects.bulk_create(
            CareerPlan(owner_id=pk, pathway=pathway) for pk in ids
        )
        goals = PlanGoal.objects.bulk_create(
            PlanGoal(plan=plan, title="Lead the budget cycle", section="education")
            for plan in plans
        )
        soon = clock.today() + datetime.timedelta(days=5)
        PlanAction.objects.bulk_create(
            PlanAction(goal=goal, title="Meet the CFO", due_date=soon) for goal in goals
        )
        due = clock.now() - datetime.timedelta(minutes=1)
        NotificationPreferences.objects.bulk_create(
            NotificationPreferences(user_id=pk, next_digest_at=due) for pk in ids
        )
        return ids
