"""Account emails are rendered in the request and sent by a Celery task after commit."""

from smtplib import SMTPServerDisconnected

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from cmo_portal.notifications import services
from cmo_portal.notifications.services import email_enqueue, email_to_payload
from cmo_portal.notifications.tasks import email_send

pytestmark = pytest.mark.django_db


def _message() -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        "Confirm your address",
        "Plain body",
        "CMO Pathways <hello@localhost>",
        ["doctor@example.com"],
        headers={"X-Kind": "account"},
    )
    message.attach_alternative("<p>HTML body</p>", "text/html")
    return message


def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        email_enqueue(_message())
    assert len(callbacks) == 1
    assert mail.outbox == []  # queued only when the transaction commits


def test_the_message_arrives_whole_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email_enqueue(_message())

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.subject == "Confirm your address"
    assert sent.to == ["doctor@example.com"]
    assert sent.extra_headers["X-Kind"] == "account"
    assert sent.alternatives[0].content == "<p>HTML body</p>"


def test_a_dropped_smtp_connection_is_retried_and_the_email_sent_once(monkeypatch):
    real_send = services.email_send_now
    attempts = []

    def flaky_send(payload):
        attempts.append(payload)
        if len(attempts) == 1:
            raise SMTPServerDisconnected("server went away")
        real_send(payload)

    monkeypatch.setattr("cmo_portal.notifications.tasks.email_send_now", flaky_send)
    # apply() runs the task here, with its retry policy, as a worker would.
    result = email_send.apply(args=[email_to_payload(_message())], throw=False)

    assert result.successful()
    assert len(attempts) == 2
    assert len(mail.outbox) == 1
