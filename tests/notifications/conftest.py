"""Fixtures shared by the outbox's tests."""

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.pages import client_for


@pytest.fixture
def admin_client() -> Client:
    """A superuser with two-factor authentication on, signed in to the admin."""
    return client_for(UserFactory(is_staff=True, is_superuser=True, second_factor=True))
