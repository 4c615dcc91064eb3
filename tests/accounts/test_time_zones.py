"""Every clock is the reader's: a request runs in the person's time zone, kept in the
session from sign-in, and the times that matter name it."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from cmo_portal import time_zones
from cmo_portal.accounts.middleware import time_zone_activated
from cmo_portal.accounts.templatetags.time_zones import with_zone
from cmo_portal.notifications.models import NotificationPreferences
from cmo_portal.notifications.services import preferences_for
from mentors.models.feedback import PlanComment
from pathways.models.plan import PlanChange
from tests.factories import (
    PASSWORD,
    CareerPlanFactory,
    MentorProfileFactory,
    MentorshipFactory,
    PlanActionFactory,
    PlanGoalFactory,
    ProfileFactory,
    UserFactory,
)
from tests.pages import client_for

pytestmark = pytest.mark.django_db

# 03:30 UTC on Monday 30 November 2026: still Sunday 29 November, 21:30, in Chicago
# (UTC-6), and already 12:30 on the 30th in Tokyo (UTC+9).
COMMENTED_AT = datetime.datetime(2026, 11, 30, 3, 30, tzinfo=datetime.UTC)
# 11:30 UTC on 30 November 2026: 00:30 on 1 December in Auckland (UTC+13, summer time),
# 03:30 on 30 November in Los Angeles (UTC-8).
SAME_INSTANT = datetime.datetime(2026, 11, 30, 11, 30, tzinfo=datetime.UTC)


def zone_seen_by(request) -> str:
    """What a view sees as the active zone, through the middleware."""
    response = time_zone_activated(lambda r: HttpResponse(timezone.get_current_timezone_name()))(
        request
    )
    return response.content.decode()


def test_a_time_names_the_readers_zone():
    with timezone.override(zoneinfo.ZoneInfo("America/Chicago")):
        shown = with_zone(COMMENTED_AT)
    assert shown == (
        '<time datetime="2026-11-29T21:30-06:00">29 November 2026, 21:30 (Chicago)</time>'
    )
    with timezone.override(zoneinfo.ZoneInfo("UTC")):
        assert "30 November 2026, 03:30 (UTC)" in with_zone(COMMENTED_AT)
    with timezone.override(zoneinfo.ZoneInfo("America/Argentina/Buenos_Aires")):
        assert with_zone(COMMENTED_AT, "j F, H:i").endswith(
            "30 November, 00:30 (Buenos Aires)</time>"
        )


def test_the_zone_is_activated_from_the_session_with_no_query(django_assert_num_queries):
    request = RequestFactory().get("/")
    request.session = {time_zones.SESSION_KEY: "Asia/Tokyo"}
    with django_assert_num_queries(0):
        assert zone_seen_by(request) == "Asia/Tokyo"


def test_without_a_zone_of_their_own_a_reader_gets_the_browsers_guess_or_utc():
    guessed = RequestFactory().get("/", headers={"cookie": "guessed_time_zone=Europe/Berlin"})
    guessed.session = {}
    assert zone_seen_by(guessed) == "Europe/Berlin"

    nothing = RequestFactory().get("/")
    nothing.session = {}
    assert zone_seen_by(nothing) == "UTC"

    nonsense = RequestFactory().get("/", headers={"cookie": "guessed_time_zone=Mars/Olympus"})
    nonsense.session = {time_zones.SESSION_KEY: "Not/A_Zone"}
    assert zone_seen_by(nonsense) == "UTC"


def test_the_persons_own_zone_wins_over_the_browsers_guess():
    request = RequestFactory().get("/", headers={"cookie": "guessed_time_zone=Europe/Berlin"})
    request.session = {time_zones.SESSION_KEY: "Asia/Tokyo"}
    assert zone_seen_by(request) == "Asia/Tokyo"


def test_signing_in_keeps_the_profiles_zone_in_the_session():
    user = ProfileFactory(time_zone="Pacific/Auckland").user
    client = Client()
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session[time_zones.SESSION_KEY] == "Pacific/Auckland"


def test_signing_in_without_a_profile_leaves_the_guess_or_utc():
    user = UserFactory()
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert "_auth_user_id" in client.session
    assert time_zones.SESSION_KEY not in client.session


def test_the_dashboard_counts_today_and_tomorrow_in_auckland_and_los_angeles_at_one_instant():
    people = {}
    for zone in ("Pacific/Auckland", "America/Los_Angeles"):
        user = ProfileFactory(time_zone=zone).user
        goal = PlanGoalFactory(plan=CareerPlanFactory(owner=user))
        PlanActionFactory(goal=goal, title="Call the CFO", due_date=datetime.date(2026, 12, 1))
        people[zone] = user

    with time_machine.travel(SAME_INSTANT, tick=False):
        auckland = client_for(people["Pacific/Auckland"]).get(reverse("home")).text
        los_angeles = client_for(people["America/Los_Angeles"]).get(reverse("home")).text

    # It is already 1 December in Auckland, still 30 November in Los Angeles.
    assert '1 December 2026</time> <span class="due-soon">(today)</span>' in auckland
    assert '1 December 2026</time> <span class="due-soon">(tomorrow)</span>' in los_angeles


def test_an_action_due_yesterday_in_one_zone_is_overdue_there_and_due_today_in_the_other():
    people = {}
    for zone in ("Pacific/Auckland", "America/Los_Angeles"):
        user = ProfileFactory(time_zone=zone).user
        goal = PlanGoalFactory(plan=CareerPlanFactory(owner=user))
        PlanActionFactory(goal=goal, title="Call the CFO", due_date=datetime.date(2026, 11, 30))
        people[zone] = user

    with time_machine.travel(SAME_INSTANT, tick=False):
        auckland = client_for(people["Pacific/Auckland"]).get(reverse("home")).text
        los_angeles = client_for(people["America/Los_Angeles"]).get(reverse("home")).text

    assert '<span class="overdue">overdue</span>' in auckland
    assert "(today)" in los_angeles and "overdue</span>" not in los_angeles


def test_a_mentor_in_tokyo_and_a_mentee_in_chicago_see_one_comment_at_their_own_times():
    mentee = ProfileFactory(time_zone="America/Chicago").user
    mentor = ProfileFactory(time_zone="Asia/Tokyo", career_stage="physician_leader").user
    MentorshipFactory(mentee=mentee, mentor=MentorProfileFactory(user=mentor), status="active")
    plan = CareerPlanFactory(owner=mentee)
    with time_machine.travel(COMMENTED_AT, tick=False):
        PlanComment.objects.create(plan=plan, author=mentor, body="Ask about the budget.")
    url = reverse("pathways:plan-detail", args=[plan.pk])

    assert "29 November 2026, 21:30 (Chicago)" in client_for(mentee).get(url).text
    assert "30 November 2026, 12:30 (Tokyo)" in client_for(mentor).get(url).text


def test_the_plan_history_shows_each_readers_own_time():
    mentee = ProfileFactory(time_zone="America/Chicago").user
    mentor = ProfileFactory(time_zone="Asia/Tokyo", career_stage="physician_leader").user
    MentorshipFactory(mentee=mentee, mentor=MentorProfileFactory(user=mentor), status="active")
    plan = CareerPlanFactory(owner=mentee)
    with time_machine.travel(COMMENTED_AT, tick=False):
        PlanChange.objects.create(plan=plan, actor=mentee, summary="Added a goal")
    url = reverse("pathways:plan-history", args=[plan.pk])

    assert "29 November 2026, 21:30 (Chicago)" in client_for(mentee).get(url).text
    assert "30 November 2026, 12:30 (Tokyo)" in client_for(mentor).get(url).text


def test_changing_the_zone_on_the_profile_page_changes_the_session_at_once_and_reschedules(
    physician,
):
    client = client_for(physician)
    before = preferences_for(physician)
    data = {
        "full_name": physician.profile.full_name,
        "career_stage": physician.profile.career_stage,
        "specialty": physician.profile.specialty,
        "years_since_residency": physician.profile.years_since_residency or "",
        "country": "JP",
        "time_zone": "Asia/Tokyo",
    }
    assert client.post(reverse("accounts:profile-edit"), data).status_code == 302

    assert client.session[time_zones.SESSION_KEY] == "Asia/Tokyo"
    after = NotificationPreferences.objects.get(pk=before.pk)
    assert after.next_reminders_at != before.next_reminders_at
    local = after.next_reminders_at.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))
    assert (local.hour, local.minute) == (8, 0)


def test_changing_the_zone_on_the_preferences_page_changes_the_profile_and_the_session(
    physician,
):
    client = client_for(physician)
    before = preferences_for(physician)
    response = client.post(
        reverse("notifications:preferences"),
        {"digest_frequency": "weekly", "digest_weekday": "0", "time_zone": "Europe/Berlin"},
    )
    assert response.status_code == 302

    physician.profile.refresh_from_db()
    assert physician.profile.time_zone == "Europe/Berlin"
    assert client.session[time_zones.SESSION_KEY] == "Europe/Berlin"
    after = NotificationPreferences.objects.get(pk=before.pk)
    local = after.next_digest_at.astimezone(zoneinfo.ZoneInfo("Europe/Berlin"))
    assert (local.weekday(), local.hour) == (0, 8)
    # The page that follows shows the next digest in the new zone, and names it.
    assert "(Berlin)" in client.get(reverse("notifications:preferences")).text


def test_the_preferences_page_shows_the_profiles_zone_and_without_a_profile_none():
    chicago = ProfileFactory(time_zone="America/Chicago").user
    page = client_for(chicago).get(reverse("notifications:preferences")).text
    assert '<option value="America/Chicago" selected>' in page

    no_profile = UserFactory()
    page = client_for(no_profile).get(reverse("notifications:preferences")).text
    assert 'name="time_zone"' not in page
    assert "8:00 UTC until you choose your time zone" in page


def test_a_first_profile_made_after_the_preferences_moves_their_schedule_to_its_zone():
    user = UserFactory()
    prefs = preferences_for(user)  # scheduled in UTC: there is no profile yet
    assert prefs.next_reminders_at.hour == 8
    client = client_for(user)
    data = {
        "full_name": "Dr Kiri Tane",
        "career_stage": "resident",
        "specialty": "Surgery",
        "country": "NZ",
        "time_zone": "Pacific/Auckland",
    }
    assert client.post(reverse("accounts:profile-edit"), data).status_code == 302

    assert client.session[time_zones.SESSION_KEY] == "Pacific/Auckland"
    prefs.refresh_from_db()
    local = prefs.next_reminders_at.astimezone(zoneinfo.ZoneInfo("Pacific/Auckland"))
    assert (local.hour, local.minute) == (8, 0)
