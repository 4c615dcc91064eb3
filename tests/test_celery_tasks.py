"""Every Celery task states its name, its retries and its time limits, and is found in
the registry by that name without its module being imported first; every beat entry
names one of them."""

from celery import current_app
from django.conf import settings
from django.db import OperationalError

TASKS = {
    "cmo_portal.notifications.tasks.email_logs_send",
    "cmo_portal.notifications.tasks.email_outbox_sweep",
    "cmo_portal.notifications.tasks.retention_sweep",
    "cmo_portal.composers.tasks.digests_due_sweep",
    "cmo_portal.composers.tasks.digest_batch_compose",
    "cmo_portal.composers.tasks.reminders_due_sweep",
    "cmo_portal.composers.tasks.reminder_batch_compose",
    "cmo_portal.submissions.tasks.submitted_forms_forget",
    "mentors.tasks.mentorship_requests_expire",
    "mentors.tasks.message_emails_send",
    "mentors.tasks.message_emails_sweep",
    "pathways.tasks.plan_pdf_render",
    "pathways.tasks.plans_refresh",
}


def project_tasks() -> dict:
    return {
        name: task for name, task in current_app.tasks.items() if not name.startswith("celery.")
    }


def test_every_task_is_registered_under_its_stated_name():
    assert set(project_tasks()) == TASKS


def test_every_task_retries_a_database_briefly_away_and_has_time_limits():
    for name, task in project_tasks().items():
        assert issubclass(OperationalError, tuple(task.autoretry_for)), name
        assert task.max_retries == 3 and task.retry_backoff, name
        assert 0 < task.soft_time_limit < task.time_limit, name


def test_every_task_is_safe_to_run_again_after_its_worker_died():
    for name, task in project_tasks().items():
        assert task.acks_late and task.reject_on_worker_lost, name


def test_every_beat_entry_names_a_registered_task():
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= TASKS
