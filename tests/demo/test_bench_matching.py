"""The matching benchmark runs on the shipped code alone (the demo's own physician, no
test factories), and leaves no row behind."""

import pytest
from django.core.management import call_command

from cmo_portal.accounts.models import User
from mentors.models.profiles import MentorProfile

pytestmark = pytest.mark.django_db


def test_bench_matching_with_the_database_ranks_and_rolls_back(settings, capsys):
    settings.DEBUG = True
    users_before = User.objects.count()
    call_command("bench_matching", mentors=30, competencies=5, runs=1, with_database=True)
    out = capsys.readouterr().out
    assert "rank 30 mentors x 5 competencies" in out
    assert "load 30 candidates" in out
    assert "rolled back" in out
    assert User.objects.count() == users_before
    assert not MentorProfile.objects.exists()
