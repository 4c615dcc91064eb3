"""The Celery app: configured from Django's settings (the CELERY_ names).

Every task has a stated `name=`, and a service queues a task by that name from the
app's registry (`current_app.tasks[name]`), never by importing the task's module: the
task calls the service, so the import would be a cycle. For the registry to hold every
task in any process (a web worker or a shell too, not only a Celery worker, which finds
them itself), each app's tasks module is imported when the registry is first read."""

import os
from typing import TypedDict

from celery import Celery
from django.db import OperationalError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmo_portal.settings.dev")

app = Celery("cmo_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Options every app's tasks share, spread into `@shared_task(...)` beside their own name
# and time limits.


class RetryOptions(TypedDict):
    autoretry_for: tuple[type[BaseException], ...]
    max_retries: int
    retry_backoff: int
    retry_backoff_max: int
    retry_jitter: bool


class AcknowledgementOptions(TypedDict):
    acks_late: bool
    reject_on_worker_lost: bool


def retries_for(*transient: type[Exception]) -> RetryOptions:
    """Retries for what passes: a database briefly away (a restart, a fail-over) and the
    `transient` errors given. Three tries at most, 10 s, 20 s then 40 s apart (never more
    than a minute), with jitter."""
    return {
        "autoretry_for": (OperationalError, *transient),
        "max_retries": 3,
        "retry_backoff": 10,
        "retry_backoff_max": 60,
        "retry_jitter": True,
    }


# For a task that is safe to run twice: acknowledged once it has run, and put back in
# the broker when its worker died, so what a worker did not finish runs again.
RUN_AGAIN_IF_CUT_OFF = AcknowledgementOptions(acks_late=True, reject_on_worker_lost=True)


@app.on_after_finalize.connect
def every_tasks_module_imported(sender: Celery, **kwargs) -> None:
    from django.apps import apps

    if apps.ready:  # before then (a worker starting), the worker's own discovery does it
        sender.autodiscover_tasks(force=True)
