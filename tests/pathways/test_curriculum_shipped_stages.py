"""The shipped curriculum by career stage: every module and opportunity says whom it
suits, and every section of a plan has something for a medical student and for a
practising physician, which the plan generator depends on."""

import pytest

from pathways.models.curriculum import STAGE_ORDER, Credential, Pathway
from pathways.models.opportunities import LearningModule, ModuleKind, Opportunity
from pathways.models.plan import PlanSection
from pathways.services.curriculum import curriculum_load, curriculum_read

pytestmark = pytest.mark.django_db

# The plan section each kind of module lands in.
SECTION_KINDS = {
    PlanSection.LEARNING_OBJECTIVES: {ModuleKind.COURSE, ModuleKind.CME},
    PlanSection.EDUCATION: {ModuleKind.EDUCATION},
    PlanSection.MENTORS: {ModuleKind.MENTORING},
    PlanSection.NETWORKS: {ModuleKind.NETWORKING},
    PlanSection.EXPERIENTIAL: {ModuleKind.EXPERIENTIAL},
    PlanSection.EXCHANGE: {ModuleKind.EXCHANGE},
    PlanSection.JOB_SEARCH: {ModuleKind.JOB_SEARCH},
    PlanSection.FIRST_90_DAYS: {ModuleKind.FIRST_90_DAYS},
}
# Not offered before practice: a job search and a first 90 days need a physician who can
# be hired.
FROM_PRACTICE_ON = {PlanSection.JOB_SEARCH, PlanSection.FIRST_90_DAYS}


@pytest.fixture
def shipped(db):
    curriculum_load()


def test_every_module_kind_lands_in_one_section():
    kinds = [kind for kinds in SECTION_KINDS.values() for kind in kinds]
    assert sorted(kinds) == sorted(ModuleKind.values)
    assert set(SECTION_KINDS) == set(PlanSection.values)


@pytest.mark.parametrize("table", ["module", "opportunity"])
def test_every_shipped_row_states_its_stage_range(table):
    rows = curriculum_read()[table]
    unstated = [row["slug"] for row in rows if {"earliest_stage", "latest_stage"} - set(row)]
    assert not unstated


@pytest.mark.parametrize("model", [LearningModule, Opportunity, Pathway])
def test_every_shipped_item_suits_at_least_one_stage(shipped, model):
    for item in model.objects.all():
        suited = [stage for stage in STAGE_ORDER if item.suits_stage(stage)]
        assert suited, item.slug
        assert item.earliest_stage_rank == STAGE_ORDER.index(item.earliest_stage), item.slug
        assert item.latest_stage_rank == STAGE_ORDER.index(item.latest_stage), item.slug


@pytest.mark.parametrize("section", list(PlanSection))
def test_every_section_has_modules_for_a_practising_physician(shipped, section):
    modules = LearningModule.objects.for_stage("practising").filter(kind__in=SECTION_KINDS[section])
    assert modules.exists(), section


@pytest.mark.parametrize("section", sorted(set(PlanSection) - FROM_PRACTICE_ON))
def test_every_section_but_the_job_hunt_has_modules_for_a_medical_student(shipped, section):
    modules = LearningModule.objects.for_stage("medical_student").filter(
        kind__in=SECTION_KINDS[section]
    )
    assert modules.exists(), section


def test_no_job_search_or_entry_plan_is_offered_to_a_medical_student(shipped):
    kinds = SECTION_KINDS[PlanSection.JOB_SEARCH] | SECTION_KINDS[PlanSection.FIRST_90_DAYS]
    assert not LearningModule.objects.for_stage("medical_student").filter(kind__in=kinds)
    assert not Opportunity.objects.for_stage("medical_student").filter(
        kind__in=["job", "executive_search"]
    )


def test_a_90_day_entry_plan_waits_for_someone_who_can_start_a_role(shipped):
    entry = LearningModule.objects.get(slug="ninety-day-entry-plan")
    assert entry.earliest_stage == "practising"
    assert not entry.suits_stage("fellow")


def test_education_modules_lead_to_the_credentials_a_plan_may_ask_for(shipped):
    education = LearningModule.objects.filter(kind=ModuleKind.EDUCATION)
    leads_to = set(education.values_list("leads_to", flat=True))
    assert {"mba", "mha", "mph", "mmm", "cphq", "board", "informatics"} <= leads_to
    assert leads_to <= set(Credential.values)
    assert not LearningModule.objects.exclude(kind=ModuleKind.EDUCATION).exclude(leads_to="")
    assert all(10 <= module.effort_hours <= 2000 for module in education)
    assert education.get(leads_to="mba").effort_hours >= 500  # a degree, not a weekend


def test_there_are_several_international_exchanges_across_the_stages(shipped):
    exchanges = LearningModule.objects.filter(kind=ModuleKind.EXCHANGE)
    assert exchanges.count() >= 3
    for stage in ("medical_student", "resident", "practising", "physician_leader"):
        assert exchanges.for_stage(stage).exists(), stage


def test_students_and_residents_have_communities_events_and_placements(shipped):
    for stage in ("medical_student", "resident"):
        open_to = Opportunity.objects.for_stage(stage)
        for kind in ("community", "cme_event"):
            assert open_to.filter(kind=kind).count() >= 2, (stage, kind)
    residents = Opportunity.objects.for_stage("resident")
    assert residents.filter(kind="internship").exists()
    assert residents.filter(kind="fellowship").exists()
    assert Opportunity.objects.for_stage("practising").filter(kind="job").count() >= 4


def test_jobs_are_for_practising_physicians_and_leaders(shipped):
    for job in Opportunity.objects.filter(kind__in=["job", "executive_search"]):
        assert job.earliest_stage_rank >= STAGE_ORDER.index("practising"), job.slug


def test_filtering_pathways_by_medical_student_returns_the_early_tracks(client, shipped):
    page = client.get("/pathways/?stage=medical_student").context["page"]

    slugs = {pathway.slug for pathway in page}
    assert {"early-physician-leadership-track", "technology-physician-executive-track"} <= slugs
    assert all(pathway.earliest_stage == "medical_student" for pathway in page)


def test_the_early_tracks_are_complete_pathways(shipped):
    for slug in ("early-physician-leadership-track", "technology-physician-executive-track"):
        track = Pathway.objects.get(slug=slug)
        assert track.steps.count() >= 3, slug
        assert track.education.exists(), slug
        assert track.opportunities.for_stage("medical_student").exists(), slug
        assert not track.suits_stage("practising"), slug  # it hands over to the others
