"""The plan page says the pace the plan was scheduled at, and plainly when the targets are
out of reach at it; each action says where it comes from and which other goals it
serves, each goal which actions elsewhere help it; and the page's queries stay flat."""

import datetime

import pytest

from pathways.models.plan import CareerPlan, PlanAction, PlanGoal
from pathways.services import plan_items
from tests.factories import LearningModuleFactory, OpportunityFactory, PathwayFactory
from tests.pages import client_for, words_of
from tests.pathways.dates import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


@pytest.fixture
def bare_plan(physician) -> CareerPlan:
    """A plan for a pathway the physician does not aim at, with no goal yet."""
    return CareerPlan.objects.create(owner=physician, pathway=PathwayFactory(title="Payer CMO"))


def goal_in(plan, title: str, section: str = "education") -> PlanGoal:
    return PlanGoal.objects.create(plan=plan, title=title, section=section)


# --- The pace ---------------------------------------------------------------------------


def test_the_pace_is_said_with_the_hours_and_the_horizon(physician, bare_plan):
    bare_plan.hours_per_week = 5
    bare_plan.horizon_end = datetime.date(2029, 6, 30)
    bare_plan.weeks_needed = 40
    bare_plan.save()

    text = words_of(client_for(physician).get(bare_plan.get_absolute_url()))

    assert "Scheduled at 5 hours a week until June 2029" in text
    assert "needs 40 weeks of the 135 left" in text
    assert "horizon ends in" not in text


def test_targets_out_of_reach_at_the_pace_are_said_plainly_with_what_to_do(physician, bare_plan):
    bare_plan.hours_per_week = 5
    bare_plan.horizon_end = TODAY + datetime.timedelta(weeks=52)
    bare_plan.weeks_needed = 80
    bare_plan.save()

    response = client_for(physician).get(bare_plan.get_absolute_url())

    assert (
        "At 5 hours a week this plan needs 80 weeks; your horizon ends in 52. Give more "
        "hours a week in your needs assessment, choose a later horizon, or remove some "
        "actions." in words_of(response)
    )
    assert 'href="/assessment/">your needs assessment</a>' in response.content.decode()


def test_a_horizon_already_past_is_said_to_end_now(physician, bare_plan):
    bare_plan.hours_per_week = 2
    bare_plan.horizon_end = TODAY - datetime.timedelta(days=3)
    bare_plan.weeks_needed = 4
    bare_plan.save()

    text = words_of(client_for(physician).get(bare_plan.get_absolute_url()))

    assert "At 2 hours a week this plan needs 4 weeks; your horizon ends now." in text


def test_an_older_plan_without_a_pace_says_nothing_of_it(physician, bare_plan):
    text = words_of(client_for(physician).get(bare_plan.get_absolute_url()))
    assert "Scheduled at" not in text and "hours a week this plan needs" not in text


def test_a_mentor_reads_the_pace_without_the_owners_advice(active_mentor, bare_plan):
    bare_plan.hours_per_week = 5
    bare_plan.horizon_end = TODAY + datetime.timedelta(weeks=10)
    bare_plan.weeks_needed = 30
    bare_plan.save()

    text = words_of(client_for(active_mentor).get(bare_plan.get_absolute_url()))

    assert "needs 30 weeks; the horizon ends in 10." in text
    assert "needs assessment" not in text


# --- Sections, served goals, sources ---------------------------------------------------


def test_every_section_with_goals_shows_them(physician, bare_plan):
    titles = {section: f"A goal in {section}" for section in ("mentors", "first_90_days")}
    for section, title in titles.items():
        goal_in(bare_plan, title, section)

    text = words_of(client_for(physician).get(bare_plan.get_absolute_url()))

    for title in titles.values():
        assert title in text
    assert text.index("A goal in mentors") < text.index("A goal in first_90_days")


def test_an_action_says_which_other_goals_it_serves_and_they_say_it_helps(physician, bare_plan):
    finance = goal_in(bare_plan, "Read a hospital's accounts")
    strategy = goal_in(bare_plan, "Shape a strategy", "experiential")
    gone = goal_in(bare_plan, "A goal removed later", "networks")
    course = PlanAction.objects.create(goal=finance, title="Finance course")
    course.serves.set([strategy, gone])
    plan_items.goal_remove(goal=gone, actor=physician)

    text = words_of(client_for(physician).get(bare_plan.get_absolute_url()))

    assert "Also serves: Shape a strategy" in text
    assert "A goal removed later" not in text
    assert "Also helped by: Finance course" in text


def test_each_action_says_where_it_comes_from(physician, mentor, bare_plan):
    goal = goal_in(bare_plan, "Build the basics")
    PlanAction.objects.create(
        goal=goal, title="Take it", module=LearningModuleFactory(title="Finance for physicians")
    )
    PlanAction.objects.create(
        goal=goal,
        title="Apply",
        opportunity=OpportunityFactory(
            title="Trials fellowship", deadline=datetime.date(2027, 3, 1)
        ),
    )
    PlanAction.objects.create(goal=goal, title="Meet", mentor=mentor)
    PlanAction.objects.create(goal=goal, title="Mine")

    text = words_of(client_for(physician).get(bare_plan.get_absolute_url()))

    assert "From the module Finance for physicians" in text
    assert "Opportunity Trials fellowship, closes 1 March 2027" in text
    assert "Mentor suggestion: Dr Cy Mentor" in text
    assert "Your own" in text


def _busy(plan, mentor, *, goals: int) -> None:
    """`goals` goals, each with three actions (a module, an opportunity, a mentor), each
    action serving two other goals."""
    made = [goal_in(plan, f"Goal {i}") for i in range(goals + 2)]
    for i, goal in enumerate(made[:goals]):
        for kind in ("module", "opportunity", "mentor"):
            source = {
                "module": {"module": LearningModuleFactory()},
                "opportunity": {"opportunity": OpportunityFactory()},
                "mentor": {"mentor": mentor},
            }[kind]
            action = PlanAction.objects.create(goal=goal, title=f"{kind} {i}", **source)
            action.serves.set(made[i + 1 : i + 3])


def test_the_plan_page_queries_stay_flat_with_served_goals_and_sources(
    physician, other_physician, mentor, django_assert_max_num_queries
):
    small = CareerPlan.objects.create(owner=physician, pathway=PathwayFactory())
    large = CareerPlan.objects.create(owner=other_physician, pathway=PathwayFactory())
    _busy(small, mentor, goals=1)
    _busy(large, mentor, goals=20)
    small_owner, large_owner = client_for(physician), client_for(other_physician)

    with django_assert_max_num_queries(16) as captured:
        assert small_owner.get(small.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(len(captured)):
        response = large_owner.get(large.get_absolute_url())
    assert "Also serves: Goal 20; Goal 21" in words_of(response)
