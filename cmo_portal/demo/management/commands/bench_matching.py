"""Benchmark the mentor matching: rank N mentors with C teachable competencies each for
one physician. Not a test: it prints timings to report.

    python manage.py bench_matching                   # the ranking alone, 10,000 x 40
    python manage.py bench_matching --with-database   # also the selector on this database

--with-database writes the mentors inside a transaction and rolls it back at the end,
so nothing stays behind; it refuses to run with DEBUG off (a production database)."""

import random
import statistics
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from assessments.selectors import results_for
from cmo_portal.accounts.models import User
from cmo_portal.demo.people import demo_physician_create
from mentors import matching
from mentors.models.profiles import MentorProfile, TeachableCompetency
from mentors.selectors.suggestions import candidates, mentee_needs
from pathways.models.curriculum import Competency, CompetencyDomain

TIME_ZONE_OFFSETS = (-8, -6, -5, 0, 1, 5.5, 8, 9, 10)
FORMATS = ("video", "in_person", "async")


class Rollback(Exception):
    pass


def _candidates(count: int, competencies: int, seed: int) -> list[matching.Candidate]:
    rng = random.Random(seed)  # noqa: S311 - sample data, not secrets
    return [
        matching.Candidate(
            mentor_id=i,
            teaches={c: rng.randint(1, 4) for c in rng.sample(range(1, 200), competencies)},
            setting_ids=frozenset(rng.sample(range(1, 9), 2)),
            pathway_ids=frozenset(rng.sample(range(1, 13), 3)),
            utc_offset_hours=rng.choice(TIME_ZONE_OFFSETS),
            formats=frozenset(rng.sample(FORMATS, rng.randint(1, 3))),
            active=rng.randint(0, 3),
            capacity=rng.randint(1, 4),
        )
        for i in range(1, count + 1)
    ]


class Command(BaseCommand):
    help = "Time the mentor ranking for one physician over many mentors."

    def add_arguments(self, parser):
        parser.add_argument("--mentors", type=int, default=10_000)
        parser.add_argument("--competencies", type=int, default=40)
        parser.add_argument("--runs", type=int, default=7)
        parser.add_argument("--with-database", action="store_true")

    def handle(self, *args, mentors: int, competencies: int, runs: int, with_database: bool, **kw):
        pool = _candidates(mentors, competencies, seed=1)
        needs = matching.MenteeNeeds(
            gaps=tuple(
                matching.GapNeed(c, f"Competency {c}", 3, w)
                for c, w in ((5, 9), (17, 6), (42, 6), (88, 4), (130, 2))
            ),
            setting_ids=frozenset({2}),
            pathway_ids=frozenset({3, 7}),
            utc_offset_hours=-6,
            formats=frozenset({"video"}),
        )
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            top = matching.rank(needs, pool, limit=10)
            timings.append((time.perf_counter() - started) * 1000)
        self.stdout.write(
            f"rank {mentors:,} mentors x {competencies} competencies, top 10: "
            f"median {statistics.median(timings):.1f} ms, best {min(timings):.1f} ms, "
            f"worst {max(timings):.1f} ms over {runs} runs (best mentor #{top[0].mentor_id}, "
            f"score {top[0].score})"
        )
        if with_database:
            self._with_database(mentors, competencies, runs)

    def _with_database(self, count: int, competencies: int, runs: int) -> None:
        if not settings.DEBUG and not getattr(settings, "TESTING", False):
            raise CommandError("--with-database writes rows: run it on a development database.")
        try:
            with transaction.atomic():
                domain = CompetencyDomain.objects.first() or CompetencyDomain.objects.create(
                    slug="bench", name="Bench"
                )
                missing = competencies - Competency.objects.count()
                Competency.objects.bulk_create(
                    Competency(slug=f"bench-{i}", name=f"Bench {i}", domain=domain)
                    for i in range(max(0, missing))
                )
                competency_ids = list(Competency.objects.values_list("pk", flat=True))
                physician = demo_physician_create(email="bench-physician@example.com")
                created = User.objects.bulk_create(
                    User(email=f"bench-mentor-{i}@example.com") for i in range(count)
                )
                rng = random.Random(2)  # noqa: S311
                profiles = MentorProfile.objects.bulk_create(
                    MentorProfile(
                        user=user,
                        status="approved",
                        headline="Bench",
                        bio="Bench",
                        current_role="CMO",
                        capacity=rng.randint(1, 4),
                        time_zone=rng.choice(["America/Chicago", "Europe/Berlin", "Asia/Tokyo"]),
                        languages=["en"],
                    )
                    for user in created
                )
                TeachableCompetency.objects.bulk_create(
                    (
                        TeachableCompetency(mentor=p, competency_id=c, level=rng.randint(1, 4))
                        for p in profiles
                        for c in rng.sample(competency_ids, competencies)
                    ),
                    batch_size=5000,
                )
                analysed = self._analyse(User, MentorProfile, TeachableCompetency, Competency)
                results = results_for(subject=physician)
                needs = mentee_needs(results)
                gaps = tuple(
                    matching.GapNeed(c, f"Competency {c}", 3, 5 - i)
                    for i, c in enumerate(competency_ids[:5])
                )
                needs = matching.MenteeNeeds(
                    gaps=gaps, utc_offset_hours=needs.utc_offset_hours, formats=needs.formats
                )
                timings = []
                for _ in range(runs):
                    started = time.perf_counter()
                    pool = candidates(needs=needs, mentee=physician)
                    matching.rank(needs, pool, limit=10)
                    timings.append((time.perf_counter() - started) * 1000)
                self.stdout.write(
                    f"load {len(pool):,} candidates from {settings.DATABASES['default']['ENGINE']} "
                    f"and rank them: median {statistics.median(timings):.1f} ms, "
                    f"best {min(timings):.1f} ms over {runs} runs"
                    + (f" (after ANALYZE of {', '.join(analysed)})" if analysed else "")
                )
                raise Rollback
        except Rollback:
            self.stdout.write("(the benchmark's rows were rolled back)")

    def _analyse(self, *models) -> list[str]:
        """Refresh the planner's statistics of the tables the benchmark filled: production
        tables are analysed by autovacuum, but rows written inside this transaction are
        not yet, and the planner would guess at them. PostgreSQL allows ANALYZE in a
        transaction; other databases are left as they are."""
        if connection.vendor != "postgresql":
            return []
        tables = [m._meta.db_table for m in models]
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
        return tables
