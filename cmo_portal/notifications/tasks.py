from smtplib import SMTPException

from celery import shared_task

from .services import email_send_now

# How every task that sends email retries: a refused or unreachable SMTP server is
# tried again with a growing pause for about two hours before the task gives up.
EMAIL_RETRY = {
    "autoretry_for": (SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": 30,
    "retry_backoff_max": 30 * 60,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(**EMAIL_RETRY)
def email_send(payload: dict) -> None:
    """Send one rendered email; a refused or unreachable SMTP server is retried with a
    growing pause for about two hours before the task gives up."""
    email_send_now(payload)
