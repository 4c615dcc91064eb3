"""`manage.py create_first_admin`: the first superuser of a new site signs in before email
works (their address is verified), is then asked for a second factor like all staff, and
is the only one the command makes."""

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from cmo_portal.accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

ADMIN_EMAIL = "First.Admin@Example.org"


@pytest.fixture
def typed(monkeypatch):
    """The passwords typed at the prompts, in order."""
    answers: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="": answers.pop(0))
    return answers


def create_first_admin(*args: str) -> str:
    out = StringIO()
    call_command("create_first_admin", *args, stdout=out)
    return out.getvalue()


def test_the_first_admin_is_a_superuser_with_a_verified_primary_address(typed):
    typed.extend([PASSWORD, PASSWORD])

    shown = create_first_admin("--email", ADMIN_EMAIL)

    admin = User.objects.get()
    assert admin.email == "first.admin@example.org"
    assert admin.is_superuser and admin.is_staff and admin.is_active
    assert admin.check_password(PASSWORD)
    address = EmailAddress.objects.get(user=admin)
    assert (address.email, address.verified, address.primary) == (admin.email, True, True)
    assert "two-factor authentication" in shown
    assert reverse("mfa_activate_totp") in shown


def test_the_first_admin_signs_in_without_an_email_and_is_sent_to_set_up_a_second_factor(
    client, monkeypatch
):
    monkeypatch.setenv("DJANGO_ADMIN_PASSWORD", PASSWORD)
    create_first_admin("--email", ADMIN_EMAIL, "--no-input")

    response = client.post(
        reverse("account_login"), {"login": "first.admin@example.org", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url != reverse("account_email_verification_sent")
    assert int(client.session["_auth_user_id"]) == User.objects.get().pk
    assert mail.outbox == []  # no verification email on the way in
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_a_second_run_is_refused_once_a_superuser_exists(typed):
    UserFactory(email="earlier.admin@example.org", is_superuser=True, is_staff=True)
    typed.extend([PASSWORD, PASSWORD])

    with pytest.raises(CommandError, match="A superuser exists already"):
        create_first_admin("--email", ADMIN_EMAIL)

    assert not User.objects.filter(email="first.admin@example.org").exists()


def test_a_second_run_of_the_command_itself_is_refused(typed):
    typed.extend([PASSWORD, PASSWORD, PASSWORD, PASSWORD])
    create_first_admin("--email", ADMIN_EMAIL)

    with pytest.raises(CommandError, match="in the admin"):
        create_first_admin("--email", "second.admin@example.org")

    assert User.objects.count() == 1


def test_a_bad_email_is_refused_and_nothing_is_created(typed):
    typed.extend([PASSWORD, PASSWORD])

    with pytest.raises(CommandError, match="'not-an-address' is not a valid email address"):
        create_first_admin("--email", "not-an-address")

    assert not User.objects.exists()


def test_an_address_another_account_has_is_refused(typed):
    UserFactory(email="first.admin@example.org")
    typed.extend([PASSWORD, PASSWORD])

    with pytest.raises(CommandError, match="exists already: choose another address"):
        create_first_admin("--email", ADMIN_EMAIL)

    assert not User.objects.filter(is_superuser=True).exists()


def test_a_weak_password_is_refused_with_the_reasons(typed):
    typed.extend(["password1", "password1"])

    with pytest.raises(CommandError) as refused:
        create_first_admin("--email", ADMIN_EMAIL)

    assert "That password is refused" in str(refused.value)
    assert "too short" in str(refused.value)
    assert "too common" in str(refused.value)
    assert not User.objects.exists()


def test_two_passwords_that_differ_are_refused(typed):
    typed.extend([PASSWORD, PASSWORD + "x"])

    with pytest.raises(CommandError, match="The two passwords differ"):
        create_first_admin("--email", ADMIN_EMAIL)

    assert not User.objects.exists()


def test_no_input_without_the_password_variable_says_what_to_set(monkeypatch):
    monkeypatch.delenv("DJANGO_ADMIN_PASSWORD", raising=False)

    with pytest.raises(CommandError, match="reads the password from DJANGO_ADMIN_PASSWORD"):
        create_first_admin("--email", ADMIN_EMAIL, "--no-input")

    assert not User.objects.exists()
