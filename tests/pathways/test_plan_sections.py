"""The plan's sections, drawn from the whole needs assessment: who the physician is
(stage, degrees, board certification, horizon, hours, formats) changes what the plan
holds, and every goal says why it is there."""

import datetime

import pytest
from django.db.models import Count

from mentors.models.profiles import TeachableCompetency
from pathways.models.curriculum import PathwayEducation
from pathways.models.plan import PlanAction, PlanSection
from pathways.services import plan as services
from tests.factories import (
    LearningModuleFactory,
    MentorshipFactory,
    OpportunityFactory,
    complete_assessment,
    make_mentor,
    submit_ratings,
)
from tests.pathways.dates import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]

STUDENT = {
    "career_stage": "medical_student",
    "time_horizon": "10+",
    "hours_per_week": 2,
    "board_certification": "not_yet",
    "years_since_residency": None,
    "degrees_planned": [],
}
LEADER = {
    "career_stage": "physician_leader",
    "time_horizon": "1",
    "hours_per_week": 8,
    "leadership_roles": "Vice president of medical affairs, 2022 to now",
    "degrees_held": [],
    "degrees_planned": [],
}


@pytest.fixture
def catalogue(curriculum):
    """A module or opening for every section, each suited to some stages."""
    c = curriculum["competencies"]
    pharma = curriculum["pharma"]
    PathwayEducation.objects.create(pathway=pharma, degree="mba", expectation="expected")
    PathwayEducation.objects.create(pathway=pharma, degree="mha", expectation="expected")

    def module(
        title,
        kind,
        competencies=("Finance",),
        hours=10,
        stages=("medical_student", "physician_leader"),
        **extra,
    ):
        return LearningModuleFactory(
            title=title,
            kind=kind,
            effort_hours=hours,
            competencies=[c[name] for name in competencies],
            earliest_stage=stages[0],
            latest_stage=stages[1],
            **extra,
        )

    def opening(title, kind, stages=("medical_student", "physician_leader"), **extra):
        item = OpportunityFactory(
            title=title, kind=kind, earliest_stage=stages[0], latest_stage=stages[1], **extra
        )
        item.pathways.set([pharma])
        return item

    return {
        "finance course": module("Finance for physicians", "course", hours=8),
        "trials course": module("Trial design course", "course", ("Clinical trial design",)),
        "mba": module(
            "Executive MBA",
            "education",
            hours=600,
            leads_to="mba",
            stages=("resident", "physician_leader"),
        ),
        "board review": module(
            "Board review",
            "education",
            hours=80,
            leads_to="board",
            stages=("resident", "practising"),
        ),
        "society": module("Join a physician-leadership society", "networking", (), hours=3),
        "student group": module(
            "Student leadership interest group",
            "networking",
            (),
            hours=2,
            stages=("medical_student", "resident"),
        ),
        "committee": module(
            "Chair a hospital committee",
            "experiential",
            ("Negotiation",),
            hours=20,
            stages=("practising", "physician_leader"),
        ),
        "student project": module(
            "A student quality project",
            "experiential",
            ("Quality and safety",),
            hours=15,
            stages=("medical_student", "resident"),
        ),
        "study visit": module("Study visit abroad", "exchange", (), hours=20),
        "search firms": module(
            "Working with executive-search firms",
            "job_search",
            (),
            hours=4,
            stages=("practising", "physician_leader"),
        ),
        "entry plan": module(
            "Your 90-day entry plan",
            "first_90_days",
            (),
            hours=6,
            stages=("practising", "physician_leader"),
        ),
        "mentoring": module("Getting the most from a mentor", "mentoring", (), hours=2),
        "job": opening(
            "Pharma CMO, remote",
            "job",
            stages=("physician_leader", "physician_leader"),
            is_remote=True,
        ),
        "search firm": opening(
            "Talk to a search partner",
            "executive_search",
            stages=("practising", "physician_leader"),
        ),
        "community": opening("Physician leaders network", "community"),
        "fellowship": opening(
            "Trials fellowship", "fellowship", deadline=TODAY + datetime.timedelta(days=60)
        ),
    }


def rate(physician, curriculum, **levels):
    c = curriculum["competencies"]
    submit_ratings(
        physician,
        {
            c[name]: level
            for name, level in (
                {
                    "Clinical trial design": 1,
                    "Finance": 1,
                    "Negotiation": 1,
                    "Quality and safety": 1,
                }
                | levels
            ).items()
        },
    )


def generate(physician, curriculum):
    return services.plan_generate(owner=physician, pathway=curriculum["pharma"], actor=physician)


def sections_of(plan) -> dict[str, list[str]]:
    titles: dict[str, list[str]] = {}
    for action in PlanAction.objects.filter(goal__plan=plan).not_removed().select_related("goal"):
        titles.setdefault(action.goal.section, []).append(action.title)
    return titles


def test_a_practising_physicians_plan_fills_the_sections_and_each_goal_says_why(
    physician, curriculum, catalogue
):
    complete_assessment(physician, curriculum["pharma"], degrees_planned=[])
    rate(physician, curriculum)

    plan = generate(physician, curriculum)

    sections = sections_of(plan)
    assert set(sections) == {
        PlanSection.LEARNING_OBJECTIVES,
        PlanSection.EDUCATION,
        PlanSection.NETWORKS,
        PlanSection.EXPERIENTIAL,
        PlanSection.EXCHANGE,
        PlanSection.JOB_SEARCH,
        PlanSection.MENTORS,
    }
    education = plan.goals.get(section=PlanSection.EDUCATION)
    assert education.title == "Earn MBA or MHA"
    assert "usually asks for MBA or MHA, and you have neither" in education.notes
    assert sections[PlanSection.EDUCATION] == ["Executive MBA"]
    assert "Apply: Trials fellowship" in sections[PlanSection.EXPERIENTIAL]
    assert "Chair a hospital committee" in sections[PlanSection.EXPERIENTIAL]
    assert (
        "You listed no leadership role yet"
        in plan.goals.get(section=PlanSection.EXPERIENTIAL).notes
    )
    # Three years out: the search starts, but no job applications yet; nothing of the
    # first 90 days before a role is accepted.
    assert "Working with executive-search firms" in sections[PlanSection.JOB_SEARCH]
    assert not [t for t in sections[PlanSection.JOB_SEARCH] if t.startswith("Apply")]
    assert PlanSection.FIRST_90_DAYS not in sections
    for goal in plan.goals.all():
        assert goal.notes, goal.title


def test_a_students_plan_and_a_leaders_plan_differ_in_sections_and_items(curriculum, catalogue):
    from tests.factories import ProfileFactory

    student = ProfileFactory(career_stage="medical_student").user
    leader = ProfileFactory(career_stage="physician_leader").user
    complete_assessment(student, curriculum["pharma"], **STUDENT)
    complete_assessment(leader, curriculum["pharma"], **LEADER)
    rate(student, curriculum)
    rate(leader, curriculum)

    students = sections_of(generate(student, curriculum))
    leaders = sections_of(generate(leader, curriculum))

    assert PlanSection.JOB_SEARCH not in students
    assert (
        PlanSection.JOB_SEARCH in leaders
        and "Apply: Pharma CMO, remote" in leaders[PlanSection.JOB_SEARCH]
    )
    assert PlanSection.EXCHANGE in students and PlanSection.EXCHANGE not in leaders  # a year to go
    assert students[PlanSection.NETWORKS][0] == "Student leadership interest group"
    assert "Student leadership interest group" not in leaders[PlanSection.NETWORKS]
    assert "A student quality project" in students[PlanSection.EXPERIENTIAL]
    assert "Chair a hospital committee" in leaders[PlanSection.EXPERIENTIAL]
    everything_students = {t for titles in students.values() for t in titles}
    assert not everything_students & {
        "Board review",
        "Executive MBA",
        "Working with executive-search firms",
    }
    plan = generate(leader, curriculum)
    assert (
        "You listed leadership roles already"
        in plan.goals.get(section=PlanSection.EXPERIENTIAL).notes
    )


def test_board_certification_is_a_goal_until_it_is_held(physician, curriculum, catalogue):
    complete_assessment(physician, curriculum["pharma"], board_certification="in_progress")
    rate(physician, curriculum)

    plan = generate(physician, curriculum)

    goal = plan.goals.get(generated_key="education:board")
    assert "you said: working towards it" in goal.notes
    assert [a.title for a in goal.actions.all()] == ["Board review"]


def test_a_planned_degree_becomes_a_goal_to_complete_it(physician, curriculum, catalogue):
    complete_assessment(physician, curriculum["pharma"], degrees_planned=["mba"])
    rate(physician, curriculum)

    goal = generate(physician, curriculum).goals.get(
        section=PlanSection.EDUCATION, generated_key__startswith="education:mba"
    )

    assert goal.title == "Complete the MBA you plan"
    assert "You plan MBA." in goal.notes


def test_a_held_degree_asks_for_none(physician, curriculum, catalogue):
    complete_assessment(physician, curriculum["pharma"], degrees_held=["mha"], degrees_planned=[])
    rate(physician, curriculum)

    plan = generate(physician, curriculum)

    assert not plan.goals.filter(generated_key__startswith="education:mba").exists()


def test_the_first_90_days_come_once_a_role_is_accepted_and_wait_for_it(
    physician, curriculum, catalogue
):
    complete_assessment(physician, curriculum["pharma"], **LEADER)
    rate(physician, curriculum)
    plan = generate(physician, curriculum)
    assert not plan.goals.filter(section=PlanSection.FIRST_90_DAYS).exists()

    plan.role_starts_on = TODAY + datetime.timedelta(weeks=12)
    plan.save()
    generate(physician, curriculum)

    entry = PlanAction.objects.get(goal__plan=plan, title="Your 90-day entry plan")
    assert entry.goal.section == PlanSection.FIRST_90_DAYS
    # Worked in the four weeks before the start at the earliest, not today.
    assert entry.due_date > TODAY + datetime.timedelta(weeks=8)
    assert (
        not plan.goals.not_removed()
        .filter(section=PlanSection.JOB_SEARCH, actions__isnull=True)
        .exists()
    )


def test_mentors_come_from_the_matching_or_are_the_physicians_own(physician, curriculum, catalogue):
    complete_assessment(physician, curriculum["pharma"])
    rate(physician, curriculum)
    mentor = make_mentor("Dr Trial Expert")
    TeachableCompetency.objects.create(
        mentor=mentor, competency=curriculum["competencies"]["Clinical trial design"], level=4
    )

    plan = generate(physician, curriculum)

    ask = PlanAction.objects.get(goal__plan=plan, mentor=mentor.user)
    assert ask.title == "Ask a mentor who knows Clinical trial design to mentor you"
    assert "Dr Trial Expert" not in ask.title  # the title outlives a deleted account
    assert ask.source == "mentor"
    assert ask.goal.title == "Find a mentor who knows the role"

    own = make_mentor("Dr Own Mentor")
    MentorshipFactory(mentee=physician, mentor=own, status="active")
    generate(physician, curriculum)
    review = PlanAction.objects.get(goal__plan=plan, mentor=own.user)
    assert review.title == "Review this plan with your mentor"


def test_a_module_that_builds_several_gaps_is_in_the_plan_once_and_serves_each(
    physician, curriculum, catalogue
):
    c = curriculum["competencies"]
    both = LearningModuleFactory(
        title="Trials and their money",
        effort_hours=4,
        competencies=[c["Clinical trial design"], c["Finance"]],
    )
    complete_assessment(physician, curriculum["pharma"])
    rate(physician, curriculum)

    plan = generate(physician, curriculum)

    (action,) = PlanAction.objects.filter(goal__plan=plan, module=both)
    served = {action.goal.competency.name} | {g.competency.name for g in action.serves.all()}
    assert served == {"Clinical trial design", "Finance"}
    repeated = (
        PlanAction.objects.filter(goal__plan=plan)
        .exclude(generated_key="")
        .values("generated_key")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not repeated.exists()


def test_the_plan_says_when_the_targets_are_out_of_reach_at_this_pace(
    physician, curriculum, catalogue
):
    complete_assessment(physician, curriculum["pharma"], hours_per_week=1, time_horizon="1")
    rate(physician, curriculum)
    # Six hours of application in ten days cannot be done at an hour a week.
    soon = OpportunityFactory(
        title="Closing soon", kind="internship", deadline=TODAY + datetime.timedelta(days=10)
    )
    soon.competencies.set([curriculum["competencies"]["Negotiation"]])

    plan = generate(physician, curriculum)

    plan.refresh_from_db()
    assert plan.hours_per_week == 1
    weeks_left = (plan.horizon_end - TODAY).days / 7
    assert plan.weeks_needed > weeks_left  # hundreds of hours at one hour a week
    assert "1 opening closes before it fits at this pace" in plan.changes.first().summary
    assert not PlanAction.objects.filter(goal__plan=plan, opportunity=soon).exists()
