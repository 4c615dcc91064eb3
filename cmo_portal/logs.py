"""What an operator reads: one JSON line per event (LOGGING's json format).

While a request (cmo_portal.middleware.request_logged) or a Celery task runs, its ids
are in a context variable, and `ContextFields` copies them
onto every log record, so an error logged deep in a view carries the id of the request
that hit it, and a line written by a task names the task.
"""

import logging
from contextvars import ContextVar
from typing import Any

from celery.signals import task_postrun, task_prerun

# Who and what the current line is about: request_id and user_id in a request,
# task_id and task_name in a task.
log_context: ContextVar[dict[str, Any] | None] = ContextVar("log_context", default=None)


class ContextFields(logging.Filter):
    """Puts the current request's or task's ids on every record the handler writes."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, value in (log_context.get() or {}).items():
            if not hasattr(record, name):
                setattr(record, name, value)
        return True


@task_prerun.connect
def task_named_in_logs(task_id: str, task: Any, **kwargs: Any) -> None:
    log_context.set({"task_id": task_id, "task_name": task.name})


@task_postrun.connect
def task_done_in_logs(**kwargs: Any) -> None:
    log_context.set(None)
