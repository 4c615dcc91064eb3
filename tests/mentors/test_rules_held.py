"""Rules that hand mutations used to survive: each test here fails when its rule is
broken (the mutation each one kills is named in its docstring).

- a mentor who let a request expire is not offered again within the cool-off;
- top gaps break ties by the heavier weight;
- the lock that keeps two tabs from passing MAX_OPEN_REQUESTS (PostgreSQL);
- the conditional claim that expires a request and nothing answered meanwhile."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from assessments import scoring
from mentors.models.mentorships import MAX_OPEN_REQUESTS, Mentorship, MentorshipStatus
from mentors.selectors.suggestions import mentor_suggestions
from mentors.services import mentorships as services
from tests.factories import (
    MentorshipFactory,
    ProfileFactory,
    complete_assessment,
    make_mentor,
    submit_ratings,
)
from tests.mentors.mentorships import status_of
from tests.mentors.races import at_once
from tests.services import needs_service

# --- A mentor who let a request expire is not offered again within the cool-off --------


@pytest.fixture
def trials_gap(physician, curriculum):
    """A pharma-CMO hopeful whose largest gap is clinical trial design; two mentors teach
    it, Dr Expired better than Dr Second."""
    c = curriculum["competencies"]
    complete_assessment(physician, curriculum["pharma"])
    submit_ratings(physician, {c["Clinical trial design"]: 1, c["Finance"]: 2})
    trials = c["Clinical trial design"]
    return {
        "expired": make_mentor("Dr Expired", teaches={trials: 4}),
        "second": make_mentor("Dr Second", teaches={trials: 3}),
    }


def suggested(physician) -> list[str]:
    return [s.mentor.display_name for s in mentor_suggestions(mentee=physician).items]


@pytest.mark.django_db
def test_a_mentor_who_let_a_request_expire_is_not_suggested_within_the_cool_off(
    physician, trials_gap
):
    """Kills: dropping `expired_within_cool_off` from `excluded_mentorships`."""
    assert suggested(physician) == ["Dr Expired", "Dr Second"]
    MentorshipFactory(
        mentee=physician,
        mentor=trials_gap["expired"],
        status=MentorshipStatus.EXPIRED,
        expires_at=timezone.now() - datetime.timedelta(days=1),
    )
    assert suggested(physician) == ["Dr Second"]


@pytest.mark.django_db
def test_after_the_cool_off_the_mentor_is_suggested_again(physician, trials_gap):
    MentorshipFactory(
        mentee=physician,
        mentor=trials_gap["expired"],
        status=MentorshipStatus.EXPIRED,
        expires_at=timezone.now() - datetime.timedelta(days=91),
    )
    assert suggested(physician) == ["Dr Expired", "Dr Second"]


@pytest.mark.django_db
def test_the_expiry_email_does_not_suggest_the_mentor_who_let_it_expire(physician, trials_gap, run):
    """Kills the same mutation, where the physician reads it: the "next mentor" of the
    email that says a request expired."""
    request = MentorshipFactory(
        mentee=physician,
        mentor=trials_gap["expired"],
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    assert run(services.mentorship_requests_expire) == 1
    assert status_of(request) == MentorshipStatus.EXPIRED
    (email,) = mail.outbox
    assert "The mentor who fits you best among those with room now is Dr Second" in email.body
    assert "Ask Dr Expired" not in email.body


# --- Top gaps: ties go to the heavier weight ------------------------------------------


def test_among_equal_weighted_gaps_the_heavier_weight_comes_first():
    """Kills: reversing (or dropping) the `-g.weight` tie-break in `scoring.top_gaps`.
    Both gaps weigh 6 once weighted; the name alone would put "Alpha" first."""
    light = scoring.CompetencyGap(1, "Alpha", target=4, weight=2, current=1)  # 3 levels x 2
    heavy = scoring.CompetencyGap(2, "Zulu", target=4, weight=3, current=2)  # 2 levels x 3
    assert light.weighted_gap == heavy.weighted_gap == 6
    assert [g.name for g in scoring.top_gaps([light, heavy])] == ["Zulu", "Alpha"]
    assert [g.name for g in scoring.top_gaps([heavy, light])] == ["Zulu", "Alpha"]


def test_equal_weighted_gaps_of_equal_weight_go_by_name():
    beta = scoring.CompetencyGap(1, "Beta", target=3, weight=2, current=1)
    alpha = scoring.CompetencyGap(2, "Alpha", target=3, weight=2, current=1)
    assert [g.name for g in scoring.top_gaps([beta, alpha])] == ["Alpha", "Beta"]


# --- The lock that keeps two tabs from passing MAX_OPEN_REQUESTS (PostgreSQL) ------------


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        needs_service(
            "the two-tabs race needs PostgreSQL's row locks: set DATABASE_URL to a "
            "PostgreSQL database (SQLite runs one writer at a time)"
        )


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_tabs_sending_the_last_request_at_once_never_pass_the_limit(postgresql):
    """Kills: removing the physician's row lock (`select_for_update` on the User) at the
    top of `mentorship_request_create`. Without it both tabs count the same free place."""
    mentee = ProfileFactory().user
    for _ in range(MAX_OPEN_REQUESTS - 1):
        MentorshipFactory(mentee=mentee)
    tabs = [make_mentor("Dr Tab One"), make_mentor("Dr Tab Two")]

    def slow_goals():
        # Read after the open requests are counted and before the request is saved:
        # the window in which, without the lock, the other tab counts the same place.
        threading.Event().wait(0.3)
        yield from ()

    outcomes = at_once(
        [
            lambda m=mentor: services.mentorship_request_create(
                mentee=mentee, mentor=m, message="Could you help me, please?", goals=slow_goals()
            )
            for mentor in tabs
        ],
        done="sent",
    )
    assert outcomes == ["refused", "sent"]
    assert Mentorship.objects.filter(mentee=mentee).open().count() == MAX_OPEN_REQUESTS


# --- The conditional claim that expires a request ---------------------------------------


@pytest.mark.django_db
def test_a_request_answered_between_the_sweeps_read_and_its_update_is_not_expired(run):
    """Kills: making the claim unconditional (`Mentorship.objects.filter(pk=pk).update`
    instead of `.overdue(now).filter(pk=pk).update`). The mentor's accept lands just
    before the sweep's UPDATE, after the sweep read the request as overdue."""
    request = MentorshipFactory(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    answered = []

    def mentor_answers_first(execute, sql, params, many, context):
        if not answered and sql.startswith("UPDATE") and "mentors_mentorship" in sql:
            answered.append(True)
            Mentorship.objects.filter(pk=request.pk).update(
                status=MentorshipStatus.ACTIVE, started_at=timezone.now()
            )
        return execute(sql, params, many, context)

    with connection.execute_wrapper(mentor_answers_first):
        expired = run(services.mentorship_requests_expire)

    assert answered, "the sweep never tried to claim the request"
    assert expired == 0
    assert status_of(request) == MentorshipStatus.ACTIVE
    assert mail.outbox == []  # the physician is not told it expired


@pytest.mark.django_db
def test_an_overdue_request_nobody_answered_is_claimed_and_expired_once(run):
    request = MentorshipFactory(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert run(services.mentorship_requests_expire) == 1
    assert run(services.mentorship_requests_expire) == 0
    assert status_of(request) == MentorshipStatus.EXPIRED
    assert [m.to for m in mail.outbox] == [[request.mentee.email]]
