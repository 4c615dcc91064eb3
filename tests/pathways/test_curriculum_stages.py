"""Stages on the curriculum's public lists: modules, opportunities and pathways filter by
career stage, a stage that is not one is reported and ignored, and each page says whom
the item suits."""

import pytest
from django.urls import reverse

from tests.factories import (
    CompetencyFactory,
    LearningModuleFactory,
    OpportunityFactory,
    PathwayCompetencyFactory,
    PathwayFactory,
    make_scale,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


def titles(client, url: str) -> set[str]:
    return {item.title for item in client.get(url).context["page"]}


@pytest.fixture
def staged_modules():
    LearningModuleFactory(
        title="Student project", earliest_stage="medical_student", latest_stage="resident"
    )
    LearningModuleFactory(title="Whole career")  # medical student to physician leader
    LearningModuleFactory(
        title="Entry plan", earliest_stage="practising", latest_stage="physician_leader"
    )


def test_modules_filter_by_career_stage(client, staged_modules):
    assert titles(client, "/modules/?stage=medical_student") == {"Student project", "Whole career"}
    assert titles(client, "/modules/?stage=fellow") == {"Whole career"}
    assert titles(client, "/modules/?stage=physician_leader") == {"Whole career", "Entry plan"}
    assert titles(client, "/modules/") == {"Student project", "Whole career", "Entry plan"}


def test_the_stage_filter_combines_with_the_others(client, staged_modules):
    LearningModuleFactory(
        title="Student network", kind="networking", latest_stage="medical_student"
    )
    LearningModuleFactory(title="Search firms", kind="networking", earliest_stage="practising")
    assert titles(client, "/modules/?stage=medical_student&kind=networking") == {"Student network"}


def test_opportunities_filter_by_career_stage(client):
    OpportunityFactory(
        title="Student internship",
        kind="internship",
        earliest_stage="medical_student",
        latest_stage="medical_student",
    )
    OpportunityFactory(
        title="Resident fellowship", earliest_stage="resident", latest_stage="fellow"
    )
    OpportunityFactory(title="CMO job", kind="job", earliest_stage="practising")

    assert titles(client, "/opportunities/?stage=medical_student") == {"Student internship"}
    assert titles(client, "/opportunities/?stage=fellow") == {"Resident fellowship"}
    assert titles(client, "/opportunities/?stage=practising&kind=job") == {"CMO job"}


@pytest.mark.parametrize("path", ["/pathways/", "/modules/", "/opportunities/"])
def test_a_stage_that_is_not_one_is_reported_and_everything_shown(client, path):
    PathwayFactory(earliest_stage="practising")
    LearningModuleFactory(earliest_stage="practising")
    OpportunityFactory(earliest_stage="practising")

    response = client.get(f"{path}?stage=emperor")

    assert response.status_code == 200
    assert "stage" in response.context["form"].errors
    assert response.context["page"].paginator.count == 1
    assert "were not recognised" in response.content.decode()


def test_the_module_page_says_whom_it_suits_and_what_it_leads_to(client):
    module = LearningModuleFactory(
        kind="education", leads_to="mha", earliest_stage="resident", latest_stage="practising"
    )

    page = client.get(reverse("pathways:module-detail", args=[module.slug])).content.decode()

    assert "<dt>Suits</dt><dd>Resident to practising physician</dd>" in page
    assert "<dt>Leads to</dt><dd>MHA (health administration)</dd>" in page


def test_a_module_that_leads_to_nothing_says_nothing_of_it(client):
    module = LearningModuleFactory(earliest_stage="fellow", latest_stage="fellow")

    page = client.get(reverse("pathways:module-detail", args=[module.slug])).content.decode()

    assert "<dt>Suits</dt><dd>Fellow</dd>" in page
    assert "Leads to" not in page


def test_the_opportunity_page_and_card_say_whom_it_suits(client):
    opportunity = OpportunityFactory(earliest_stage="medical_student", latest_stage="resident")

    detail = client.get(reverse("pathways:opportunity-detail", args=[opportunity.slug]))
    board = client.get("/opportunities/")

    for response in (detail, board):
        assert "<dt>Suits</dt><dd>Medical student to resident</dd>" in response.content.decode()


def test_a_pathway_page_suggests_only_modules_for_the_stages_it_is_for(client):
    make_scale()
    track = PathwayFactory(earliest_stage="medical_student", latest_stage="resident")
    competency = CompetencyFactory()
    PathwayCompetencyFactory(pathway=track, competency=competency)
    LearningModuleFactory(title="Student project", competencies=[competency], latest_stage="fellow")
    LearningModuleFactory(
        title="Resident course", competencies=[competency], earliest_stage="resident"
    )
    LearningModuleFactory(
        title="Entry plan", competencies=[competency], earliest_stage="practising"
    )

    response = client.get(reverse("pathways:pathway-detail", args=[track.slug]))

    assert {module.title for module in response.context["modules"]} == {
        "Student project",
        "Resident course",
    }
