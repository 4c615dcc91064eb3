"""The mentors' periodic work. (Mentoring emails go through the outbox: mentors/emails.py.)"""

from celery import shared_task


@shared_task
def mentorship_requests_expire() -> int:
    """Periodic (see CELERY_BEAT_SCHEDULE): expire requests unanswered for three days."""
    from .services.mentorships import mentorship_requests_expire as expire

    return expire()
