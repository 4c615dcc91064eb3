"""Fixtures shared by the outbox's tests."""

import pytest
from django.test import Client

from cmo_portal.accounts.models import User
from tests.factories import ProfileFactory, UserFactory
from tests.pages import client_for


@pytest.fixture
def user(db) -> User:
    """A physician with a profile, the addressee of the emails queued."""
    return ProfileFactory().user


@pytest.fixture
def admin_client() -> Client:
    """A superuser with two-factor authentication on, signed in to the admin."""
    return client_for(UserFactory(is_staff=True, is_superuser=True, second_factor=True))
