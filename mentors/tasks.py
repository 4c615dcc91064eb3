"""The mentors' periodic work. (Mentoring emails go through the outbox: mentors/emails.py.)"""

from celery import shared_task

from cmo_portal.celery import RUN_AGAIN_IF_CUT_OFF, retries_for


@shared_task(
    name="mentors.tasks.mentorship_requests_expire",
    soft_time_limit=2 * 60,
    time_limit=3 * 60,
    **retries_for(),
    **RUN_AGAIN_IF_CUT_OFF,
)
def mentorship_requests_expire() -> int:
    """Periodic (see CELERY_BEAT_SCHEDULE): expire requests unanswered for three days.
    Safe to run twice, or again after its worker died: each request is claimed with a
    conditional UPDATE before the physician is told, and the email is one per
    mentorship event in the outbox."""
    from .services.mentorships import mentorship_requests_expire as expire

    return expire()


@shared_task(
    name="mentors.tasks.message_emails_send",
    soft_time_limit=60,
    time_limit=2 * 60,
    **retries_for(),
    **RUN_AGAIN_IF_CUT_OFF,
)
def message_emails_send(mentorship_id: int, recipient_id: int) -> int | None:
    """Queued after each message, a quiet period later: compose the one email of the
    recipient's new messages in the thread once the burst is over. Safe twice: the
    messages are locked and marked emailed as it composes, and the outbox sends once."""
    from .services.messages import message_emails_compose

    log = message_emails_compose(mentorship_id=mentorship_id, recipient_id=recipient_id)
    return log.pk if log is not None else None


@shared_task(
    name="mentors.tasks.message_emails_sweep",
    soft_time_limit=2 * 60,
    time_limit=3 * 60,
    **retries_for(),
    **RUN_AGAIN_IF_CUT_OFF,
)
def message_emails_sweep() -> int:
    """Periodic (see CELERY_BEAT_SCHEDULE): the message emails a lost task left unsent.
    Safe twice: composing locks the messages and marks them emailed."""
    from .services.messages import message_emails_sweep as sweep

    return sweep()
