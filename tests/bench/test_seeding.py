"""The benchmark's seeding: the sizes asked, the personas' journeys beside them, a second
seed that only says it is done, and the databases it refuses."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from cmo_portal.accounts.models import User
from cmo_portal.bench.bulk import BENCH_DOMAIN, Sizes
from cmo_portal.bench.management.commands.bench_pages import Command
from cmo_portal.bench.seeding import SeedRefused, database_refusal, seed
from mentors.models.mentorships import Mentorship, MentorshipStatus
from pathways.models.plan import CareerPlan
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TINY = Sizes(physicians=12, mentors=3, items=40)


def test_a_tiny_seed_makes_the_counts_asked_and_a_second_one_only_says_so():
    seeded, counts = seed(TINY)

    assert seeded is True
    assert counts["physicians"] == 12
    assert counts["mentors"] == 3
    assert counts["items"] == 40
    assert counts["plans"] >= 1
    assert counts["rating sets"] >= counts["plans"]
    assert counts["ratings"] > counts["rating sets"]
    # One past mentorship a mentor, and no mentee with two current ones with the same mentor.
    assert counts["mentorships"] >= 3
    assert Mentorship.objects.filter(status=MentorshipStatus.ACTIVE).exists()
    # The demo persona the pages are viewed as has a journey with a plan.
    assert CareerPlan.objects.filter(owner__email="hospitalist@example.com").exists()

    again, counts_again = seed(TINY)
    assert again is False
    assert counts_again == counts


def test_the_command_seeds_only_and_then_says_it_is_seeded_already(capsys):
    call_command(Command(), "--seed-only", "--physicians=4", "--mentors=2", "--items=9")
    first = capsys.readouterr().out
    call_command(Command(), "--seed-only", "--physicians=4", "--mentors=2", "--items=9")
    second = capsys.readouterr().out

    assert "seeded in" in first
    assert "9 items" in first
    assert "already seeded" in second
    assert User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").count() == 6


def test_a_database_with_other_people_is_refused_and_left_alone():
    UserFactory(email="someone@hospital.example.org")

    with pytest.raises(SeedRefused, match="not the benchmark's"):
        seed(TINY)
    with pytest.raises(CommandError, match=r"1 account\(s\) that are not the benchmark's"):
        call_command(Command(), "--seed-only")
    assert User.objects.count() == 1


def test_the_development_sqlite_file_is_refused(settings, monkeypatch):
    embedded = Path(settings.DATA_DIR) / "db.sqlite3"
    monkeypatch.setitem(connection.settings_dict, "ENGINE", "django.db.backends.sqlite3")
    monkeypatch.setitem(connection.settings_dict, "NAME", embedded)

    refusal = database_refusal()

    assert refusal is not None
    assert "development site's SQLite file" in refusal
    assert str(embedded) in refusal


def test_a_database_of_its_own_is_accepted():
    assert database_refusal() is None
