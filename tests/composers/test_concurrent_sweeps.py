"""Two sweeps at the same moment, on PostgreSQL: both find the same users due, both run
their batches at once, and each user gets one digest."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone

from cmo_portal.composers.digests import digest_batch_compose
from cmo_portal.notifications import services
from cmo_portal.notifications.models import EmailKind, EmailLog, NotificationPreferences
from pathways.models.plan import CareerPlan
from tests.factories import PathwayFactory, ProfileFactory
from tests.services import needs_service

pytestmark = pytest.mark.postgresql


@pytest.mark.django_db(transaction=True)
def test_two_batches_of_the_same_users_at_once_send_each_digest_once():
    if connection.vendor != "postgresql":
        needs_service("two sweeps at once need PostgreSQL's row locks: set DATABASE_URL")
    users, emails = [], []
    for _ in range(12):
        user = ProfileFactory().user
        CareerPlan.objects.create(owner=user, pathway=PathwayFactory())
        services.preferences_for(user)
        users.append(user.pk)
        emails.append(user.email)
    NotificationPreferences.objects.update(
        next_digest_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    barrier = threading.Barrier(2)
    errors = []

    def sweep():
        try:
            barrier.wait()
            digest_batch_compose(users)
        except Exception as error:  # shown below, not lost in the thread
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert EmailLog.objects.filter(kind=EmailKind.DIGEST).count() == 12
    assert sorted(m.to[0] for m in mail.outbox) == sorted(emails)
