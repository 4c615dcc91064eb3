"""The benchmark's data set (issue 16): the shipped curriculum, the demo accounts, mentors
and personas with their journeys (through the services, as `load_demo_accounts` makes
them), then thousands of physicians, approved mentors, rating sets, plans and
mentorships written in bulk with the models, so that seeding the full size takes about a
minute rather than hours through the services one by one.

It refuses the embedded SQLite file of the development site and any database that holds
people other than the benchmark's own, and a second seed into the same database only says
that it is seeded already."""

from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.test.utils import override_settings

from assessments.models import Rating, RatingSet
from cmo_portal import page_cache
from cmo_portal.accounts.models import Intent, Profile, User
from cmo_portal.demo.journeys import persona_journeys_load
from cmo_portal.demo.people import (
    DEMO_ACCOUNTS,
    DEMO_MENTORS,
    demo_accounts_load,
    demo_mentors_load,
)
from cmo_portal.demo.personas import PERSONA_ACCOUNTS
from cmo_portal.settings.env import mailer_from_url
from mentors.models.mentorships import Mentorship
from mentors.models.profiles import ApplicationStatus, MentorProfile
from pathways.models.plan import CareerPlan, PlanAction, PlanGoal
from pathways.services.curriculum import curriculum_load

from .bulk import BENCH_DOMAIN, Bulk, Sizes

ISSUE_SIZE = Sizes(physicians=2000, mentors=200, items=20_000)
SMALL_SIZE = Sizes(physicians=60, mentors=12, items=600)


class SeedRefused(Exception):
    """The database is not one the benchmark may write to."""


def demo_emails() -> set[str]:
    """The demo accounts, personas and demo mentors: the benchmark's own too."""
    accounts = {a.email for a in (*DEMO_ACCOUNTS, *PERSONA_ACCOUNTS)}
    return accounts | {m.email for m in DEMO_MENTORS}


def _foreign_users():
    return User.objects.exclude(email__in=demo_emails()).exclude(
        email__iendswith=f"@{BENCH_DOMAIN}"
    )


def database_refusal() -> str | None:
    """Why the benchmark may not write to this database, or None when it may."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3") and str(db["NAME"]) not in ("", ":memory:"):
        name = Path(str(db["NAME"]))
        embedded = Path(settings.DATA_DIR) / "db.sqlite3"
        if name == embedded or (name.exists() and name.resolve() == embedded.resolve()):
            return (
                f"DATABASE_URL points at the development site's SQLite file ({embedded}). "
                "The benchmark writes thousands of people: give it a database of its own, "
                "e.g. createdb -h 127.0.0.1 -U postgres cmo_bench and "
                "DATABASE_URL=postgres://postgres@127.0.0.1:5432/cmo_bench."
            )
    if User._meta.db_table not in connection.introspection.table_names():
        return None
    foreign = _foreign_users()
    count = foreign.count()
    if count:
        example = foreign.values_list("email", flat=True).first()
        return (
            f"This database holds {count} account(s) that are not the benchmark's "
            f"(e.g. {example}): the benchmark only writes to a database of its own. Point "
            "DATABASE_URL at an empty one (createdb -h 127.0.0.1 -U postgres cmo_bench)."
        )
    return None


def seeded_counts() -> dict[str, int]:
    """What the bulk seeding made: its physicians and mentors, their plan items, rating
    sets and mentorships."""
    bench = {"owner__email__iendswith": f"@{BENCH_DOMAIN}"}
    return {
        "physicians": Profile.objects.filter(
            user__email__iendswith=f"@{BENCH_DOMAIN}", intent=Intent.GROW
        ).count(),
        "mentors": MentorProfile.objects.filter(
            user__email__iendswith=f"@{BENCH_DOMAIN}", status=ApplicationStatus.APPROVED
        ).count(),
        "plans": CareerPlan.objects.filter(**bench).count(),
        "items": PlanGoal.objects.filter(plan__in=CareerPlan.objects.filter(**bench)).count()
        + PlanAction.objects.filter(goal__plan__in=CareerPlan.objects.filter(**bench)).count(),
        "rating sets": RatingSet.objects.filter(
            subject__email__iendswith=f"@{BENCH_DOMAIN}"
        ).count(),
        "ratings": Rating.objects.filter(
            rating_set__subject__email__iendswith=f"@{BENCH_DOMAIN}"
        ).count(),
        "mentorships": Mentorship.objects.filter(
            mentee__email__iendswith=f"@{BENCH_DOMAIN}"
        ).count(),
        "all accounts": User.objects.count(),
    }


def is_seeded() -> bool:
    return User.objects.filter(email__iendswith=f"@{BENCH_DOMAIN}").exists()


def seed(sizes: Sizes, *, random_seed: int = 16) -> tuple[bool, dict[str, int]]:
    """Seed the data set into the database; returns (whether it seeded now, the counts).
    Raises SeedRefused for a database that is not the benchmark's."""
    refusal = database_refusal()
    if refusal:
        raise SeedRefused(refusal)
    if is_seeded():
        return False, seeded_counts()
    curriculum_load()
    demo_accounts_load((*DEMO_ACCOUNTS, *PERSONA_ACCOUNTS))
    demo_mentors_load()
    # The journeys go through the services, which email the people: kept in memory.
    with override_settings(MAILERS={"default": mailer_from_url("locmem://")}):
        persona_journeys_load()
    with transaction.atomic():
        Bulk(sizes, random_seed).run()
    # The bulk writes send no signals: no cached page from before them is served.
    page_cache.topic_changed(page_cache.SITE)
    return True, seeded_counts()
