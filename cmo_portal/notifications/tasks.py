"""Email tasks: each takes ids or nothing, and calls one service. The periodic ones run
from CELERY_BEAT_SCHEDULE (settings/base.py)."""

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task
def email_logs_send(log_ids: list[int]) -> None:
    """Deliver these logged emails. A temporary SMTP failure leaves the row "retrying"
    with its next try due in at most five minutes, and queues that try; the outbox sweep
    also picks it up if this message is lost."""
    for log_id in log_ids:
        status = services.email_log_deliver(log_id)
        if status == "retrying":
            attempts = services.EmailLog.objects.get(pk=log_id).attempts
            delay = services.retry_delay(attempts).total_seconds()
            email_logs_send.apply_async(args=[[log_id]], countdown=delay)


@shared_task
def email_outbox_sweep() -> dict:
    return services.email_outbox_sweep()


@shared_task
def digests_due_sweep() -> int:
    from .digests import digests_due_sweep as sweep

    return sweep()


@shared_task
def digest_batch_compose(user_ids: list[int]) -> int:
    from .digests import digest_batch_compose as compose

    return compose(user_ids)


@shared_task
def reminders_due_sweep() -> int:
    from .reminders import reminders_due_sweep as sweep

    return sweep()


@shared_task
def reminder_batch_compose(user_ids: list[int]) -> int:
    from .reminders import reminder_batch_compose as compose

    return compose(user_ids)


@shared_task(
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=60,
    soft_time_limit=4 * 60,
    time_limit=5 * 60,
)
def retention_sweep() -> dict:
    """Remove old email messages and expired sessions. A database that is briefly away
    is tried again three times; a run cut off by the time limit leaves done what it did,
    and the next hourly run goes on from there."""
    return services.retention_sweep()
