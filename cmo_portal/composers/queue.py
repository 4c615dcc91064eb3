"""Handing batches of users to the compose tasks, by the tasks' stated names.

A sweep (digests.py, reminders.py) queues the batch tasks, and the batch tasks (tasks.py)
call the composers: so that neither module imports the other, a task is found in
Celery's registry by the name it is registered under (cmo_portal/celery.py)."""

from celery import current_app

DIGEST_BATCH_COMPOSE = "cmo_portal.composers.tasks.digest_batch_compose"
REMINDER_BATCH_COMPOSE = "cmo_portal.composers.tasks.reminder_batch_compose"


def batches_queue(task_name: str, user_ids: list[int], *, size: int) -> None:
    """Queue the task `task_name` once for every `size` of these user ids."""
    task = current_app.tasks[task_name]
    for start in range(0, len(user_ids), size):
        task.delay(user_ids[start : start + size])
