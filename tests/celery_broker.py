"""Pointing the test process's Celery app at the real Redis broker, for the tests that
run a real worker (tests/test_celery_worker.py, tests/notifications/test_worker_killed.py)."""

import contextlib
import time

import redis

from cmo_portal.celery import app as celery_app
from tests.services import needs_service


def _drop_cached_connections() -> None:
    """Celery caches its producer pool for the broker it first saw (memory:// in the
    eager tests); drop it so the next message goes to the broker configured now."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@contextlib.contextmanager
def real_broker(settings):
    """Send tasks to the Redis broker of TEST_CELERY_BROKER_URL, emptied first."""
    url = settings.TEST_CELERY_BROKER_URL
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        needs_service(f"no Redis broker at {url} for the Celery worker tests ({exc})")
    saved = {key: celery_app.conf[key] for key in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url=url, task_always_eager=False)
    _drop_cached_connections()
    settings.CELERY_BROKER_URL = url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    redis.Redis.from_url(url).flushdb()
    try:
        yield url
    finally:
        celery_app.conf.update(saved)
        _drop_cached_connections()


def wait_for(predicate, seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False
