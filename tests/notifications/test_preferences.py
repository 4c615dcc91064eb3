"""The preferences page, and the one-click unsubscribe that works without logging in."""

import base64
import binascii
import datetime
import json
import zlib
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.core import signing
from django.test import Client
from django.urls import reverse

from cmo_portal.notifications import emails, services
from cmo_portal.notifications.models import EmailKind, NotificationPreferences
from cmo_portal.notifications.tokens import unsubscribe_token
from tests.pages import client_for

pytestmark = pytest.mark.django_db

PREFERENCES = reverse("notifications:preferences")


def prefs_of(user) -> NotificationPreferences:
    return services.preferences_for(user)


def test_new_preferences_start_at_eight_in_the_profiles_time_zone_with_a_weekly_digest(
    physician,
):
    prefs = prefs_of(physician)
    local = prefs.next_reminders_at.astimezone(zoneinfo.ZoneInfo(physician.profile.time_zone))
    assert local.hour == 8
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
    prefs = NotificationPreferences.objects.select_related("user__profile").get(user=physician)
    assert (prefs.digest_frequency, prefs.digest_weekday, prefs.user.profile.time_zone) == (
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
    assert after.digest_frequency == before.digest_frequency
    physician.profile.refresh_from_db()
    assert physician.profile.time_zone == "America/Chicago"


def test_a_visitor_is_sent_to_log_in_for_preferences(client):
    response = client.get(PREFERENCES)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def unsubscribe_url(user, kind=EmailKind.DIGEST) -> str:
    """The path of the link an email to this user carries (emails.py renders it)."""
    return emails.unsubscribe_url(user.pk, kind).removeprefix(settings.SITE_URL)


def test_a_get_of_the_unsubscribe_link_asks_and_changes_nothing(physician):
    prefs_of(physician)
    response = Client().get(unsubscribe_url(physician))
    assert response.status_code == 200
    assert physician.email in response.text
    assert NotificationPreferences.objects.get(user=physician).digest_frequency == "weekly"


def test_a_one_click_post_without_session_or_csrf_turns_the_kind_off(physician, other_physician):
    # Other people's preferences exist, as on the real site: the link must find its own.
    prefs_of(other_physician)
    prefs_of(physician)
    client = Client(enforce_csrf_checks=True)  # a mail client: no cookie, no token
    response = client.post(unsubscribe_url(physician), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    prefs = NotificationPreferences.objects.get(user=physician)
    assert prefs.digest_frequency == "never" and prefs.next_digest_at is None
    assert prefs.action_reminders  # only that kind
    response = client.post(unsubscribe_url(physician, EmailKind.ACTION_REMINDER))
    assert not NotificationPreferences.objects.get(user=physician).action_reminders
    # Only that person.
    other = NotificationPreferences.objects.get(user=other_physician)
    assert other.digest_frequency == "weekly" and other.action_reminders


def decoded_parts(token: str) -> list[str]:
    """Every part of a token that base64 (compressed or not) turns into text."""
    texts = []
    for part in token.split(":"):
        compressed = part.startswith(".")
        try:
            raw = base64.urlsafe_b64decode(part.lstrip(".") + "=" * (-len(part.lstrip(".")) % 4))
            texts.append((zlib.decompress(raw) if compressed else raw).decode())
        except (binascii.Error, zlib.error, UnicodeDecodeError, ValueError):
            continue
    return texts


def test_an_unsubscribe_link_names_neither_the_user_id_nor_the_address(physician, other_physician):
    prefs_of(other_physician)
    token = unsubscribe_url(physician).rstrip("/").rsplit("/", 1)[-1]
    assert physician.email not in token
    texts = decoded_parts(token)
    payload = json.loads(next(text for text in texts if text.startswith("{")))
    # It names the preferences by their random key, and the kind; nothing else.
    assert payload == {"p": prefs_of(physician).unsubscribe_key, "k": EmailKind.DIGEST}
    for text in texts:
        assert physician.email not in text and physician.email.split("@")[0] not in text
    assert physician.pk not in payload.values() and str(physician.pk) not in payload.values()
    keys = set(NotificationPreferences.objects.values_list("unsubscribe_key", flat=True))
    assert len(keys) == 2 and all(len(key) >= 32 for key in keys)


def test_an_expired_link_changes_nothing_and_offers_the_preferences_after_sign_in(physician):
    prefs_of(physician)
    sent = datetime.datetime(2026, 1, 5, 14, 0, tzinfo=datetime.UTC)
    with time_machine.travel(sent, tick=False):
        url = unsubscribe_url(physician)
    max_age = datetime.timedelta(days=settings.UNSUBSCRIBE_LINK_MAX_AGE_DAYS)
    with time_machine.travel(sent + max_age + datetime.timedelta(hours=1), tick=False):
        for response in (Client().get(url), Client(enforce_csrf_checks=True).post(url)):
            assert response.status_code == 410
            assert "This link has expired" in response.text
            assert f'href="{PREFERENCES}"' in response.text
            assert "Sign in to your email preferences" in response.text
        assert NotificationPreferences.objects.get(user=physician).digest_frequency == "weekly"
        # The preferences it offers need a sign-in.
        assert "/accounts/login/" in Client().get(PREFERENCES).url


def test_a_link_still_within_its_age_works(physician):
    prefs_of(physician)
    sent = datetime.datetime(2026, 1, 5, 14, 0, tzinfo=datetime.UTC)
    with time_machine.travel(sent, tick=False):
        url = unsubscribe_url(physician)
    max_age = datetime.timedelta(days=settings.UNSUBSCRIBE_LINK_MAX_AGE_DAYS)
    with time_machine.travel(sent + max_age - datetime.timedelta(hours=1), tick=False):
        assert Client().get(url).status_code == 200
        assert Client(enforce_csrf_checks=True).post(url).status_code == 200
    assert NotificationPreferences.objects.get(user=physician).digest_frequency == "never"


def test_a_link_in_the_old_format_with_the_user_id_is_refused(physician):
    prefs_of(physician)
    old = signing.dumps(
        {"u": physician.pk, "k": "digest"}, salt="cmo_portal.notifications.unsubscribe"
    )
    url = reverse("notifications:unsubscribe", kwargs={"token": old})
    assert Client().post(url).status_code == 400
    assert NotificationPreferences.objects.get(user=physician).digest_frequency == "weekly"


def test_the_link_of_a_deactivated_account_is_refused_and_shows_nothing_of_it(physician):
    prefs_of(physician)
    url = unsubscribe_url(physician)
    physician.is_active = False
    physician.save()
    for response in (Client().get(url), Client().post(url)):
        assert response.status_code == 400
        assert physician.email not in response.text


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
    # Nor to another kind: the kind is signed with the key.
    kind_swapped = unsubscribe_token(physician.pk, "mentoring").partition(":")[0] + ":" + rest
    url = reverse("notifications:unsubscribe", kwargs={"token": kind_swapped})
    assert Client().post(url).status_code == 400
    assert NotificationPreferences.objects.get(user=other_physician).digest_frequency == "weekly"
    assert NotificationPreferences.objects.get(user=physician).mentoring_emails


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
