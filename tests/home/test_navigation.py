"""The main navigation follows the roles a person has, and marks the right item as
current, for a fixed number of queries."""

import re

import pytest
from django.test import Client
from django.urls import resolve

from cmo_portal.home.navigation import navigation
from tests.factories import (
    CareerPlanFactory,
    MentorProfileFactory,
    MentorshipFactory,
    ProfileFactory,
)
from tests.pages import client_for

pytestmark = pytest.mark.django_db


def main_nav(client: Client, path: str) -> dict[str, str]:
    """{label: aria-current or ""} of the header's nav on the page at `path`."""
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    nav = html[html.index('id="site-nav"') : html.index("</nav>")]
    return {
        label: current or ""
        for current, label in re.findall(
            r'<a href="[^"]*"(?: aria-current="(\w+)")?>([^<]+)</a>', nav
        )
    }


@pytest.fixture
def mentor_only():
    user = ProfileFactory(full_name="Dr Only Mentor", intent="mentor").user
    MentorProfileFactory(user=user)
    return user


def test_a_visitor_sees_the_curriculum_and_no_personal_links():
    nav = main_nav(Client(), "/")
    assert list(nav) == [
        "Home",
        "Pathways",
        "Competencies",
        "Modules",
        "Opportunities",
        "Sign in",
    ]


def test_a_physician_sees_results_plan_and_mentors_but_not_mentoring_or_admin(physician):
    nav = main_nav(client_for(physician), "/")
    assert {"Results", "My plan", "Mentors", "Profile"} <= set(nav)
    assert "Mentoring" not in nav and "Admin" not in nav


def test_a_mentor_only_account_sees_mentoring_and_no_physician_links(mentor_only):
    nav = main_nav(client_for(mentor_only), "/")
    assert "Mentoring" in nav
    assert not {"Results", "My plan", "Mentors"} & set(nav)


def test_a_mentor_who_also_grows_sees_both(mentor):
    nav = main_nav(client_for(mentor), "/")
    assert {"Results", "My plan", "Mentors", "Mentoring"} <= set(nav)


def test_someone_who_chose_mentoring_but_has_not_applied_is_led_to_the_application():
    user = ProfileFactory(intent="mentor").user
    html = client_for(user).get("/").content.decode()
    assert '<a href="/mentor-profile/">Mentoring</a>' in html


def test_only_staff_see_the_admin_link(staff, physician):
    assert "Admin" in main_nav(client_for(staff), "/")
    assert "Admin" not in main_nav(client_for(physician), "/")


def test_a_mentor_reading_a_mentees_plan_is_in_mentoring_not_my_plan(mentor, physician):
    MentorshipFactory(mentee=physician, mentor=mentor.mentor_profile, status="active")
    plan = CareerPlanFactory(owner=physician)
    nav = main_nav(client_for(mentor), f"/plans/{plan.pk}/")
    assert nav["Mentoring"] == "true"
    assert nav["My plan"] == ""


def test_the_owner_reading_their_plan_is_in_my_plan(physician):
    plan = CareerPlanFactory(owner=physician)
    nav = main_nav(client_for(physician), f"/plans/{plan.pk}/")
    assert nav["My plan"] == "true"
    assert main_nav(client_for(physician), "/plans/")["My plan"] == "page"


def test_the_mentoring_dashboard_is_the_current_page_of_mentoring(mentor):
    assert main_nav(client_for(mentor), "/mentoring/dashboard/")["Mentoring"] == "page"


def test_the_mentor_directory_belongs_to_mentors(physician):
    assert main_nav(client_for(physician), "/mentors/")["Mentors"] == "page"


def test_the_roles_cost_one_query_however_many_templates_render(
    mentor, rf, django_assert_max_num_queries
):
    request = rf.get("/")
    request.user = mentor
    request.resolver_match = resolve("/")
    # At most one: none when the profiles are cached on the user already (the dashboard).
    with django_assert_max_num_queries(1):
        first = navigation(request)["nav"].items
        again = navigation(request)["nav"].items
    assert first is again


@pytest.mark.parametrize("page", ["meeting", "thread"])
def test_a_mentorships_pages_are_in_mentoring_for_its_mentor_and_mentors_for_its_mentee(
    physician, active_mentor, page
):
    from django.urls import reverse

    from tests.factories import MeetingFactory

    mentorship = physician.mentorships.get()
    path = (
        MeetingFactory(mentorship=mentorship).get_absolute_url()
        if page == "meeting"
        else reverse("mentors:messages", args=[mentorship.pk])
    )
    mentor_nav = main_nav(client_for(active_mentor), path)
    assert [label for label, current in mentor_nav.items() if current] == ["Mentoring"]
    mentee_nav = main_nav(client_for(physician), path)
    assert [label for label, current in mentee_nav.items() if current] == ["Mentors"]
