"""A 30-digit id typed into a multiple-choice field is a wrong choice with a message,
never SQLite's OverflowError and a 500 (cmo_portal/lookups.py), on every database."""

import pytest
from django.urls import reverse

from mentors.models.mentorships import Mentorship
from mentors.models.profiles import MentorProfile
from pathways.models.curriculum import Competency
from pathways.models.plan import CareerPlan, PlanGoal
from tests.factories import CompetencyFactory, PathwayFactory, ProfileFactory

pytestmark = pytest.mark.django_db

HUGE = "1" + "0" * 29  # no integer column holds it
NEGATIVE_HUGE = "-" + HUGE


@pytest.mark.parametrize("value", [HUGE, NEGATIVE_HUGE])
def test_an_id_too_large_for_any_column_matches_nothing(value):
    CompetencyFactory()
    assert list(Competency.objects.filter(pk__in=[int(value)])) == []
    assert list(Competency.objects.filter(pk__in=[int(value), None])) == []


def test_ids_in_range_beside_a_huge_one_still_match():
    competency = CompetencyFactory()
    assert list(Competency.objects.filter(pk__in=[int(HUGE), competency.pk])) == [competency]


def test_the_mentor_application_refuses_a_huge_setting_id_with_a_message(client):
    applicant = ProfileFactory().user
    client.force_login(applicant)
    competency = CompetencyFactory()
    response = client.post(
        reverse("mentors:profile-edit"),
        {
            "headline": "Medical director",
            "current_role": "Medical director",
            "bio": "I like helping.",
            "settings_known": [HUGE],
            "pathways_known": [HUGE],
            "capacity": "2",
            "time_zone": "Europe/London",
            "offers_video": "on",
            "languages": ["en"],
            f"teach_{competency.pk}": "2",
        },
    )
    assert response.status_code in (200, 400)
    assert "Select a valid choice" in response.content.decode()
    assert 'value="Medical director"' in response.content.decode()  # what was typed stays
    assert not MentorProfile.objects.filter(user=applicant).exists()


def test_a_mentorship_request_refuses_a_huge_goal_id(client, physician, mentor):
    plan = CareerPlan.objects.create(owner=physician, pathway=PathwayFactory())
    PlanGoal.objects.create(plan=plan, title="Lead a service line", order=1)
    client.force_login(physician)
    response = client.post(
        reverse("mentors:request", args=[mentor.mentor_profile.pk]),
        {"message": "Could you help me with my plan?", "goals": [HUGE]},
    )
    assert response.status_code in (200, 400)
    assert "Select a valid choice" in response.content.decode()
    assert not Mentorship.objects.exists()


def test_a_huge_id_in_a_filter_or_an_address_is_not_an_error(client, physician):
    client.force_login(physician)
    assert client.get(reverse("mentors:directory"), {"setting": HUGE}).status_code == 200
    assert client.get(f"/mentors/{HUGE}/").status_code == 404
    assert client.get(f"/people/{HUGE}/").status_code == 404


def test_an_admin_form_refuses_a_huge_id_in_a_multiple_choice_field(client):
    from tests.factories import LearningModuleFactory, UserFactory

    module = LearningModuleFactory(title="Board basics")
    client.force_login(UserFactory(is_staff=True, is_superuser=True, second_factor=True))
    url = reverse("admin:pathways_learningmodule_change", args=[module.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if not isinstance(value, list)
    }
    data.update(title="Board basics, revised", competencies=[HUGE])
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    module.refresh_from_db()
    assert module.title == "Board basics"
