"""Periodic (see CELERY_BEAT_SCHEDULE): forget the one-time tokens of old forms."""

from celery import shared_task

from cmo_portal.celery import RUN_AGAIN_IF_CUT_OFF, retries_for

from . import services


@shared_task(
    name="cmo_portal.submissions.tasks.submitted_forms_forget",
    soft_time_limit=60,
    time_limit=90,
    **retries_for(),
    **RUN_AGAIN_IF_CUT_OFF,
)
def submitted_forms_forget() -> int:
    """Delete the tokens older than KEPT_FOR. Safe to run twice, or again after its
    worker died: a second run finds nothing more to delete."""
    return services.submitted_forms_forget()
