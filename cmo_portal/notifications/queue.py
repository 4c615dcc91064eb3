"""Handing logged emails to the send task, by the task's stated name.

The send task (tasks.py) calls the outbox's services, and the services queue that task:
so that neither module imports the other, the task is found in Celery's registry by the
name it is registered under (cmo_portal/celery.py). Nothing here sends or writes."""

from celery import current_app
from django.db import transaction

# The send task's stated name (tasks.email_logs_send).
EMAIL_LOGS_SEND = "cmo_portal.notifications.tasks.email_logs_send"
# Ids per send task the outbox sweep queues.
SWEEP_BATCH = 100


def email_logs_send_now(ids: list[int]) -> None:
    """Queue the sending of these logged emails, in batches of SWEEP_BATCH. Only outside
    a transaction that writes them: the worker must find the rows."""
    task = current_app.tasks[EMAIL_LOGS_SEND]
    for start in range(0, len(ids), SWEEP_BATCH):
        task.delay(ids[start : start + SWEEP_BATCH])


def email_logs_send_after_commit(ids: list[int]) -> None:
    """Queue the sending of these logged emails once the transaction commits: a rolled
    back change sends nothing."""
    if ids:
        transaction.on_commit(lambda: current_app.tasks[EMAIL_LOGS_SEND].delay(ids))
