"""Outgoing email: rendered in the web process, sent by a Celery worker."""

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import transaction


def email_to_payload(message: EmailMessage) -> dict:
    """A JSON-safe copy of a rendered message, for the task queue."""
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": [
            [alt.content, alt.mimetype] for alt in getattr(message, "alternatives", [])
        ],
    }


def email_from_payload(payload: dict) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
        cc=payload["cc"],
        bcc=payload["bcc"],
        reply_to=payload["reply_to"],
        headers=payload["headers"],
    )
    for content, mimetype in payload["alternatives"]:
        message.attach_alternative(content, mimetype)
    return message


def email_enqueue(message: EmailMessage) -> None:
    """Queue the message for sending after the current transaction commits: a rolled
    back sign-up sends nothing, and the worker finds every row the email points to."""
    from .tasks import email_send

    payload = email_to_payload(message)
    transaction.on_commit(lambda: email_send.delay(payload))


def email_send_now(payload: dict) -> None:
    email_from_payload(payload).send(fail_silently=False)
