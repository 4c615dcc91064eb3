"""Celery's settings: the broker, the limits every task shares, and the periodic jobs
beat enqueues. Imported by base.py, which every environment starts from."""

from .env import env

# --- Celery --------------------------------------------------------------------------

# Unset: tasks run inline, in eager mode, so the site needs nothing but Python.
# redis://host:6379/0 for a real broker and worker.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The worker logs through LOGGING (base.py), in its format, not one of its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "UTC"
# Every periodic job, in one place, each with a line saying why.
CELERY_BEAT_SCHEDULE: dict = {
    # A mentorship request the mentor has not answered in 3 days expires; the physician
    # is told and offered the next suggestion. Every 15 minutes, so none waits long.
    "expire-mentorship-requests": {
        "task": "mentors.tasks.mentorship_requests_expire",
        "schedule": 15 * 60,
    },
    # The email of new messages whose task was lost (each message queues its own): a
    # burst over and still unread is composed here, once.
    "send-lost-message-emails": {
        "task": "mentors.tasks.message_emails_sweep",
        "schedule": 10 * 60,
    },
    # Whose digest is due now, at 8:00 in their own time zone? Their next send time is
    # kept in PostgreSQL, so a beat that was down catches up at its next run.
    "send-due-digests": {
        "task": "cmo_portal.composers.tasks.digests_due_sweep",
        "schedule": 15 * 60,
    },
    # Whose daily reminder check is due now (8:00 local): actions due, reassessment,
    # requests waiting for a mentor, quiet plans.
    "send-due-reminders": {
        "task": "cmo_portal.composers.tasks.reminders_due_sweep",
        "schedule": 15 * 60,
    },
    # The outbox: send again what a lost task left pending or a retry left due, and mark
    # what was cut off mid-send as unknown (never sent twice).
    "sweep-the-outbox": {
        "task": "cmo_portal.notifications.tasks.email_outbox_sweep",
        "schedule": 5 * 60,
    },
    # Keep nothing longer than needed: remove the messages of emails older than
    # EMAIL_BODY_RETENTION_DAYS (the log keeps who, what kind and when) and delete
    # expired sessions. Every hour; a run that finds nothing to do changes nothing.
    "remove-old-email-messages-and-expired-sessions": {
        "task": "cmo_portal.notifications.tasks.retention_sweep",
        "schedule": 60 * 60,
    },
    # Forget the one-time tokens of forms sent more than 30 days ago (they stop a form
    # sent twice from acting twice). Once a day is plenty.
    "forget-old-form-tokens": {
        "task": "cmo_portal.submissions.tasks.submitted_forms_forget",
        "schedule": 24 * 60 * 60,
    },
}
