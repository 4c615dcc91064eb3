"""The outbox's tasks: each takes ids or nothing and calls one service. The periodic
ones run from CELERY_BEAT_SCHEDULE (settings/base.py).

Each has a stated name (the services queue the send task by it, queue.py), retries for
a database briefly away, time limits, and is acknowledged only once it has run
(`acks_late`, and `reject_on_worker_lost` so a message whose worker died goes back to
the broker): running any of them twice is harmless, because sending claims each row
with a conditional UPDATE before it talks to SMTP."""

from celery import shared_task

from cmo_portal.celery import RUN_AGAIN_IF_CUT_OFF, retries_for

from . import queue, services


@shared_task(
    name=queue.EMAIL_LOGS_SEND,
    soft_time_limit=4 * 60,
    time_limit=5 * 60,
    **retries_for(),
    **RUN_AGAIN_IF_CUT_OFF,
)
def email_logs_send(log_ids: list[int]) -> None:
    """Deliver these logged emails. SMTP failures are not this task's retries: a
    temporary one leaves the row "retrying" with its next try due in at most five
    minutes, and this queues that try; the outbox sweep also picks it up if that message
    is lost. Run twice (a retry, a duplicate delivery, a message whose worker died), a
    row already claimed is not sent again."""
    for log_id, delay in services.email_logs_deliver(log_ids).items():
        email_logs_send.apply_async(args=([log_id],), countdown=delay)


@shared_task(
    name="cmo_portal.notifications.tasks.email_outbox_sweep",
    soft_time_limit=2 * 60,
    time_limit=3 * 60,
    **retries_for(),
    **RUN_AGAIN_IF_CUT_OFF,
)
def email_outbox_sweep() -> dict:
    """Queue again what a lost task left pending or a retry left due; mark what was cut
    off mid-send unknown. Safe twice: a row queued twice is claimed once."""
    return services.email_outbox_sweep()


@shared_task(
    name="cmo_portal.notifications.tasks.retention_sweep",
    soft_time_limit=4 * 60,
    time_limit=5 * 60,
    **retries_for(),
    **RUN_AGAIN_IF_CUT_OFF,
)
def retention_sweep() -> dict:
    """Remove old email messages and expired sessions. A run cut off by the time limit
    or a lost worker leaves done what it did (each batch is one UPDATE), and the next
    run goes on from there."""
    return services.retention_sweep()
