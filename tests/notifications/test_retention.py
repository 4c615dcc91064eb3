"""The retention sweep: an email's message is kept EMAIL_BODY_RETENTION_DAYS, then only
who it went to, its kind, subject, status and times; expired sessions are deleted. Safe
to run twice."""

import datetime
from importlib import import_module

import pytest
import time_machine
from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from cmo_portal.notifications import services
from cmo_portal.notifications.models import MESSAGE_REMOVED, EmailKind, EmailLog, EmailStatus
from cmo_portal.notifications.tasks import retention_sweep

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)


def email(user, *, key: str, status: str, days_old: int) -> EmailLog:
    message = EmailMultiAlternatives("Your digest", "Meet the CFO on Friday", to=[user.email])
    message.attach_alternative("<p>Meet the CFO on Friday</p>", "text/html")
    created = NOW - datetime.timedelta(days=days_old)
    log = EmailLog.objects.create(
        user=user,
        to_email=user.email,
        kind=EmailKind.DIGEST,
        period_key=key,
        subject="Your digest",
        payload=services.email_to_payload(message),
        status=status,
        attempts=1,
        sent_at=created if status == EmailStatus.SENT else None,
    )
    EmailLog.objects.filter(pk=log.pk).update(created_at=created)
    log.refresh_from_db()
    return log


def columns(log: EmailLog) -> dict:
    return {f.name: getattr(log, f.name) for f in EmailLog._meta.fields if f.name != "payload"}


@pytest.fixture
def at_now():
    with time_machine.travel(NOW, tick=False):
        yield


def test_the_message_of_an_old_email_goes_and_its_details_stay(user, at_now):
    days = settings.EMAIL_BODY_RETENTION_DAYS
    old_sent = email(user, key="2026-W10", status=EmailStatus.SENT, days_old=days + 1)
    old_failed = email(user, key="2026-W11", status=EmailStatus.FAILED, days_old=days + 5)
    recent = email(user, key="2026-W21", status=EmailStatus.SENT, days_old=days - 1)
    before = {log.pk: columns(log) for log in (old_sent, old_failed, recent)}

    assert retention_sweep.apply().get() == {"email_messages_removed": 2}

    for log in (old_sent, old_failed):
        log.refresh_from_db()
        assert log.payload == MESSAGE_REMOVED and not log.message_kept
        assert columns(log) == before[log.pk]  # to, kind, subject, status, times
    recent.refresh_from_db()
    assert recent.message_kept and recent.payload["body"] == "Meet the CFO on Friday"


@pytest.mark.parametrize("status", [EmailStatus.PENDING, EmailStatus.RETRYING])
def test_an_old_email_still_to_be_sent_keeps_its_message(user, at_now, status):
    waiting = email(user, key="2026-W01", status=status, days_old=90)
    assert services.retention_sweep() == {"email_messages_removed": 0}
    waiting.refresh_from_db()
    assert waiting.message_kept
    assert services.email_log_deliver(waiting.pk) == EmailStatus.SENT


def test_retention_follows_the_setting(user, at_now, settings):
    settings.EMAIL_BODY_RETENTION_DAYS = 7
    week_old = email(user, key="2026-W20", status=EmailStatus.SENT, days_old=8)
    services.retention_sweep()
    week_old.refresh_from_db()
    assert not week_old.message_kept


def test_expired_sessions_are_deleted_and_live_ones_stay():
    store = import_module(settings.SESSION_ENGINE).SessionStore
    with time_machine.travel(NOW - datetime.timedelta(days=3), tick=False):
        short = store()
        short["_auth_user_id"] = "1"
        short.set_expiry(60 * 60)  # an hour: long gone by NOW
        short.create()
        live = store()
        live["_auth_user_id"] = "2"
        live.set_expiry(14 * 24 * 60 * 60)
        live.create()
    with time_machine.travel(NOW, tick=False):
        services.retention_sweep()
        assert not store().exists(short.session_key)
        assert store().exists(live.session_key)
        assert store(session_key=live.session_key).load()["_auth_user_id"] == "2"


def test_running_the_sweep_twice_is_harmless(user, at_now):
    old = email(user, key="2026-W10", status=EmailStatus.SENT, days_old=60)
    recent = email(user, key="2026-W21", status=EmailStatus.SENT, days_old=1)
    assert services.retention_sweep(batch_size=1) == {"email_messages_removed": 1}
    after_first = {log.pk: (log.payload, columns(log)) for log in EmailLog.objects.all()}
    assert services.retention_sweep(batch_size=1) == {"email_messages_removed": 0}
    assert {log.pk: (log.payload, columns(log)) for log in EmailLog.objects.all()} == after_first
    assert not EmailLog.objects.get(pk=old.pk).message_kept
    assert EmailLog.objects.get(pk=recent.pk).message_kept


def test_the_sweep_is_on_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["remove-old-email-messages-and-expired-sessions"]
    assert entry["task"] == retention_sweep.name
    assert entry["schedule"] <= 24 * 60 * 60
