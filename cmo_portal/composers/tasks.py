"""The digests' and reminders' tasks: each takes ids or nothing and calls one composer.
The sweeps run from CELERY_BEAT_SCHEDULE (settings/base.py); each sweep queues the batch
tasks by their stated names (queue.py).

Every one is safe to run twice, so each is acknowledged only once it has run
(`acks_late`, and `reject_on_worker_lost` so a message whose worker died goes back to
the broker): a sweep queues only users still due, and a batch locks the preferences it
composes for, composes each email once (unique per user, kind and period in the email
log) and moves each user's next time on in the same transaction."""

from typing import TypedDict

from celery import shared_task

from cmo_portal.celery import RUN_AGAIN_IF_CUT_OFF, retries_for

from . import digests, queue, reminders


class TimeLimits(TypedDict):
    soft_time_limit: int
    time_limit: int


# A sweep reads ids only; a batch of BATCH_SIZE users reads and composes in seconds.
SWEEP_LIMITS = TimeLimits(soft_time_limit=60, time_limit=90)
BATCH_LIMITS = TimeLimits(soft_time_limit=4 * 60, time_limit=5 * 60)


@shared_task(
    name="cmo_portal.composers.tasks.digests_due_sweep",
    **SWEEP_LIMITS,
    **retries_for(),
    **RUN_AGAIN_IF_CUT_OFF,
)
def digests_due_sweep() -> int:
    """Queue the batches of users whose digest is due."""
    return digests.digests_due_sweep()


@shared_task(
    name=queue.DIGEST_BATCH_COMPOSE,
    **BATCH_LIMITS,
    **retries_for(),
    **RUN_AGAIN_IF_CUT_OFF,
)
def digest_batch_compose(user_ids: list[int]) -> int:
    """Compose the digests of these users that are still due, once each."""
    return digests.digest_batch_compose(user_ids)


@shared_task(
    name="cmo_portal.composers.tasks.reminders_due_sweep",
    **SWEEP_LIMITS,
    **retries_for(),
    **RUN_AGAIN_IF_CUT_OFF,
)
def reminders_due_sweep() -> int:
    """Queue the batches of users whose daily reminder check is due."""
    return reminders.reminders_due_sweep()


@shared_task(
    name=queue.REMINDER_BATCH_COMPOSE,
    **BATCH_LIMITS,
    **retries_for(),
    **RUN_AGAIN_IF_CUT_OFF,
)
def reminder_batch_compose(user_ids: list[int]) -> int:
    """Compose the reminders due today for these users, once each."""
    return reminders.reminder_batch_compose(user_ids)
