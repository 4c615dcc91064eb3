"""Behind the TLS proxy every request comes from the proxy's address: allauth's rate limits
must count the client the proxy names in X-Forwarded-For, or one person's failed logins
lock everybody out."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"
ATTACKER = "198.51.100.7"
REAL_USER = "203.0.113.20"
LOCKED = b"Too many failed login attempts"


def behind_the_proxy(client_address: str) -> Client:
    """A client whose requests reach the site through one proxy, as in docker-compose."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


def fail_logins(client: Client, count: int) -> None:
    for n in range(count):
        response = client.post(
            reverse("account_login"),
            {"login": f"made-up-{n}@example.com", "password": "not-a-password"},
        )
        assert response.status_code == 200


def test_one_address_failing_logins_does_not_lock_out_another(settings, physician):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    fail_logins(behind_the_proxy(ATTACKER), 11)

    response = behind_the_proxy(REAL_USER).post(
        reverse("account_login"), {"login": physician.email, "password": PASSWORD}
    )

    assert LOCKED not in response.content
    assert response.status_code == 302


def test_the_address_that_failed_is_the_one_limited(settings, physician):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    attacker = behind_the_proxy(ATTACKER)
    fail_logins(attacker, 10)

    response = attacker.post(
        reverse("account_login"), {"login": physician.email, "password": PASSWORD}
    )

    assert LOCKED in response.content


def test_without_trusting_the_proxy_everyone_shares_its_address(settings, physician):
    """What the setting fixes: with no trusted proxy, the proxy's address is everyone's."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    fail_logins(behind_the_proxy(ATTACKER), 10)

    response = behind_the_proxy(REAL_USER).post(
        reverse("account_login"), {"login": physician.email, "password": PASSWORD}
    )

    assert LOCKED in response.content


def test_a_forged_forwarded_for_cannot_pick_another_address(settings, physician):
    """The proxy appends the real client to whatever the client sent: only the last
    entry counts, so an attacker cannot rotate addresses by writing the header."""
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    for n in range(10):
        forged = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {ATTACKER}")
        fail_logins(forged, 1)

    response = behind_the_proxy(ATTACKER).post(
        reverse("account_login"), {"login": physician.email, "password": PASSWORD}
    )

    assert LOCKED in response.content
