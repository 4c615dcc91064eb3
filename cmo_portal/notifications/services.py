"""Outgoing email through one outbox, the email log.

Every email is composed into an EmailLog row, in the transaction of whatever caused it,
and a Celery task queued after the commit delivers it. Delivery claims the row with a
conditional UPDATE (pending or retrying -> sending) before it talks to SMTP, so a retry,
a duplicate delivery from the broker, a second beat or a second sweep never sends twice.

The one case no design can know: the SMTP server accepted a message and the worker died
before it recorded so. The row is then left "sending"; the outbox sweep marks such rows
"unknown" and does not send them again. This design errs towards at most once: a person
may, rarely, miss one email; nobody gets one twice. Admin lists the unknown ones.

The log keeps a message only while it may still be sent. An account email's message
holds a confirmation or password-reset link, as good as a key to the account: the same
UPDATE that records its final status (sent, failed for good, skipped, unknown) removes it.
Every other message goes after EMAIL_BODY_RETENTION_DAYS (`retention_sweep`).
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from importlib import import_module
from typing import TYPE_CHECKING

import requests
from allauth.account.models import EmailAddress
from anymail.exceptions import AnymailError
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q

from cmo_portal import clock
from cmo_portal.time_zones import time_zone_of, validate_time_zone

from . import queue, schedule
from .models import (
    MESSAGE_REMOVED,
    NOT_SENT_UNDELIVERABLE,
    PREFERENCE_FOR_KIND,
    DigestFrequency,
    EmailKind,
    EmailLog,
    EmailStatus,
    NotificationPreferences,
    UndeliverableAddress,
)
from .wire import OutboxEmail, attachment_from_payload, attachment_to_payload

if TYPE_CHECKING:
    # The outbox knows the user model as the one AUTH_USER_MODEL names (django-stubs'
    # name for it), never by importing accounts.
    from django.contrib.auth.models import _User as User

logger = logging.getLogger(__name__)

# Retries after a temporary SMTP failure: 30 s, 1, 2, 4 then 5 minutes between tries,
# never longer (a Redis broker delivers a task delayed past its visibility timeout
# again), for about half an hour; the outbox sweep picks up any try whose task was lost.
MAX_ATTEMPTS = 8
RETRY_BASE_SECONDS = 30
RETRY_MAX_SECONDS = 5 * 60
# A row still "sending" after this long was cut off mid-send: mark it unknown.
SENDING_CUT_OFF = datetime.timedelta(minutes=10)
# A pending row this old whose task has not run is queued again by the sweep.
PENDING_GRACE = datetime.timedelta(minutes=2)

# Rows that may still be sent keep their message whatever their age.
STILL_TO_SEND = (EmailStatus.PENDING, EmailStatus.RETRYING, EmailStatus.SENDING)

# SMTP and provider API errors worth another try; any other is permanent.
TEMPORARY_ERRORS = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    ConnectionError,
    TimeoutError,
    requests.ConnectionError,
    requests.Timeout,
)


def email_to_payload(message: EmailMessage) -> dict:
    """A JSON-safe copy of a rendered message, for the email log. The message, its
    attachments with it, is what an account email's final status and the retention
    sweep remove (MESSAGE_REMOVED)."""
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
        "attachments": [attachment_to_payload(*attachment) for attachment in message.attachments],
    }


def email_from_payload(payload: dict) -> EmailMultiAlternatives:
    message = OutboxEmail(  # its headers go out whole (wire.py)
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
    # Rows logged before emails had attachments have none.
    for attachment in payload.get("attachments", ()):
        message.attach(*attachment_from_payload(attachment))
    return message


# --- Preferences -----------------------------------------------------------------------


def preferences_for(user: User) -> NotificationPreferences:
    """The user's preferences, created with the defaults the first time they are needed,
    their digest and reminders scheduled in the person's time zone."""
    existing = NotificationPreferences.objects.filter(user=user).first()
    if existing is not None:
        return existing
    prefs = NotificationPreferences(user=user)
    reschedule(prefs, now=clock.now(), time_zone=time_zone_of(user))
    try:
        with transaction.atomic():
            prefs.save()
    except IntegrityError:  # created by another request at the same moment
        return NotificationPreferences.objects.get(user=user)
    return prefs


def unsubscribe_key_for(user_id: int) -> str:
    """The key that the user's unsubscribe links name (tokens.py)."""
    key = (
        NotificationPreferences.objects.filter(user_id=user_id)
        .values_list("unsubscribe_key", flat=True)
        .first()
    )
    if key is None:
        key = preferences_for(
            get_user_model().objects.select_related("profile").get(pk=user_id)
        ).unsubscribe_key
    return key


def reschedule(prefs: NotificationPreferences, *, now: datetime.datetime, time_zone: str) -> None:
    """Set the next digest and reminder times from the preferences, at their local time
    in the person's `time_zone` (not saved)."""
    prefs.next_digest_at = schedule.next_digest_at(
        frequency=prefs.digest_frequency,
        weekday=prefs.digest_weekday,
        time_zone=time_zone,
        after=now,
    )
    prefs.next_reminders_at = schedule.next_daily_at(time_zone=time_zone, after=now)


@transaction.atomic
def preferences_reschedule(*, user: User) -> None:
    """After the person's time zone changed: their next digest and reminders at their
    new local time."""
    prefs = NotificationPreferences.objects.select_for_update().get(pk=preferences_for(user).pk)
    reschedule(prefs, now=clock.now(), time_zone=time_zone_of(user))
    prefs.save(update_fields=["next_digest_at", "next_reminders_at", "updated_at"])


@transaction.atomic
def preferences_save(*, user: User, data: dict) -> NotificationPreferences:
    """Save the email preferences; a `time_zone` among them is the person's one zone, kept
    on their profile (a person without a profile has UTC until they fill it in)."""
    data = dict(data)
    time_zone = data.pop("time_zone", None)
    try:
        profile = user.profile
    except ObjectDoesNotExist:
        profile = None
    if time_zone and profile is not None and profile.time_zone != time_zone:
        validate_time_zone(time_zone)
        profile.time_zone = time_zone
        profile.save(update_fields=["time_zone", "updated_at"])
    prefs = preferences_for(user)
    prefs = NotificationPreferences.objects.select_for_update().get(pk=prefs.pk)
    for name, value in data.items():
        setattr(prefs, name, value)
    prefs.full_clean(exclude=["user"])
    reschedule(prefs, now=clock.now(), time_zone=time_zone_of(user))
    prefs.save()
    return prefs


@transaction.atomic
def unsubscribe(*, user: User, kind: str) -> bool:
    """Turn one kind of email off. Returns whether it was on."""
    name = PREFERENCE_FOR_KIND.get(kind)
    if name is None:
        return False
    prefs = NotificationPreferences.objects.select_for_update().get(pk=preferences_for(user).pk)
    was_on = prefs.wants(kind)
    setattr(prefs, name, DigestFrequency.NEVER if name == "digest_frequency" else False)
    reschedule(prefs, now=clock.now(), time_zone=time_zone_of(user))
    prefs.save()
    return was_on


def may_receive(user: User | None, kind: str, prefs: NotificationPreferences | None = None) -> bool:
    """Account emails always go (they are how a person verifies an address or resets a
    password); every other kind only to a verified address, and only if wanted."""
    if kind == EmailKind.ACCOUNT or user is None:
        return True
    if not user.is_active:
        return False
    if not EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists():
        return False
    prefs = prefs or NotificationPreferences.objects.filter(user=user).first()
    return prefs is None or prefs.wants(kind)


# --- The outbox ------------------------------------------------------------------------


def email_queue(
    *, message: EmailMessage, kind: str, period_key: str, user: User | None = None
) -> EmailLog | None:
    """Compose the email into the log, to be sent once the transaction commits. Returns
    None when the same (user, kind, period) is already in the log, or the user does not
    receive this kind."""
    if not may_receive(user, kind):
        return None
    try:
        with transaction.atomic():
            log = EmailLog.objects.create(
                user=user,
                to_email=message.to[0],
                kind=kind,
                period_key=period_key[:80],
                subject=message.subject[:300],
                payload=email_to_payload(message),
            )
    except IntegrityError:
        return None
    queue.email_logs_send_after_commit([log.pk])
    return log


def retry_delay(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(
        seconds=min(RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), RETRY_MAX_SECONDS)
    )


def _final(kind: str, **fields) -> dict:
    """The columns of an UPDATE that records a final status. An account email's message,
    and its link, go in the same UPDATE: no moment where it is final and still kept."""
    if kind == EmailKind.ACCOUNT:
        fields["payload"] = MESSAGE_REMOVED
    return fields


def email_log_deliver(log_id: int, *, now: datetime.datetime | None = None) -> str | None:
    """Send one logged email if no one else has: claim, send, record. Returns the new
    status, or None when the row was not ours to send."""
    now = now or clock.now()
    claimed = (
        EmailLog.objects.filter(pk=log_id, status__in=(EmailStatus.PENDING, EmailStatus.RETRYING))
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(status=EmailStatus.SENDING, claimed_at=now)
    )
    if not claimed:
        return None
    log = EmailLog.objects.select_related("user").get(pk=log_id)
    attempts = log.attempts + 1
    row = EmailLog.objects.filter(pk=log_id)
    # Unsubscribed, unverified, or reported undeliverable by the provider since queued.
    undeliverable = UndeliverableAddress.objects.covering(log.to_email).exists()
    if undeliverable or not may_receive(log.user, log.kind):
        error = NOT_SENT_UNDELIVERABLE if undeliverable else ""
        row.update(
            **_final(log.kind, status=EmailStatus.SKIPPED, attempts=attempts, last_error=error)
        )
        return EmailStatus.SKIPPED
    if not log.message_kept:  # put back in the queue by hand after its message was removed
        row.update(
            status=EmailStatus.FAILED,
            attempts=attempts,
            last_error="Not sent: its message was removed from the log.",
        )
        return EmailStatus.FAILED
    try:
        email_from_payload(log.payload).send(fail_silently=False)
    except TEMPORARY_ERRORS as error:
        status = EmailStatus.RETRYING if attempts < MAX_ATTEMPTS else EmailStatus.FAILED
        fields = {
            "status": status,
            "attempts": attempts,
            "last_error": f"{type(error).__name__}: {error}"[:2000],
            "next_attempt_at": now + retry_delay(attempts),
        }
        row.update(**(_final(log.kind, **fields) if status == EmailStatus.FAILED else fields))
        logger.warning("Email %s not sent (try %s): %s", log_id, attempts, error)
        return status
    except (smtplib.SMTPException, ValueError, OSError, AnymailError) as error:
        row.update(
            **_final(
                log.kind,
                status=EmailStatus.FAILED,
                attempts=attempts,
                last_error=f"{type(error).__name__}: {error}"[:2000],
            )
        )
        logger.error("Email %s refused for good: %s", log_id, error)
        return EmailStatus.FAILED
    row.update(
        **_final(
            log.kind,
            status=EmailStatus.SENT,
            attempts=attempts,
            sent_at=clock.now(),
            last_error="",
        )
    )
    return EmailStatus.SENT


def email_logs_deliver(log_ids: list[int]) -> dict[int, float]:
    """Send these logged emails (email_log_deliver, each). Returns, for each one left
    "retrying" by a temporary failure, the seconds until its next try is due."""
    retries = {}
    for log_id in log_ids:
        if email_log_deliver(log_id) == EmailStatus.RETRYING:
            attempts = EmailLog.objects.values_list("attempts", flat=True).get(pk=log_id)
            retries[log_id] = retry_delay(attempts).total_seconds()
    return retries


def email_outbox_sweep(*, now: datetime.datetime | None = None, limit: int = 5000) -> dict:
    """Queue again the emails whose task was lost or whose retry is due, and mark those
    cut off mid-send as unknown. Returns the counts, for the log."""
    now = now or clock.now()
    cut_off = EmailLog.objects.filter(
        status=EmailStatus.SENDING, claimed_at__lt=now - SENDING_CUT_OFF
    )
    unknown = {
        "status": EmailStatus.UNKNOWN,
        "last_error": "Cut off while sending: not sent again.",
    }
    unknown_count = cut_off.filter(kind=EmailKind.ACCOUNT).update(
        **_final(EmailKind.ACCOUNT, **unknown)
    ) + cut_off.exclude(kind=EmailKind.ACCOUNT).update(**unknown)
    due = list(
        EmailLog.objects.filter(
            Q(status=EmailStatus.PENDING, created_at__lte=now - PENDING_GRACE)
            | Q(status=EmailStatus.RETRYING, next_attempt_at__lte=now)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    queue.email_logs_send_now(due)
    return {"queued": len(due), "unknown": unknown_count}


# --- Retention ---------------------------------------------------------------------------


def retention_sweep(*, now: datetime.datetime | None = None, batch_size: int = 1000) -> dict:
    """Remove what the site no longer needs to keep: the message of every email created
    more than EMAIL_BODY_RETENTION_DAYS ago that is no longer waiting to be sent (its row
    keeps to, kind, subject, status and times), and every expired session of the
    configured session engine. Each batch is one UPDATE of rows that still have their
    message, so running it twice, or cut off half-way, is harmless. Returns the counts."""
    now = now or clock.now()
    older_than = now - datetime.timedelta(days=settings.EMAIL_BODY_RETENTION_DAYS)
    old = (
        EmailLog.objects.message_kept()
        .filter(created_at__lt=older_than)
        .exclude(status__in=STILL_TO_SEND)
    )
    removed, after = 0, 0
    while ids := list(
        old.filter(pk__gt=after).order_by("pk").values_list("pk", flat=True)[:batch_size]
    ):
        removed += old.filter(pk__in=ids).update(payload=MESSAGE_REMOVED)
        after = ids[-1]
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    return {"email_messages_removed": removed}
