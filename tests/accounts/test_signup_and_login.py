"""The account journeys that allauth provides, configured the way the site needs them:
email as the login, mandatory verification, password reset and change, email change."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse

from cmo_portal.accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Another-good-secret-42"


def link_in(message) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, f"no link in: {message.body}"
    return match.group(1)


def sign_up(client, django_capture_on_commit_callbacks, email="new.doctor@example.com"):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(
            reverse("account_signup"),
            {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        )


def test_sign_up_sends_a_verification_email_and_does_not_log_in(
    client, django_capture_on_commit_callbacks
):
    response = sign_up(client, django_capture_on_commit_callbacks)

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    user = User.objects.get(email="new.doctor@example.com")
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.doctor@example.com"]
    assert "confirm" in mail.outbox[0].subject.lower()
    assert "_auth_user_id" not in client.session


def test_verification_link_logs_in_and_asks_for_the_profile(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks)
    confirm_url = link_in(mail.outbox[0])

    assert client.get(confirm_url).status_code == 200
    response = client.post(confirm_url, follow=True)

    assert EmailAddress.objects.get(email="new.doctor@example.com").verified
    assert response.redirect_chain[-1][0] == reverse("accounts:profile-edit")
    assert response.context["user"].email == "new.doctor@example.com"


def test_sign_up_normalises_the_email_and_refuses_a_duplicate_in_other_case(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks, email="Case.Doctor@Example.com")
    assert User.objects.filter(email="case.doctor@example.com").exists()

    other = client.__class__()
    response = sign_up(other, django_capture_on_commit_callbacks, email="CASE.doctor@example.com")

    # allauth answers as if it worked, so nobody can probe which addresses have accounts,
    # and mails the owner instead of creating a second account.
    assert User.objects.filter(email__iexact="case.doctor@example.com").count() == 1
    assert response.status_code == 302


def test_sign_up_with_a_weak_password_keeps_the_email_and_says_why(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "weak@example.com", "password1": "123", "password2": "123"},
    )

    assert response.status_code == 200
    assert b"weak@example.com" in response.content
    assert b"too short" in response.content
    assert not User.objects.filter(email="weak@example.com").exists()


def test_unverified_user_cannot_log_in(client, django_capture_on_commit_callbacks):
    user = UserFactory(verified_email=False)
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": PASSWORD}
        )

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1  # a fresh verification link


def test_login_with_profile_lands_home_and_logout_ends_the_session(client, physician):
    response = client.post(
        reverse("account_login"), {"login": physician.email, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert int(client.session["_auth_user_id"]) == physician.pk

    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_wrong_password_shows_an_error_and_keeps_the_email(client, physician):
    response = client.post(
        reverse("account_login"), {"login": physician.email, "password": "not-it-at-all"}
    )
    assert response.status_code == 200
    assert physician.email.encode() in response.content
    assert b"not correct" in response.content
    assert "_auth_user_id" not in client.session


def test_failed_logins_are_rate_limited(client, physician):
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": physician.email, "password": "wrong-guess"}
        )
        assert b"Too many failed login attempts" not in response.content

    # Past five failures for this address, even the right password is refused for a while.
    response = client.post(
        reverse("account_login"), {"login": physician.email, "password": PASSWORD}
    )

    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_password_reset_by_email(client, physician, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": physician.email})
    assert len(mail.outbox) == 1
    reset_url = link_in(mail.outbox[0])

    form_url = client.get(reset_url).url  # allauth moves the key into the session
    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    physician.refresh_from_db()
    assert physician.check_password(NEW_PASSWORD)


def test_password_reset_for_unknown_address_reveals_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")


def test_password_change_needs_the_old_password(client, physician):
    client.force_login(physician)
    url = reverse("account_change_password")

    response = client.post(
        url,
        {"oldpassword": "not-the-password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    physician.refresh_from_db()
    assert physician.check_password(PASSWORD)

    response = client.post(
        url, {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302
    physician.refresh_from_db()
    assert physician.check_password(NEW_PASSWORD)


def test_email_change_takes_effect_only_after_verification(
    client, physician, django_capture_on_commit_callbacks
):
    client.force_login(physician)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_email"), {"action_add": "", "email": "moved@example.com"}
        )
    assert response.status_code == 302
    physician.refresh_from_db()
    assert physician.email != "moved@example.com"
    assert mail.outbox[-1].to == ["moved@example.com"]

    confirm_url = link_in(mail.outbox[-1])
    client.post(confirm_url)

    physician.refresh_from_db()
    assert physician.email == "moved@example.com"


def test_account_emails_are_multipart_and_speak_for_the_site(
    client, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://cmo.example.org"
    sign_up(client, django_capture_on_commit_callbacks)

    message = mail.outbox[0]
    assert message.subject.startswith("CMO Pathways: ")
    assert "Hello from CMO Pathways" in message.body
    assert "https://cmo.example.org" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    confirm_path = link_in(message)
    assert f'href="http://testserver{confirm_path}"' in html  # the same link, clickable


def test_the_verification_email_names_the_site_and_has_no_empty_domain(
    client, django_capture_on_commit_callbacks
):
    sign_up(client, django_capture_on_commit_callbacks)
    body = mail.outbox[-1].body
    assert "an account on CMO Pathways." in body
    assert " on ." not in body
    assert "/accounts/confirm-email/" in link_in(mail.outbox[-1])


RESEND = "/account/confirm-again/"


def test_the_page_after_sign_up_offers_to_send_the_link_again(
    client, django_capture_on_commit_callbacks
):
    response = sign_up(client, django_capture_on_commit_callbacks)
    page = client.get(response.url).content.decode()
    assert reverse("accounts:verification-resend") == RESEND
    assert f'href="{RESEND}"' in page


def test_send_again_emails_a_new_link_once_the_limit_allows(
    client, django_capture_on_commit_callbacks, time_machine, on_date
):
    on_date(datetime.date(2026, 12, 1))
    sign_up(client, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESEND, {"email": "new.doctor@example.com"}, follow=True)
    assert "a new link is on its way" in response.content.decode()
    assert len(mail.outbox) == 1  # within three minutes of the first: none more

    time_machine.shift(datetime.timedelta(minutes=4))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(RESEND, {"email": "New.Doctor@example.com"})
    assert len(mail.outbox) == 2
    assert "/accounts/confirm-email/" in link_in(mail.outbox[-1])


@pytest.mark.parametrize("email", ["nobody@example.com", "verified@example.com"])
def test_send_again_says_the_same_and_sends_nothing_for_other_addresses(
    client, django_capture_on_commit_callbacks, email
):
    user = UserFactory(email="verified@example.com")
    assert EmailAddress.objects.get(user=user).verified
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(RESEND, {"email": email}, follow=True)
    assert "a new link is on its way" in response.content.decode()
    assert mail.outbox == []


def test_send_again_with_a_bad_address_says_why_and_keeps_it(client):
    response = client.post(RESEND, {"email": "not an address"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a valid email address" in page
    assert 'value="not an address"' in page
