"""Mentoring emails and the sweep that expires unanswered requests. Each task takes ids,
loads the rows and calls one function; the rows are read after the commit that queued
the task, so the email says what was saved."""

from celery import shared_task

from cmo_portal.notifications.tasks import EMAIL_RETRY

from . import emails


@shared_task(**EMAIL_RETRY)
def mentorship_notify(mentorship_id: int, event: str) -> None:
    """Tell the other side that a request was sent, answered, or a mentorship ended."""
    emails.mentorship_event_send(mentorship_id, event)


@shared_task(**EMAIL_RETRY)
def plan_comment_notify(comment_id: int) -> None:
    emails.plan_comment_send(comment_id)


@shared_task(**EMAIL_RETRY)
def plan_review_notify(review_id: int) -> None:
    emails.plan_review_send(review_id)


@shared_task(**EMAIL_RETRY)
def mentor_application_notify(profile_id: int) -> None:
    emails.mentor_application_send(profile_id)


@shared_task
def mentorship_requests_expire() -> int:
    """Periodic (see CELERY_BEAT_SCHEDULE): expire requests unanswered for three days."""
    from .services import mentorship_requests_expire as expire

    return expire()
