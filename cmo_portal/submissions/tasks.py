"""Periodic (see CELERY_BEAT_SCHEDULE): forget the one-time tokens of old forms."""

from celery import shared_task


@shared_task
def submitted_forms_forget() -> int:
    from .services import submitted_forms_forget as forget

    return forget()
