"""A signed-in person's pages come from the cache until what they show changes: their own
writes, someone else's write about them, a background task's, the curriculum, the date
and their time zone all show at once; the cache never serves one person's page, or one
session's form tokens, to another."""

import datetime
import gzip

import pytest
from django.urls import reverse

from cmo_portal import clock, page_cache, time_zones
from mentors.models.feedback import PlanComment
from pathways.models.plan import PlanAction
from pathways.services.curriculum import curriculum_cache_drop
from tests.factories import MentorshipFactory, ProfileFactory, make_mentor
from tests.pages import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]

HOME = "/"


def warm(client, url: str = HOME):
    """The first page sets the CSRF cookie (not stored), the second is stored."""
    client.get(url)
    return client.get(url)


def served_from_cache(client, url: str, django_assert_max_num_queries) -> str:
    with django_assert_max_num_queries(3):  # the session, the user, the roles at most
        response = client.get(url)
    assert response.status_code == 200
    return response.text


@pytest.fixture
def action(goal):
    return PlanAction.objects.create(
        goal=goal, title="Shadow the CMO at the board meeting", due_date=clock.today()
    )


def test_a_second_visit_to_the_dashboard_is_served_from_the_cache(
    physician, action, django_assert_max_num_queries
):
    client = client_for(physician)
    stored = warm(client)
    assert "Shadow the CMO" in stored.text
    again = served_from_cache(client, HOME, django_assert_max_num_queries)
    assert again == stored.text


def test_the_stored_page_goes_out_compressed_to_browsers_that_accept_it(physician, action):
    client = client_for(physician)
    plain = warm(client)
    compressed = client.get(HOME, headers={"accept-encoding": "gzip, br"})
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content) == plain.content
    assert "Content-Encoding" not in plain


def test_the_persons_own_post_shows_on_their_next_page(physician, action):
    client = client_for(physician)
    assert "Shadow the CMO" in warm(client).text
    done = client.post(
        reverse("pathways:action-done", args=[action.pk]), {"version": action.version}
    )
    assert done.status_code == 302
    action.refresh_from_db()
    assert action.status == "done"
    client.get(HOME)  # the page with the message after the redirect
    assert "Shadow the CMO" not in client.get(HOME).text  # no longer a next action


def test_a_mentors_comment_shows_on_the_physicians_dashboard_at_once(
    physician, plan, active_mentor, django_assert_max_num_queries
):
    client = client_for(physician)
    warm(client)
    served_from_cache(client, HOME, django_assert_max_num_queries)
    PlanComment.objects.create(plan=plan, author=active_mentor, body="Ask for the budget.")
    assert "Ask for the budget." in client.get(HOME).text


def test_a_write_in_bulk_shows_once_its_service_names_the_person(physician, action):
    client = client_for(physician)
    assert "Shadow the CMO" in warm(client).text
    PlanAction.objects.filter(pk=action.pk).update(title="Renamed in bulk")
    assert "Renamed in bulk" not in client.get(HOME).text  # no signal: still the stored page
    page_cache.pages_changed_for([physician.pk])
    assert "Renamed in bulk" in client.get(HOME).text


def test_someone_elses_change_leaves_this_persons_page_stored(
    physician, action, other_physician, django_assert_max_num_queries
):
    client = client_for(physician)
    warm(client)
    other_physician.profile.full_name = "Dr Bo Renamed"
    other_physician.profile.save()
    served_from_cache(client, HOME, django_assert_max_num_queries)


def test_a_curriculum_change_shows_on_every_page(physician, action, django_assert_max_num_queries):
    client = client_for(physician)
    warm(client)
    curriculum_cache_drop()
    with django_assert_max_num_queries(30) as captured:
        client.get(HOME)
    assert len(captured) > 3  # rendered again


def test_a_new_day_renders_the_page_again(physician, goal, on_date):
    today = on_date(datetime.date(2026, 11, 23)).date()
    PlanAction.objects.create(
        goal=goal, title="Due tomorrow", due_date=today + datetime.timedelta(days=1)
    )
    client = client_for(physician)
    today_page = warm(client).text
    on_date(today + datetime.timedelta(days=1))
    assert client.get(HOME).text != today_page


def test_another_time_zone_is_another_page(physician, action, django_assert_max_num_queries):
    client = client_for(physician)
    warm(client)
    served_from_cache(client, HOME, django_assert_max_num_queries)
    session = client.session
    session[time_zones.SESSION_KEY] = "Asia/Tokyo"
    session.save()
    with django_assert_max_num_queries(30) as captured:
        assert client.get(HOME).status_code == 200
    assert len(captured) > 3  # rendered in Tokyo's time


def test_a_waiting_message_is_shown_not_stored(physician, action):
    client = client_for(physician)
    warm(client)
    client.post(reverse("pathways:action-done", args=[action.pk]), {"version": action.version})
    with_message = client.get(HOME).text
    assert "Marked “Shadow the CMO at the board meeting” done." in with_message
    assert "Marked “Shadow" not in client.get(HOME).text  # shown once, not stored


def test_another_person_never_gets_the_stored_page(physician, action, other_physician):
    warm(client_for(physician))
    theirs = client_for(other_physician).get(HOME).text
    assert "Shadow the CMO" not in theirs


def test_a_second_session_of_the_same_person_gets_its_own_form_tokens(physician, action):
    first = client_for(physician)
    warm(first)
    second = client_for(physician)
    second.get(HOME)
    page = second.get(HOME)
    token = second.cookies["csrftoken"].value
    assert first.cookies["csrftoken"].value != token
    # The stored page's forms work in the session that got it.
    second_csrf = client_for(physician)
    second_csrf.cookies = second.cookies
    second_csrf.handler.enforce_csrf_checks = True
    marker = 'name="csrfmiddlewaretoken" value="'
    form_token = page.text.split(marker, 1)[1].split('"', 1)[0]
    response = second_csrf.post(
        reverse("pathways:action-done", args=[action.pk]),
        {"version": action.version, "csrfmiddlewaretoken": form_token},
    )
    assert response.status_code == 302


def test_the_cache_off_renders_every_time(
    physician, action, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE = False
    client = client_for(physician)
    warm(client)
    with django_assert_max_num_queries(30) as captured:
        client.get(HOME)
    assert len(captured) > 3


def test_a_visitor_gets_the_front_page_as_ever(client):
    assert client.get(HOME).status_code == 200
    assert client.get(HOME).status_code == 200


def test_an_account_not_yet_profiled_is_served_too(db):
    user = ProfileFactory().user
    client = client_for(user)
    assert warm(client).status_code == 200


def test_the_owners_plan_page_is_served_from_the_cache(
    physician, plan, action, django_assert_max_num_queries
):
    url = reverse("pathways:plan-detail", args=[plan.pk])
    client = client_for(physician)
    assert "Shadow the CMO" in warm(client, url).text
    with django_assert_max_num_queries(4):  # and whose plan it is
        assert "Shadow the CMO" in client.get(url).text


def test_a_mentor_reading_the_plan_gets_it_checked_every_time(
    physician, plan, action, active_mentor, django_assert_max_num_queries
):
    url = reverse("pathways:plan-detail", args=[plan.pk])
    client = client_for(active_mentor)
    warm(client, url)
    with django_assert_max_num_queries(40) as captured:
        assert client.get(url).status_code == 200
    assert len(captured) > 4
    physician.mentorships.update(status="ended")  # no signal: the page must not care
    assert client.get(url).status_code == 404


def test_the_mentors_dashboard_shows_a_mentees_change_at_once(physician, active_mentor, plan):
    client = client_for(active_mentor)
    url = reverse("mentors:dashboard")
    assert "Dr Ada Owner" in warm(client, url).text
    physician.profile.full_name = "Dr Ada Renamed"
    physician.profile.save()
    assert "Dr Ada Renamed" in client.get(url).text


def test_a_new_mentor_shows_in_every_physicians_suggestions(physician, curriculum):
    client = client_for(physician)
    url = reverse("mentors:suggestions")
    before = warm(client, url).text
    make_mentor("Dr Newly Approved")
    after = client.get(url).text
    assert "Dr Newly Approved" in after and "Dr Newly Approved" not in before


def test_owners_are_found_from_loaded_rows_without_a_query(action, django_assert_num_queries):
    loaded = PlanAction.objects.select_related("goal__plan").get(pk=action.pk)
    with django_assert_num_queries(0):
        assert page_cache._owners(loaded, "goal__plan__owner_id") == action.goal.plan.owner_id
    bare = PlanAction.objects.get(pk=action.pk)
    with django_assert_num_queries(1):
        assert page_cache._owners(bare, "goal__plan__owner_id") == action.goal.plan.owner_id


def test_a_refused_comments_draft_comes_back_once_not_from_the_cache(physician, plan):
    url = reverse("pathways:plan-detail", args=[plan.pk])
    client = client_for(physician)
    warm(client, url)
    too_long = "Draft to keep. " + "x" * 5000
    client.post(reverse("mentors:comment-add", args=[plan.pk]), {"body": too_long})
    assert "Draft to keep." in client.get(url).text  # with the message, from the session
    assert "Draft to keep." not in client.get(url).text  # taken: not kept in a stored page


def test_a_change_from_another_process_reaches_visitors_within_a_second(curriculum, monkeypatch):
    from django.core.cache import cache
    from django.test import Client

    url = reverse("pathways:pathway-list")
    visitor = Client()
    assert "Pharma CMO" in visitor.get(url).text
    curriculum["pharma"].title = "Renamed elsewhere"
    curriculum["pharma"].save()
    # Another worker's save: the shared version changes, this process's copy does not.
    cache.set("curriculum:version", "set-by-another-worker", timeout=None)
    assert "Renamed elsewhere" not in visitor.get(url).text
    later = page_cache.time.monotonic() + page_cache.VISITOR_VERSIONS_SECONDS + 0.1
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: later)
    assert "Renamed elsewhere" in visitor.get(url).text


def test_a_new_request_shows_on_the_mentors_stored_dashboard(
    physician, active_mentor, other_physician, django_assert_max_num_queries
):
    client = client_for(active_mentor)
    url = reverse("mentors:dashboard")
    assert "Dr Bo Stranger" not in warm(client, url).text
    with django_assert_max_num_queries(2):  # whom the mentor has is kept with their version
        assert client.get(url).status_code == 200
    MentorshipFactory(mentee=other_physician, mentor=active_mentor.mentor_profile)
    assert "Dr Bo Stranger" in client.get(url).text
