"""Bounces and complaints: the email provider's webhook (anymail's, with its basic auth)
marks an address undeliverable, once per event; the outbox then skips it without
contacting the mailer, account emails included; a provider's unsubscribe turns the
person's optional emails off; support lists and clears addresses in admin."""

import base64
import hashlib
import hmac
import json

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import override_settings
from django.urls import reverse

from cmo_portal.notifications import services
from cmo_portal.notifications.models import (
    NOT_SENT_UNDELIVERABLE,
    EmailKind,
    EmailLog,
    EmailStatus,
    NotificationPreferences,
    UndeliverableAddress,
    UndeliverableReason,
)
from tests.factories import UserFactory
from tests.pages import client_for

pytestmark = pytest.mark.django_db

SECRET = "postmark-hook:s3cret-words"
MAILGUN_SIGNING_KEY = "mailgun-signing-key"
POSTMARK = "/anymail/postmark/tracking/"
MAILGUN = "/anymail/mailgun/tracking/"


@pytest.fixture(autouse=True)
def webhook_secret():
    anymail = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_SIGNING_KEY}
    with override_settings(ANYMAIL=anymail):
        yield


def basic_auth(secret: str = SECRET) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def postmark_bounce(email: str, *, bounce_id: int = 4323372036854775807, **changes) -> dict:
    """A hard bounce as Postmark posts it (its bounce webhook's documented example)."""
    return {
        "RecordType": "Bounce",
        "MessageStream": "outbound",
        "ID": bounce_id,
        "Type": "HardBounce",
        "TypeCode": 1,
        "Name": "Hard bounce",
        "Tag": "",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": {},
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email,
        "From": "hello@cmo.example.org",
        "BouncedAt": "2026-03-09T16:33:54.9070259Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Your weekly digest",
        **changes,
    }


def post_postmark(client, payload: dict, **auth):
    return client.post(
        POSTMARK, json.dumps(payload), content_type="application/json", **(auth or basic_auth())
    )


def mailgun_event(email: str, *, event: str = "failed", severity: str = "permanent") -> dict:
    """A permanent failure as Mailgun's webhooks post it, signed with the signing key."""
    timestamp, token = "1773073634", "a8ce0edb2dd8301dee6c2405235584e45aa91d1e9f979f3de0"
    signature = hmac.new(
        MAILGUN_SIGNING_KEY.encode(), f"{timestamp}{token}".encode(), hashlib.sha256
    ).hexdigest()
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": {
            "event": event,
            "severity": severity,
            "id": "G9Bn5sl1TC6nu79C8C0bwg",
            "timestamp": 1773073634.0,
            "recipient": email,
            "reason": "bounce",
            "delivery-status": {
                "code": 550,
                "message": "5.1.1 The email account that you tried to reach does not exist.",
                "description": "",
            },
            "message": {"headers": {"message-id": "20260309.1@mg.example.org"}},
        },
    }


def digest_for(user, key: str = "2026-W12") -> EmailLog:
    message = EmailMultiAlternatives("Your digest", "Plain body", to=[user.email])
    log = services.email_queue(message=message, kind=EmailKind.DIGEST, period_key=key, user=user)
    assert log is not None
    return log


# --- The webhook ---------------------------------------------------------------------------


def test_a_postmark_hard_bounce_marks_the_address_undeliverable(client, user):
    assert post_postmark(client, postmark_bounce(user.email.upper())).status_code == 200

    row = UndeliverableAddress.objects.get()
    assert row.email == user.email.lower()
    assert row.user == user
    assert row.reason == UndeliverableReason.BOUNCED
    assert row.provider == "Postmark"
    assert row.last_event_id == "4323372036854775807"
    assert row.events == 1
    assert "mailbox not found" in row.detail


@pytest.mark.parametrize(
    "auth",
    [
        {},
        basic_auth("postmark-hook:wrong"),
        {"HTTP_AUTHORIZATION": "Bearer " + SECRET},
    ],
    ids=["no secret", "a wrong secret", "not basic auth"],
)
def test_a_call_without_the_secret_is_refused_and_changes_nothing(client, user, auth):
    response = client.post(
        POSTMARK, json.dumps(postmark_bounce(user.email)), content_type="application/json", **auth
    )
    assert response.status_code == 400
    assert not UndeliverableAddress.objects.exists()


def test_with_no_secret_configured_every_call_is_refused(client, user, settings):
    from cmo_portal.settings import base

    settings.ANYMAIL = base.ANYMAIL  # the environment sets no ANYMAIL_WEBHOOK_SECRET here
    assert base.ANYMAIL["WEBHOOK_SECRET"]
    assert post_postmark(client, postmark_bounce(user.email)).status_code == 400
    assert not UndeliverableAddress.objects.exists()


def test_the_same_event_posted_again_has_one_effect(client, user):
    for _ in range(3):
        assert post_postmark(client, postmark_bounce(user.email)).status_code == 200
    row = UndeliverableAddress.objects.get()
    assert row.events == 1


def test_another_bounce_of_the_same_address_counts_on_the_same_row(client, user):
    post_postmark(client, postmark_bounce(user.email, bounce_id=1))
    post_postmark(client, postmark_bounce(user.email, bounce_id=2))
    row = UndeliverableAddress.objects.get()
    assert (row.events, row.last_event_id) == (2, "2")
    assert row.first_seen_at <= row.last_seen_at


def test_a_spam_complaint_marks_the_address(client, user):
    complaint = postmark_bounce(
        user.email, RecordType="SpamComplaint", Type="SpamComplaint", TypeCode=512
    )
    assert post_postmark(client, complaint).status_code == 200
    assert UndeliverableAddress.objects.get().reason == UndeliverableReason.COMPLAINED


def test_a_soft_bounce_the_provider_still_delivers_to_changes_nothing(client, user):
    soft = postmark_bounce(user.email, Type="SoftBounce", TypeCode=4096, Inactive=False)
    assert post_postmark(client, soft).status_code == 200
    assert not UndeliverableAddress.objects.exists()


def test_a_delivery_changes_nothing(client, user):
    delivered = {
        "RecordType": "Delivery",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Recipient": user.email,
        "DeliveredAt": "2026-03-09T16:33:54Z",
        "Details": "Test delivery webhook details",
        "Tag": "",
        "ServerID": 23,
        "Metadata": {},
        "MessageStream": "outbound",
    }
    assert post_postmark(client, delivered).status_code == 200
    assert not UndeliverableAddress.objects.exists()


def test_a_mailgun_permanent_failure_signed_with_its_key_marks_the_address(client, user):
    response = client.post(
        MAILGUN,
        json.dumps(mailgun_event(user.email)),
        content_type="application/json",
        **basic_auth(),
    )
    assert response.status_code == 200
    row = UndeliverableAddress.objects.get()
    assert (row.email, row.provider, row.reason) == (user.email, "Mailgun", "bounced")


def test_a_mailgun_temporary_failure_changes_nothing(client, user):
    event = mailgun_event(user.email, severity="temporary")
    response = client.post(
        MAILGUN, json.dumps(event), content_type="application/json", **basic_auth()
    )
    assert response.status_code == 200
    assert not UndeliverableAddress.objects.exists()


def test_a_bounce_of_an_address_nobody_has_is_kept_without_a_person(client):
    post_postmark(client, postmark_bounce("Stranger@Example.net"))
    row = UndeliverableAddress.objects.get()
    assert (row.email, row.user) == ("stranger@example.net", None)


# --- Stopping the outbox -------------------------------------------------------------------


def test_the_next_email_to_a_bounced_address_is_skipped_without_contacting_the_mailer(
    client, user, django_capture_on_commit_callbacks
):
    post_postmark(client, postmark_bounce(user.email))
    with django_capture_on_commit_callbacks(execute=True):
        log = digest_for(user)
    log.refresh_from_db()
    assert mail.outbox == []
    assert log.status == EmailStatus.SKIPPED
    assert log.last_error == NOT_SENT_UNDELIVERABLE


def test_an_account_email_to_a_bounced_address_is_skipped_and_its_link_removed(
    client, user, django_capture_on_commit_callbacks
):
    post_postmark(client, postmark_bounce(user.email))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    log = EmailLog.objects.get(kind=EmailKind.ACCOUNT)
    assert mail.outbox == []
    assert log.status == EmailStatus.SKIPPED and log.last_error == NOT_SENT_UNDELIVERABLE
    assert not log.message_kept


def test_other_addresses_still_get_their_email(client, user, django_capture_on_commit_callbacks):
    post_postmark(client, postmark_bounce("someone-else@example.net"))
    with django_capture_on_commit_callbacks(execute=True):
        log = digest_for(user)
    log.refresh_from_db()
    assert log.status == EmailStatus.SENT
    assert [m.to for m in mail.outbox] == [[user.email]]


def test_once_the_row_is_deleted_the_address_gets_email_again(
    client, user, django_capture_on_commit_callbacks
):
    post_postmark(client, postmark_bounce(user.email))
    UndeliverableAddress.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        digest_for(user)
    assert [m.to for m in mail.outbox] == [[user.email]]


# --- A provider's unsubscribe --------------------------------------------------------------


def test_a_provider_unsubscribe_turns_off_every_optional_email_not_account_ones(client, user):
    change = {
        "RecordType": "SubscriptionChange",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "ServerID": 23,
        "MessageStream": "outbound",
        "ChangedAt": "2026-03-09T16:33:54Z",
        "Recipient": user.email,
        "Origin": "Recipient",
        "SuppressSending": True,
        "SuppressionReason": "ManualSuppression",
        "Tag": "",
        "Metadata": {},
    }
    assert post_postmark(client, change).status_code == 200

    prefs = NotificationPreferences.objects.get(user=user)
    assert not any(prefs.wants(kind) for kind in EmailKind if kind != EmailKind.ACCOUNT)
    assert services.may_receive(user, EmailKind.ACCOUNT)
    assert not UndeliverableAddress.objects.exists()


# --- Admin ---------------------------------------------------------------------------------


def test_admin_lists_and_searches_the_undeliverable_addresses(client, admin_client, user):
    post_postmark(client, postmark_bounce(user.email))
    post_postmark(client, postmark_bounce("other@example.net", bounce_id=9))
    url = reverse("admin:notifications_undeliverableaddress_changelist")
    page = admin_client.get(url, {"q": user.email})
    assert page.status_code == 200
    assert user.email in page.text and "other@example.net" not in page.text


def test_support_staff_clear_an_address_after_a_confirmation_page(client, user):
    from django.contrib.auth.models import Permission

    post_postmark(client, postmark_bounce(user.email))
    row = UndeliverableAddress.objects.get()
    staff = UserFactory(is_staff=True, second_factor=True)
    staff.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["view_undeliverableaddress", "delete_undeliverableaddress"]
        )
    )
    support = client_for(staff)
    delete = reverse("admin:notifications_undeliverableaddress_delete", args=[row.pk])

    confirm = support.get(delete)
    assert confirm.status_code == 200 and "Are you sure" in confirm.text
    assert UndeliverableAddress.objects.exists()

    assert support.post(delete, {"post": "yes"}).status_code == 302
    assert not UndeliverableAddress.objects.exists()


def test_nobody_adds_or_edits_an_address_in_admin(client, admin_client, user):
    post_postmark(client, postmark_bounce(user.email))
    row = UndeliverableAddress.objects.get()
    add = reverse("admin:notifications_undeliverableaddress_add")
    assert admin_client.get(add).status_code == 403
    change = reverse("admin:notifications_undeliverableaddress_change", args=[row.pk])
    admin_client.post(change, {"email": "changed@example.net", "reason": "bounced"})
    assert UndeliverableAddress.objects.get().email == user.email


def test_a_curriculum_editor_and_plain_staff_see_no_undeliverable_address(
    client, curriculum_editor, user
):
    post_postmark(client, postmark_bounce(user.email))
    row = UndeliverableAddress.objects.get()
    staff = UserFactory(is_staff=True, second_factor=True)
    for person in (curriculum_editor, staff):
        viewer = client_for(person)
        changelist = reverse("admin:notifications_undeliverableaddress_changelist")
        assert viewer.get(changelist).status_code == 403
        change = reverse("admin:notifications_undeliverableaddress_change", args=[row.pk])
        assert viewer.get(change).status_code == 403
        delete = reverse("admin:notifications_undeliverableaddress_delete", args=[row.pk])
        assert viewer.post(delete, {"post": "yes"}).status_code == 403
    assert UndeliverableAddress.objects.exists()


# --- Personal data -------------------------------------------------------------------------


def test_deleting_the_account_deletes_the_row_of_its_address(client, user):
    from cmo_portal.accounts.services import account_delete

    post_postmark(client, postmark_bounce(user.email))
    post_postmark(client, postmark_bounce("nobodys@example.net", bounce_id=5))
    assert account_delete(user_id=user.pk) is True
    assert list(UndeliverableAddress.objects.values_list("email", flat=True)) == [
        "nobodys@example.net"
    ]
