"""Against the real parts: a Redis broker and a Celery worker consuming from it.
Skipped with a reason when no Redis answers, except under CI=true, where it fails."""

import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse

from cmo_portal.celery import app as celery_app
from tests.conftest import needs_service
from tests.factories import PASSWORD

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def _drop_cached_connections() -> None:
    """Celery caches its producer pool for the broker it first saw (memory:// in the
    eager tests); drop it so the next message goes to the broker configured now."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def worker(settings):
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
    celery_app.control.purge()
    try:
        with start_worker(
            celery_app,
            pool="solo",
            perform_ping_check=False,
            shutdown_timeout=10,
            loglevel="WARNING",
        ) as running:
            yield running
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


def test_sign_up_email_is_delivered_by_the_worker_through_redis(client, worker):
    response = client.post(
        reverse("account_signup"),
        {"email": "queued@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    assert wait_for(lambda: len(mail.outbox) == 1), "the worker sent no email"
    assert mail.outbox[0].to == ["queued@example.com"]


def test_health_reports_the_real_broker(client, worker):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


def test_a_mentorship_request_email_goes_through_the_worker_after_the_commit(client, worker):
    from mentors.models import Mentorship
    from tests.factories import MentorProfileFactory, ProfileFactory

    mentor = MentorProfileFactory()
    mentee = ProfileFactory().user
    client.force_login(mentee)
    response = client.post(
        reverse("mentors:request", kwargs={"pk": mentor.pk}),
        {"message": "I would value your advice on moving into a CMO role."},
    )

    assert response.status_code == 302
    assert Mentorship.objects.filter(mentee=mentee, mentor=mentor).count() == 1
    assert wait_for(lambda: len(mail.outbox) == 1), "the worker sent no email"
    assert mail.outbox[0].to == [mentor.user.email]
