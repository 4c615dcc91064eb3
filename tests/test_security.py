"""Headers and guards the site keeps from its first commit."""

import os
import secrets
import subprocess
import sys

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    SECRET_SESSION_KEY,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.pages import log_in
from tests.repository import ROOT

pytestmark = pytest.mark.django_db


def test_content_security_policy_is_enforced_without_unsafe_inline(client):
    policy = client.get(reverse("home"))["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def test_public_pages_may_be_cached_but_private_ones_may_not(client, physician):
    assert "no-store" not in client.get(reverse("home")).get("Cache-Control", "")
    client.force_login(physician)
    assert "no-store" in client.get(reverse("home"))["Cache-Control"]


def test_admin_login_goes_through_allauth(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_physician_cannot_reach_the_admin(client, physician):
    client.force_login(physician)
    response = client.get(reverse("admin:accounts_user_change", args=[physician.pk]), follow=True)
    assert response.status_code == 403


def test_staff_reach_the_admin(client, staff):
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200


def _current_code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def test_staff_can_turn_on_two_factor_and_then_login_asks_for_a_code(client):
    staff = UserFactory(is_staff=True)
    log_in(client, staff)
    activate = reverse("mfa_activate_totp")
    # Changing security settings asks for the password again first.
    assert client.get(activate).url.startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(activate).status_code == 200
    secret = client.session[SECRET_SESSION_KEY]

    response = client.post(
        activate, {"code": "000000" if _current_code(secret) != "000000" else "111111"}
    )
    assert response.status_code == 200  # a wrong code is refused
    assert not Authenticator.objects.filter(user=staff).exists()

    response = client.post(activate, {"code": _current_code(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    # Recovery codes come with the first authenticator.
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.RECOVERY_CODES).exists()

    client.post(reverse("account_logout"))
    response = log_in(client, staff)
    assert response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


PRODUCTION_DATABASE = "postgres://cmo:a-real-password@db.example.org:5432/cmo_pathways"


def _run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="cmo_portal.settings.prod",
        DJANGO_ALLOWED_HOSTS="cmo.example.org",
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="cmo_portal.settings.prod",
        DJANGO_SECRET_KEY="x" * 50,
    )
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must list" in result.stderr


def test_production_settings_pass_the_deployment_checks():
    result = _run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="cmo_portal.settings.prod",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="cmo.example.org",
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example.org:587",
        SITE_URL="https://cmo.example.org",
        DEFAULT_FROM_EMAIL="CMO Pathways <hello@cmo.example.org>",
        DATABASE_URL=PRODUCTION_DATABASE,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SITE_URL", "SITE_URL must be set"),
        ("DEFAULT_FROM_EMAIL", "DEFAULT_FROM_EMAIL must be set"),
        ("DATABASE_URL", "DATABASE_URL must name the PostgreSQL database with its password"),
    ],
)
def test_production_refuses_to_start_without_the_site_address_or_sender(missing, message):
    env = {
        "DJANGO_SETTINGS_MODULE": "cmo_portal.settings.prod",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "cmo.example.org",
        "SITE_URL": "https://cmo.example.org",
        "DEFAULT_FROM_EMAIL": "hello@cmo.example.org",
        "DATABASE_URL": PRODUCTION_DATABASE,
    }
    del env[missing]
    result = _run_manage("check", **env)
    assert result.returncode != 0
    assert message in result.stderr


@pytest.mark.parametrize(
    "database_url",
    [
        "postgres://cmo@db.example.org:5432/cmo_pathways",
        "postgres://cmo:change-me@db.example.org:5432/cmo_pathways",
        "sqlite:////app/data/db.sqlite3",
    ],
)
def test_production_refuses_a_database_without_a_password(database_url):
    result = _run_manage(
        "check",
        DJANGO_SETTINGS_MODULE="cmo_portal.settings.prod",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="cmo.example.org",
        SITE_URL="https://cmo.example.org",
        DEFAULT_FROM_EMAIL="hello@cmo.example.org",
        DATABASE_URL=database_url,
    )
    assert result.returncode != 0
    assert "DATABASE_URL must name the PostgreSQL database with its password" in result.stderr
