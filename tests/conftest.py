"""Personas every view test can use: the owner of the data, another physician, an
approved mentor with no mentorship with the owner, the owner's active mentor, a
curriculum editor (staff in the editors' group), staff (the flag and nothing else),
support (the permission, with two-factor authentication), a superuser (with it too), and
a logged-out visitor."""

import html
import os

import pytest
from django.core.cache import cache
from django.test import Client

from cmo_portal import time_zones
from tests.factories import (
    MentorProfileFactory,
    MentorshipFactory,
    ProfileFactory,
    UserFactory,
    grant_support,
    second_factor_for,
    two_pathway_curriculum,
)

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
    """Staff with no permission at all, and two-factor authentication on, so the admin
    opens: the flag alone shows nobody's data."""
    return ProfileFactory(
        user=UserFactory(is_staff=True, second_factor=True), full_name="Sam Staff"
    ).user


@pytest.fixture
def curriculum_editor(db):
    """Staff in the "Curriculum editor" group, with two-factor authentication on, as the
    admin requires."""
    from pathways.services.curriculum import curriculum_editor_group_sync

    user = ProfileFactory(
        user=UserFactory(is_staff=True, second_factor=True), full_name="Cleo Editor"
    ).user
    user.groups.add(curriculum_editor_group_sync())
    return user


@pytest.fixture
def support(db):
    """A support member: the permission to view physician records (not staff), with
    two-factor authentication on."""
    return grant_support(
        ProfileFactory(user=UserFactory(second_factor=True), full_name="Sol Support").user
    )


@pytest.fixture
def superuser(db):
    return ProfileFactory(
        user=UserFactory(is_staff=True, is_superuser=True, second_factor=True),
        full_name="Su Superuser",
    ).user


@pytest.fixture
def admin_user(admin_user):
    """pytest-django's superuser (behind its admin_client), with the second factor the
    admin asks of staff."""
    second_factor_for(admin_user)
    return admin_user


def page_text(response) -> str:
    """A response's HTML with its entities decoded, for assertions on what a person reads."""
    return html.unescape(response.content.decode())


def client_for(user) -> Client:
    """A client signed in as `user`, its session in their time zone as sign-in leaves it."""
    client = Client()
    if user is not None:
        client.force_login(user)
        if getattr(user, "profile", None) is not None:
            session = client.session
            session[time_zones.SESSION_KEY] = user.profile.time_zone
            session.save()
    return client


@pytest.fixture
def personas(
    physician, other_physician, mentor, active_mentor, curriculum_editor, staff, support, superuser
):
    """Each persona's user, by the name persona_clients uses (the visitor is None)."""
    return {
        "owner": physician,
        "physician": other_physician,
        "mentor": mentor,
        "active_mentor": active_mentor,
        "curriculum_editor": curriculum_editor,
        "staff": staff,
        "support": support,
        "superuser": superuser,
        "visitor": None,
    }


@pytest.fixture
def persona_clients(personas):
    return {name: client_for(user) for name, user in personas.items()}


@pytest.fixture
def curriculum(db) -> dict:
    """Two pathways over four competencies (tests.factories.two_pathway_curriculum)."""
    return two_pathway_curriculum()
