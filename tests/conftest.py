"""Personas every view test can use: the owner of the data, another physician, an
approved mentor with no mentorship with the owner, the owner's active mentor, staff, and
a logged-out visitor."""

import os

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import MentorProfileFactory, MentorshipFactory, ProfileFactory, UserFactory

IN_CI = os.environ.get("CI", "").lower() == "true"


def needs_service(reason: str) -> None:
    """A missing service fails the run in CI and skips the test elsewhere, saying why."""
    if IN_CI:
        pytest.fail(f"CI=true and {reason}")
    pytest.skip(reason)


@pytest.fixture(autouse=True)
def _empty_cache():
    """allauth's rate limits count in the cache: each test starts with none spent."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def physician(db):
    return ProfileFactory(full_name="Dr Ada Owner").user


@pytest.fixture
def other_physician(db):
    return ProfileFactory(full_name="Dr Bo Stranger").user


@pytest.fixture
def mentor(db):
    """An approved mentor, a practising CMO, with no mentorship with `physician`."""
    user = ProfileFactory(full_name="Dr Cy Mentor", career_stage="physician_leader").user
    MentorProfileFactory(user=user)
    return user


@pytest.fixture
def active_mentor(physician):
    """An approved mentor whose mentorship with `physician` is active."""
    user = ProfileFactory(full_name="Dr Di Active", career_stage="physician_leader").user
    MentorshipFactory(mentee=physician, mentor=MentorProfileFactory(user=user), status="active")
    return user


@pytest.fixture
def staff(db):
    return ProfileFactory(user=UserFactory(is_staff=True), full_name="Sam Staff").user


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def persona_clients(physician, other_physician, mentor, active_mentor, staff):
    return {
        "owner": client_for(physician),
        "physician": client_for(other_physician),
        "mentor": client_for(mentor),
        "active_mentor": client_for(active_mentor),
        "staff": client_for(staff),
        "visitor": client_for(None),
    }
