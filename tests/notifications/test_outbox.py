"""The outbox: every email is a row in the email log, sent by a task after the commit,
claimed before sending, so retries and duplicates never send twice and failures are
recorded, never lost."""

import datetime
import smtplib

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import timezone

from cmo_portal.accounts.models import User
from cmo_portal.notifications import services
from cmo_portal.notifications.models import EmailKind, EmailLog, EmailStatus
from cmo_portal.notifications.tasks import email_logs_send
from tests.notifications.mail_servers import refusing, server_down

pytestmark = pytest.mark.django_db


def _message(to: str = "doctor@example.com") -> EmailMultiAlternatives:
    message = EmailMultiAlternatives("Your digest", "Plain body", to=[to])
    message.attach_alternative("<p>HTML body</p>", "text/html")
    return message


def queue(user, key="2026-W12", kind=EmailKind.DIGEST):
    return services.email_queue(message=_message(user.email), kind=kind, period_key=key, user=user)


def test_nothing_is_sent_until_the_transaction_commits(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        log = queue(user)
    assert log.status == EmailStatus.PENDING
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    log.refresh_from_db()
    assert log.status == EmailStatus.SENT and log.sent_at is not None
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert mail.outbox[0].alternatives[0].content == "<p>HTML body</p>"


def test_the_same_user_kind_and_period_is_queued_once(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert queue(user) is not None
        assert queue(user) is None
    assert EmailLog.objects.count() == 1
    assert len(mail.outbox) == 1


def test_delivering_the_same_row_twice_sends_once(user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        log = queue(user)
    email_logs_send.apply(args=[[log.pk]])
    email_logs_send.apply(args=[[log.pk, log.pk]])  # a broker's duplicate delivery
    assert len(mail.outbox) == 1
    assert EmailLog.objects.get(pk=log.pk).attempts == 1


def test_a_dropped_connection_is_retried_and_the_email_sent_once(
    user, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        log = queue(user)
    real = EmailMultiAlternatives.send
    calls = []

    def flaky(self, fail_silently=False):
        calls.append(1)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("server went away")
        return real(self, fail_silently)

    monkeypatch.setattr(EmailMultiAlternatives, "send", flaky)
    now = timezone.now()
    assert services.email_log_deliver(log.pk, now=now) == EmailStatus.RETRYING
    log.refresh_from_db()
    assert log.next_attempt_at == now + datetime.timedelta(seconds=30)
    assert "SMTPServerDisconnected" in log.last_error
    # Not before its time, then once.
    assert services.email_log_deliver(log.pk, now=now) is None
    later = now + datetime.timedelta(minutes=1)
    assert services.email_log_deliver(log.pk, now=later) == EmailStatus.SENT
    assert len(mail.outbox) == 1 and len(calls) == 2


def test_retries_never_wait_more_than_five_minutes():
    delays = [services.retry_delay(n).total_seconds() for n in range(1, services.MAX_ATTEMPTS + 1)]
    assert delays[:4] == [30, 60, 120, 240]
    assert max(delays) == 300


def test_after_the_last_try_the_failure_is_recorded_for_admin(user, monkeypatch):
    log = EmailLog.objects.create(
        user=user,
        to_email=user.email,
        kind="digest",
        period_key="k",
        subject="s",
        payload=services.email_to_payload(_message(user.email)),
        attempts=services.MAX_ATTEMPTS - 1,
        status=EmailStatus.RETRYING,
    )

    monkeypatch.setattr(EmailMultiAlternatives, "send", server_down)
    assert services.email_log_deliver(log.pk) == EmailStatus.FAILED
    log.refresh_from_db()
    assert log.attempts == services.MAX_ATTEMPTS
    assert "no SMTP server" in log.last_error


def test_a_refused_recipient_fails_at_once(user, monkeypatch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        log = queue(user)

    monkeypatch.setattr(EmailMultiAlternatives, "send", refusing(user.email))
    assert services.email_log_deliver(log.pk) == EmailStatus.FAILED


def test_the_sweep_requeues_lost_tasks_and_marks_cut_off_sends_unknown(user):
    now = timezone.now()
    payload = services.email_to_payload(_message(user.email))
    lost = EmailLog.objects.create(
        user=user,
        to_email=user.email,
        kind="digest",
        period_key="lost",
        subject="s",
        payload=payload,
    )
    EmailLog.objects.filter(pk=lost.pk).update(created_at=now - datetime.timedelta(minutes=5))
    cut_off = EmailLog.objects.create(
        user=user,
        to_email=user.email,
        kind="digest",
        period_key="cut",
        subject="s",
        payload=payload,
        status=EmailStatus.SENDING,
        claimed_at=now - datetime.timedelta(minutes=11),
    )
    result = services.email_outbox_sweep(now=now)
    assert result == {"queued": 1, "unknown": 1}
    assert EmailLog.objects.get(pk=lost.pk).status == EmailStatus.SENT
    assert EmailLog.objects.get(pk=cut_off.pk).status == EmailStatus.UNKNOWN
    assert len(mail.outbox) == 1  # the cut-off one is never sent again
    assert services.email_outbox_sweep(now=now) == {"queued": 0, "unknown": 0}


def sign_up(client, email: str = "new@example.com") -> User:
    client.post(
        reverse("account_signup"),
        {"email": email, "password1": "Correct-horse-9x", "password2": "Correct-horse-9x"},
    )
    return User.objects.get(email=email)


def test_no_email_to_the_unverified_address_a_sign_up_leaves(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = sign_up(client)
    # What a real sign-up leaves: the address row, not yet verified.
    assert EmailAddress.objects.filter(user=user, email=user.email, verified=False).exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert queue(user) is None
        # Account emails (how an address gets verified) still go.
        assert queue(user, kind=EmailKind.ACCOUNT, key="confirm:1") is not None
    assert [m.to for m in mail.outbox] == [[user.email]]
    # Once the address is verified, the same email goes.
    EmailAddress.objects.filter(user=user).update(verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        assert queue(user) is not None
    assert len(mail.outbox) == 2


def test_a_deactivated_user_gets_no_email_not_even_one_queued_before(
    user, django_capture_on_commit_callbacks
):
    # A real account: profile, verified address and preferences, then deactivated.
    services.preferences_for(user)
    with django_capture_on_commit_callbacks(execute=False):
        before = queue(user, key="2026-W11")
    user.is_active = False
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert queue(user, key="2026-W12") is None
    email_logs_send.apply(args=[[before.pk]])
    assert EmailLog.objects.get(pk=before.pk).status == EmailStatus.SKIPPED
    assert mail.outbox == []


def test_an_email_queued_before_an_unsubscribe_is_not_sent(
    user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        log = queue(user)
    services.unsubscribe(user=user, kind=EmailKind.DIGEST)
    email_logs_send.apply(args=[[log.pk]])
    assert EmailLog.objects.get(pk=log.pk).status == EmailStatus.SKIPPED
    assert mail.outbox == []


def test_a_sign_up_email_goes_through_the_log(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {
                "email": "new@example.com",
                "password1": "Correct-horse-9x",
                "password2": "Correct-horse-9x",
            },
        )
    assert response.status_code == 302
    log = EmailLog.objects.get(to_email="new@example.com")
    assert log.kind == EmailKind.ACCOUNT and log.status == EmailStatus.SENT
    assert not EmailAddress.objects.get(email="new@example.com").verified
    assert len(mail.outbox) == 1
