"""Account emails carry a confirmation or password-reset link, as good as a key to the
account. The email log keeps it only while the email waits to be sent, never shows it in
admin, and removes it in the same UPDATE that records the email sent, failed or unknown.

Each journey goes through allauth's real views with eager Celery and the test outbox; the
link is read from the email that went out, then looked for in every column of every row
of the email log."""

import datetime
import re

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.test import Client
from django.urls import reverse

from cmo_portal import clock
from cmo_portal.notifications import services
from cmo_portal.notifications.models import EmailKind, EmailLog, EmailStatus
from tests.factories import PASSWORD
from tests.notifications.mail_servers import refusing, server_down
from tests.pages import client_for

pytestmark = pytest.mark.django_db


def link_in(text: str) -> tuple[str, str]:
    """The path of the first link in an email, and its last segment: the key."""
    match = re.search(r"https?://[^/\s]+(/\S+)", text)
    assert match, f"no link in: {text}"
    path = match.group(1)
    return path, path.rstrip("/").rsplit("/", 1)[-1]


def email_log_as_stored() -> str:
    """Every column of every row of the email log, as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {EmailLog._meta.db_table}")  # noqa: S608
        return "\n".join(repr(row) for row in cursor.fetchall())


def assert_not_kept(path: str, key: str) -> None:
    stored = email_log_as_stored()
    assert EmailLog.objects.exists()
    assert path not in stored
    assert key not in stored


def test_the_sign_up_confirmation_link_is_not_kept_once_sent(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": "new.doctor@example.com", "password1": PASSWORD, "password2": PASSWORD},
        )
    [message] = mail.outbox
    path, key = link_in(message.body)
    assert_not_kept(path, key)
    log = EmailLog.objects.get(to_email="new.doctor@example.com")
    assert (log.kind, log.status, log.subject) == (
        EmailKind.ACCOUNT,
        EmailStatus.SENT,
        message.subject,
    )
    assert log.sent_at is not None and not log.message_kept
    # It was the real link: it still confirms the address.
    assert Client().get(path).status_code == 200


def test_the_password_reset_link_is_not_kept_once_sent(
    physician, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(reverse("account_reset_password"), {"email": physician.email})
    [message] = mail.outbox
    path, key = link_in(message.body)
    assert_not_kept(path, key)
    # It was the real link: an anonymous client reaches the set-password form with it.
    anonymous = Client()
    form_url = anonymous.get(path).url
    assert "set-password" in form_url
    assert anonymous.get(form_url).status_code == 200


def test_the_email_change_confirmation_link_is_not_kept_once_sent(
    physician, django_capture_on_commit_callbacks
):
    client = client_for(physician)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_email"), {"action_add": "", "email": "moved@example.com"})
    [message] = [m for m in mail.outbox if m.to == ["moved@example.com"]]
    path, key = link_in(message.body)
    assert_not_kept(path, key)
    client.post(path)
    physician.refresh_from_db()
    assert physician.email == "moved@example.com"


def pending_reset(physician, django_capture_on_commit_callbacks):
    """A password reset composed into the log and not yet sent; its link, read from the
    row itself, since no email has gone."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Client().post(reverse("account_reset_password"), {"email": physician.email})
    log = EmailLog.objects.get(kind=EmailKind.ACCOUNT, user=physician)
    assert log.status == EmailStatus.PENDING and mail.outbox == []
    return log, callbacks, *link_in(log.payload["body"])


def test_admin_never_shows_the_link_of_an_account_email_waiting_to_be_sent(
    physician, admin_client, django_capture_on_commit_callbacks
):
    log, callbacks, path, key = pending_reset(physician, django_capture_on_commit_callbacks)
    pages = [
        reverse("admin:notifications_emaillog_change", args=[log.pk]),
        reverse("admin:notifications_emaillog_changelist"),
        reverse("admin:notifications_emaillog_changelist") + f"?q={physician.email}",
    ]
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert path not in response.text and key not in response.text, url
    assert "Kept until it is sent, and not shown here." in admin_client.get(pages[0]).text
    for callback in callbacks:
        callback()
    log.refresh_from_db()
    assert log.status == EmailStatus.SENT
    assert_not_kept(path, key)
    assert link_in(mail.outbox[0].body) == (path, key)


def test_an_account_email_refused_for_good_keeps_no_link_and_admin_says_why_it_cannot_resend(
    physician, admin_client, monkeypatch, django_capture_on_commit_callbacks
):
    log, callbacks, path, key = pending_reset(physician, django_capture_on_commit_callbacks)

    monkeypatch.setattr(EmailMultiAlternatives, "send", refusing(physician.email))
    for callback in callbacks:
        callback()
    log.refresh_from_db()
    assert log.status == EmailStatus.FAILED and "SMTPRecipientsRefused" in log.last_error
    assert_not_kept(path, key)

    monkeypatch.undo()
    url = reverse("admin:notifications_emaillog_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, {"action": "send_again", "_selected_action": [log.pk]}, follow=True
        )
    assert response.status_code == 200
    assert "1 email(s) cannot be sent again: their message was removed" in response.text
    assert "0 email(s) queued again." in response.text
    log.refresh_from_db()
    assert log.status == EmailStatus.FAILED
    assert mail.outbox == []


def test_an_account_email_failing_its_last_try_keeps_no_link(
    physician, monkeypatch, django_capture_on_commit_callbacks
):
    log, _callbacks, path, key = pending_reset(physician, django_capture_on_commit_callbacks)
    EmailLog.objects.filter(pk=log.pk).update(
        status=EmailStatus.RETRYING, attempts=services.MAX_ATTEMPTS - 1
    )

    monkeypatch.setattr(EmailMultiAlternatives, "send", server_down)
    assert services.email_log_deliver(log.pk) == EmailStatus.FAILED
    assert_not_kept(path, key)


def test_a_temporary_failure_keeps_the_account_email_for_its_next_try(
    physician, monkeypatch, django_capture_on_commit_callbacks
):
    log, _callbacks, path, _key = pending_reset(physician, django_capture_on_commit_callbacks)

    monkeypatch.setattr(EmailMultiAlternatives, "send", server_down)
    assert services.email_log_deliver(log.pk) == EmailStatus.RETRYING
    monkeypatch.undo()
    later = clock.now() + datetime.timedelta(minutes=1)
    assert services.email_log_deliver(log.pk, now=later) == EmailStatus.SENT
    assert link_in(mail.outbox[0].body)[0] == path
    assert path not in email_log_as_stored()


def test_an_account_email_cut_off_mid_send_keeps_no_link(
    physician, django_capture_on_commit_callbacks
):
    log, _callbacks, path, key = pending_reset(physician, django_capture_on_commit_callbacks)
    # The worker claimed it and died before recording what SMTP said.
    EmailLog.objects.filter(pk=log.pk).update(
        status=EmailStatus.SENDING, claimed_at=clock.now() - datetime.timedelta(minutes=11)
    )
    assert services.email_outbox_sweep() == {"queued": 0, "unknown": 1}
    log.refresh_from_db()
    assert log.status == EmailStatus.UNKNOWN
    assert_not_kept(path, key)
