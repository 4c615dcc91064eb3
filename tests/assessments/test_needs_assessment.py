"""The multi-step needs assessment: saves each step, resumes, goes back without losing
answers, refuses tampered steps, and keeps old assessments when retaken."""

import pytest
from django.urls import reverse

from assessments.models import NeedsAssessment
from tests.factories import complete_assessment

pytestmark = pytest.mark.django_db

BACKGROUND = {
    "career_stage": "practising",
    "specialty": "Oncology",
    "years_since_residency": "6",
    "board_certification": "certified",
    "leadership_roles": "Chair, tumour board",
    "committees": "Pharmacy and therapeutics",
    "degrees_held": ["mmm"],
    "degrees_planned": ["mba", "informatics"],
    "certifications": "CPHQ",
}


def step_url(assessment, step: int) -> str:
    return reverse("assessments:step", args=[assessment.pk, step])


@pytest.fixture
def started(client, physician, curriculum):
    client.force_login(physician)
    client.get(reverse("assessments:start"))
    return NeedsAssessment.objects.get(user=physician)


def test_start_creates_one_assessment_filled_from_the_profile(client, physician, curriculum):
    client.force_login(physician)
    response = client.get(reverse("assessments:start"))
    assessment = NeedsAssessment.objects.get(user=physician)

    assert response.url == step_url(assessment, 1)
    assert assessment.specialty == physician.profile.specialty
    client.get(reverse("assessments:start"))
    assert NeedsAssessment.objects.filter(user=physician).count() == 1


def test_each_step_saves_and_the_physician_resumes_where_they_stopped(client, started):
    response = client.post(step_url(started, 1), {**BACKGROUND, "action": "save"})
    assert response.status_code == 302

    started.refresh_from_db()
    assert started.specialty == "Oncology"
    assert started.degrees_planned == ["mba", "informatics"]
    assert started.step_reached == 2
    assert client.get(reverse("assessments:start")).url == step_url(started, 2)


def test_going_back_keeps_the_answers(client, started, curriculum):
    client.post(step_url(started, 1), BACKGROUND)
    goals = {
        "pathway_1": "pharma-cmo",
        "pathway_2": "hospital-cmo",
        "time_horizon": "3",
        "hours_per_week": "6",
        "willing_to_relocate": "no",
        "settings_of_interest": ["pharma"],
        "action": "back",
    }
    response = client.post(step_url(started, 2), goals)
    assert response.url == step_url(started, 1)

    page = client.get(step_url(started, 1)).content.decode()
    assert "Chair, tumour board" in page
    page = client.get(step_url(started, 2)).content.decode()
    assert 'value="pharma-cmo" selected' in page
    assert 'value="hospital-cmo" selected' in page
    started.refresh_from_db()
    assert [p.slug for p in started.ranked_pathways()] == ["pharma-cmo", "hospital-cmo"]


def test_a_step_not_yet_reached_sends_the_physician_back_to_where_they_are(client, started):
    response = client.get(step_url(started, 3))
    assert response.status_code == 302
    assert response.url == step_url(started, 1)


@pytest.mark.parametrize("step", [0, 5, 99])
def test_a_tampered_step_number_is_a_404_and_changes_nothing(client, started, step):
    before = NeedsAssessment.objects.values().get(pk=started.pk)
    response = client.post(step_url(started, step), BACKGROUND)
    assert response.status_code == 404
    assert NeedsAssessment.objects.values().get(pk=started.pk) == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("career_stage", "emperor", "Select a valid choice"),
        ("years_since_residency", "-3", "greater than or equal to 0"),
        ("degrees_planned", ["phd-in-wizardry"], "Select a valid choice"),
        ("board_certification", "", "This field is required"),
    ],
)
def test_bad_background_input_keeps_what_was_typed_and_saves_nothing(
    client, started, field, value, message
):
    client.post(step_url(started, 1), BACKGROUND)
    started.refresh_from_db()
    before = NeedsAssessment.objects.values().get(pk=started.pk)

    response = client.post(step_url(started, 1), {**BACKGROUND, "specialty": "Typed", field: value})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'value="Typed"' in response.content.decode()
    assert NeedsAssessment.objects.values().get(pk=started.pk) == before


def test_the_same_pathway_twice_is_refused(client, started):
    client.post(step_url(started, 1), BACKGROUND)
    response = client.post(
        step_url(started, 2),
        {
            "pathway_1": "pharma-cmo",
            "pathway_2": "pharma-cmo",
            "time_horizon": "3",
            "hours_per_week": "6",
            "willing_to_relocate": "no",
        },
    )
    assert response.status_code == 400
    assert "Choose each pathway only once" in response.content.decode()
    assert not started.targets.exists()


def test_an_unknown_pathway_is_refused(client, started):
    client.post(step_url(started, 1), BACKGROUND)
    response = client.post(
        step_url(started, 2),
        {
            "pathway_1": "astronaut",
            "time_horizon": "3",
            "hours_per_week": "6",
            "willing_to_relocate": "no",
        },
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()


def test_finishing_leads_to_the_rubric_and_locks_the_answers(client, started, curriculum):
    client.post(step_url(started, 1), BACKGROUND)
    client.post(
        step_url(started, 2),
        {
            "pathway_1": "hospital-cmo",
            "time_horizon": "1",
            "hours_per_week": "4",
            "willing_to_relocate": "yes",
        },
    )
    client.post(
        step_url(started, 3), {"mentoring_goals": "Board work", "mentoring_frequency": "monthly"}
    )
    response = client.post(step_url(started, 4), {"action": "finish"})

    assert response.url == reverse("assessments:rubric")
    started.refresh_from_db()
    assert started.is_complete
    response = client.post(step_url(started, 1), {**BACKGROUND, "specialty": "Changed"})
    assert response.status_code == 302
    started.refresh_from_db()
    assert started.specialty == "Oncology"


def test_retaking_keeps_the_old_assessment_and_starts_from_its_answers(
    client, physician, curriculum
):
    first = complete_assessment(physician, curriculum["pharma"])
    client.force_login(physician)

    response = client.post(reverse("assessments:retake"))

    second = NeedsAssessment.objects.exclude(pk=first.pk).get(user=physician)
    assert response.url == step_url(second, 1)
    assert second.completed_at is None
    assert second.hours_per_week == first.hours_per_week
    assert [p.slug for p in second.ranked_pathways()] == ["pharma-cmo"]
    first.refresh_from_db()
    assert first.is_complete


def test_another_physician_cannot_open_or_fill_in_an_assessment(client, started, other_physician):
    client.force_login(other_physician)
    assert client.get(step_url(started, 1)).status_code == 404
    assert client.post(step_url(started, 1), BACKGROUND).status_code == 404
    assert client.get(reverse("assessments:detail", args=[started.pk])).status_code == 404
    started.refresh_from_db()
    assert started.specialty != "Oncology"
