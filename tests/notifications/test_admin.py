"""The email log in admin: filterable by kind, status and user, read-only, and a failed
email can be queued again."""

import pytest
from django.core import mail
from django.urls import reverse

from cmo_portal.notifications.models import EmailLog, EmailStatus
from cmo_portal.notifications.services import email_to_payload, preferences_for
from tests.factories import ProfileFactory

pytestmark = pytest.mark.django_db


def log(user, status, key):
    from django.core.mail import EmailMultiAlternatives

    message = EmailMultiAlternatives("Digest", "Body", to=[user.email])
    return EmailLog.objects.create(
        user=user,
        to_email=user.email,
        kind="digest",
        period_key=key,
        subject="Digest",
        payload=email_to_payload(message),
        status=status,
        last_error="SMTP said no",
    )


def test_the_email_log_filters_by_kind_status_and_user(admin_client):
    user = ProfileFactory().user
    log(user, EmailStatus.FAILED, "2026-W01")
    log(user, EmailStatus.SENT, "2026-W02")
    url = reverse("admin:notifications_emaillog_changelist")
    response = admin_client.get(url, {"status__exact": EmailStatus.FAILED, "kind__exact": "digest"})
    assert response.status_code == 200
    assert "2026-W01" in response.text and "2026-W02" not in response.text
    response = admin_client.get(url, {"q": user.email})
    assert response.text.count(user.email) >= 2


def test_a_failed_email_is_sent_again_from_admin(admin_client, django_capture_on_commit_callbacks):
    user = ProfileFactory().user
    failed = log(user, EmailStatus.FAILED, "2026-W03")
    url = reverse("admin:notifications_emaillog_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"action": "send_again", "_selected_action": [failed.pk]})
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == EmailStatus.SENT
    assert len(mail.outbox) == 1


def test_the_email_log_cannot_be_edited(admin_client):
    user = ProfileFactory().user
    row = log(user, EmailStatus.SENT, "2026-W04")
    url = reverse("admin:notifications_emaillog_change", args=[row.pk])
    response = admin_client.post(url, {"status": EmailStatus.PENDING})
    assert response.status_code == 403
    row.refresh_from_db()
    assert row.status == EmailStatus.SENT


def test_the_preferences_admin_does_not_show_the_unsubscribe_key(admin_client):
    prefs = preferences_for(ProfileFactory().user)
    url = reverse("admin:notifications_notificationpreferences_change", args=[prefs.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert prefs.unsubscribe_key not in response.text
