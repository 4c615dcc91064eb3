"""Against the real parts: a Redis broker and a Celery worker consuming from it.
Skipped with a reason when no Redis answers, except under CI=true, where it fails."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.urls import reverse

from cmo_portal.celery import app as celery_app
from tests.celery_broker import real_broker, wait_for
from tests.factories import PASSWORD

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker(settings):
    with (
        real_broker(settings),
        start_worker(
            celery_app,
            pool="solo",
            perform_ping_check=False,
            shutdown_timeout=10,
            loglevel="WARNING",
        ) as running,
    ):
        yield running


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
    from mentors.models.mentorships import Mentorship
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
