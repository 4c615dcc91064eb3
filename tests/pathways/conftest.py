import datetime

import pytest

from cmo_portal import clock
from pathways.models.plan import ItemStatus, PlanAction, PlanSection
from pathways.services.plan import plan_generate
from pathways.services.plan_items import goal_create
from tests.factories import (
    LearningModuleFactory,
    OpportunityFactory,
    complete_assessment,
    submit_ratings,
)
from tests.pathways.dates import TODAY
from tests.services import needs_service


@pytest.fixture
def on_today(on_date):
    """Due dates count from the clock's today, and deadlines are open or closed relative
    to it: the plan tests set it to TODAY (tests.pathways.dates)."""
    on_date(TODAY)


@pytest.fixture
def weasyprint():
    """WeasyPrint, for the PDF tests; it needs Pango from the system."""
    try:
        import weasyprint
    except OSError as error:  # Pango missing: `make test` installs it
        needs_service(f"WeasyPrint cannot load Pango ({error})")
    return weasyprint


@pytest.fixture
def gapped(physician, curriculum):
    """A pharma-CMO hopeful with 5 hours a week, weak at trials, finance and negotiation;
    a fellowship for trials closes ten days after the clock's today."""
    c = curriculum["competencies"]
    complete_assessment(physician, curriculum["pharma"])  # 5 hours a week
    submit_ratings(
        physician,
        {
            c["Clinical trial design"]: 1,
            c["Finance"]: 2,
            c["Negotiation"]: 3,
            c["Quality and safety"]: 2,
        },
    )
    LearningModuleFactory(
        title="Trial design course", competencies=[c["Clinical trial design"]], effort_hours=10
    )
    LearningModuleFactory(
        title="Trials practicum", competencies=[c["Clinical trial design"]], effort_hours=20
    )
    LearningModuleFactory(
        title="Finance for physicians", competencies=[c["Finance"]], effort_hours=5
    )
    LearningModuleFactory(
        title="Board negotiation", competencies=[c["Negotiation"]], effort_hours=4
    )
    fellowship = OpportunityFactory(
        title="Trials fellowship", deadline=clock.today() + datetime.timedelta(days=10)
    )
    fellowship.competencies.set([c["Clinical trial design"]])
    return curriculum


@pytest.fixture
def plan(physician, gapped):
    """The plan generated for `gapped`."""
    return plan_generate(owner=physician, pathway=gapped["pharma"], actor=physician)


@pytest.fixture
def exports_plan(physician, curriculum):
    """A generated pharma plan (two goals with modules and a fellowship), one action
    done, plus the physician's own goal in Mentors with no action and no date."""
    c = curriculum["competencies"]
    complete_assessment(physician, curriculum["pharma"])
    submit_ratings(
        physician,
        {
            c["Clinical trial design"]: 1,
            c["Finance"]: 2,
            c["Negotiation"]: 3,
            c["Quality and safety"]: 2,
        },
    )
    LearningModuleFactory(
        title="Trial design course",
        competencies=[c["Clinical trial design"]],
        url="https://learn.example.org/trials",
    )
    LearningModuleFactory(title="Finance for physicians", competencies=[c["Finance"]])
    fellowship = OpportunityFactory(
        title="Trials fellowship", deadline=clock.today() + datetime.timedelta(days=10)
    )
    fellowship.competencies.set([c["Clinical trial design"]])
    plan = plan_generate(owner=physician, pathway=curriculum["pharma"], actor=physician)
    first = PlanAction.objects.filter(goal__plan=plan).order_by("pk").first()
    PlanAction.objects.filter(pk=first.pk).update(
        status=ItemStatus.DONE, evidence="Certificate, filed with the CV."
    )
    goal_create(
        plan=plan,
        actor=physician,
        data={"section": PlanSection.MENTORS, "title": "Find a mentor in pharma"},
    )
    return plan
