"""Capacity holds under concurrency: accepts that race each other never take a mentor
past capacity. Row locks are PostgreSQL's, so this runs against PostgreSQL."""

import time

import pytest
from django.db import connection

from mentors.models.mentorships import Mentorship
from mentors.services import mentorships as services
from tests.factories import MentorProfileFactory, MentorshipFactory
from tests.mentors.races import at_once
from tests.services import needs_service

pytestmark = pytest.mark.postgresql


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        needs_service(
            "the capacity race needs PostgreSQL's row locks: set DATABASE_URL to a "
            "PostgreSQL database (SQLite runs one writer at a time)"
        )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("capacity", [1, 2])
def test_accepts_at_the_same_moment_never_pass_capacity(postgresql, monkeypatch, capacity):
    mentor = MentorProfileFactory(capacity=capacity)
    requests = [MentorshipFactory(mentor=mentor) for _ in range(capacity + 2)]

    # Widen the window between counting the mentees and saving the accept, so that
    # without the lock every thread would count the same free place.
    record = services._record_response_time

    def slow_record(mentorship, now):
        time.sleep(0.2)
        record(mentorship, now)

    monkeypatch.setattr(services, "_record_response_time", slow_record)
    outcomes = at_once(
        [lambda m=m: services.mentorship_accept(mentorship=m, user=mentor.user) for m in requests],
        done="accepted",
    )
    assert outcomes == ["accepted"] * capacity + ["refused"] * 2
    assert Mentorship.objects.active().filter(mentor=mentor).count() == capacity


@pytest.mark.django_db(transaction=True)
def test_the_same_request_sent_twice_at_once_is_saved_once(postgresql):
    mentor = MentorProfileFactory(capacity=3)
    mentee = MentorshipFactory(mentor=MentorProfileFactory(), status="declined").mentee
    outcomes = at_once(
        [
            lambda: services.mentorship_request_create(
                mentee=mentee, mentor=mentor, message="Could you help me, please?"
            )
        ]
        * 2,
        done="accepted",
    )
    assert outcomes == ["accepted", "refused"]
    assert Mentorship.objects.filter(mentee=mentee, mentor=mentor).count() == 1
