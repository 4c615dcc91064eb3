"""The preferences page, and the one-click unsubscribe that works without logging in."""

import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse

from cmo_portal.notifications import services
from cmo_portal.notifications.models import EmailKind, NotificationPreferences
from cmo_portal.notifications.tokens import unsubscribe_token
from tests.conftest import client_for

pytestmark = pytest.mark.django_db

PREFERENCES = reverse("notifications:preferences")


def prefs_of(user) -> NotificationPreferences:
    return services.preferences_for(user)


def test_new_preferences_start_from_the_profiles_time_zone_with_a_weekly_digest(physician):
    prefs = prefs_of(physician)
    assert prefs.time_zone == physician.profile.time_zone
    assert prefs.digest_frequency == "weekly"
    assert prefs.next_digest_at is not None and prefs.next_reminders_at is not None


def test_the_physician_chooses_a_monthly_digest_on_friday_in_tokyo(physician):
    response = client_for(physician).post(
        PREFERENCES,
        {
            "digest_frequency": "monthly",
            "digest_weekday": "4",
            "time_zone": "Asia/Tokyo",
            "mentoring_emails": "on",
            "action_reminders": "on",
            "reassessment_months": "6",
        },
    )
    assert response.status_code == 302
    prefs = NotificationPreferences.objects.get(user=physician)
    assert (prefs.digest_frequency, prefs.digest_weekday, prefs.time_zone) == (
        "monthly",
        4,
        "Asia/Tokyo",
    )
    assert prefs.reassessment_months == 6
    assert not prefs.plan_nudges and not prefs.request_reminders  # unticked boxes are off
    local = prefs.next_digest_at.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert (local.weekday(), local.hour, local.day <= 7) == (4, 8, True)


def test_bad_preferences_are_refused_with_a_message_and_nothing_changes(physician):
    before = prefs_of(physician)
    response = client_for(physician).post(
        PREFERENCES,
        {"digest_frequency": "hourly", "digest_weekday": "9", "time_zone": "Mars/Olympus"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    after = NotificationPreferences.objects.get(user=physician)
    assert (after.digest_frequency, after.time_zone) == (before.digest_frequency, before.time_zone)


def test_a_visitor_is_sent_to_log_in_for_preferences(client):
    response = client.get(PREFERENCES)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def unsubscribe_url(user, kind=EmailKind.DIGEST) -> str:
    return reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(user.pk, kind)})


def test_a_get_of_the_unsubscribe_link_asks_and_changes_nothing(physician):
    prefs_of(physician)
    response = Client().get(unsubscribe_url(physician))
    assert response.status_code == 200
    assert physician.email in response.text
    assert NotificationPreferences.objects.get(user=physician).digest_frequency == "weekly"


def test_a_one_click_post_without_session_or_csrf_turns_the_kind_off(physician):
    prefs_of(physician)
    client = Client(enforce_csrf_checks=True)  # a mail client: no cookie, no token
    response = client.post(unsubscribe_url(physician), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    prefs = NotificationPreferences.objects.get(user=physician)
    assert prefs.digest_frequency == "never" and prefs.next_digest_at is None
    assert prefs.action_reminders  # only that kind
    response = client.post(unsubscribe_url(physician, EmailKind.ACTION_REMINDER))
    assert not NotificationPreferences.objects.get(user=physician).action_reminders


@pytest.mark.parametrize(
    "token",
    ["not-a-token", "eyJ1IjoxLCJrIjoiZGlnZXN0In0:1tampered:xyz"],
    ids=["garbage", "tampered signature"],
)
def test_a_tampered_token_is_refused_and_changes_nothing(physician, token):
    prefs_of(physician)
    url = reverse("notifications:unsubscribe", kwargs={"token": token})
    assert Client().post(url).status_code == 400
    assert Client().get(url).status_code == 400
    assert NotificationPreferences.objects.get(user=physician).digest_frequency == "weekly"


def test_a_token_for_one_user_cannot_be_edited_to_another(physician, other_physician):
    prefs_of(other_physician)
    token = unsubscribe_token(physician.pk, "digest")
    _, _, rest = token.partition(":")
    forged = unsubscribe_token(other_physician.pk, "digest").partition(":")[0] + ":" + rest
    assert (
        Client().post(reverse("notifications:unsubscribe", kwargs={"token": forged})).status_code
        == 400
    )
    assert NotificationPreferences.objects.get(user=other_physician).digest_frequency == "weekly"


def test_account_emails_cannot_be_unsubscribed(physician):
    url = unsubscribe_url(physician, EmailKind.ACCOUNT)
    assert Client().post(url).status_code == 400


def test_the_preferences_page_saves_for_the_signed_in_user_only(physician, other_physician):
    prefs_of(other_physician)
    client_for(physician).post(
        PREFERENCES,
        {"digest_frequency": "never", "digest_weekday": "0", "time_zone": "Europe/Berlin"},
    )
    assert NotificationPreferences.objects.get(user=other_physician).digest_frequency == "weekly"
    assert NotificationPreferences.objects.get(user=physician).digest_frequency == "never"
