"""A long plan stays a page to read (issue 16): each goal lists its next few open
actions and counts the others, with a link to the goal in full (`?goal=`) and to every
action (`?show=all`); the page's queries do not grow with the plan, and a plan of 300
actions is under 100 KB gzipped."""

import gzip

import pytest

from pathways.models.plan import CareerPlan, ItemStatus, PlanAction, PlanGoal
from pathways.selectors.plan import OPEN_ACTIONS_SHOWN, goal_actions_listed
from tests.factories import PathwayFactory
from tests.pages import client_for, page_text, words_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


def plan_with(owner, *, goals: int, actions: int, done_every: int = 3) -> CareerPlan:
    """A plan of `goals` goals sharing `actions` actions; every `done_every`th is done."""
    plan = CareerPlan.objects.create(owner=owner, pathway=PathwayFactory())
    made = [
        PlanGoal.objects.create(plan=plan, title=f"Goal {g}", section="education", order=g)
        for g in range(goals)
    ]
    PlanAction.objects.bulk_create(
        PlanAction(
            goal=made[i % goals],
            title=f"Action {i}",
            notes="Why it matters, in a sentence of some length. " * 3,
            order=i,
            status=ItemStatus.DONE if i % done_every == 0 else ItemStatus.NOT_STARTED,
        )
        for i in range(actions)
    )
    return plan


@pytest.fixture
def goal(physician) -> PlanGoal:
    """A goal with 8 open actions and 3 done ones, the done ones first."""
    plan = CareerPlan.objects.create(owner=physician, pathway=PathwayFactory())
    goal = PlanGoal.objects.create(plan=plan, title="Lead the board", section="education")
    for i in range(11):
        PlanAction.objects.create(
            goal=goal,
            title=f"Step {i}",
            order=i,
            status=ItemStatus.DONE if i < 3 else ItemStatus.NOT_STARTED,
        )
    return goal


# --- The rule ---------------------------------------------------------------------------


def test_a_goal_lists_its_first_open_actions_and_counts_the_rest(goal):
    listing = goal_actions_listed(goal, in_full=False)

    assert [item.action.title for item in listing.listed] == [
        f"Step {i}" for i in range(3, 3 + OPEN_ACTIONS_SHOWN)
    ]
    assert (listing.total, listing.done_hidden, listing.open_hidden) == (11, 3, 3)
    # The move buttons keep the action's place among all the goal's actions.
    assert not listing.listed[0].first and not listing.listed[-1].last


def test_a_goal_in_full_lists_every_action_done_ones_too(goal):
    listing = goal_actions_listed(goal, in_full=True)

    assert [item.action.title for item in listing.listed] == [f"Step {i}" for i in range(11)]
    assert listing.hidden == 0
    assert listing.listed[0].first and listing.listed[-1].last


# --- The page ---------------------------------------------------------------------------


def test_the_plan_page_counts_what_it_does_not_list_and_links_to_the_goal_in_full(physician, goal):
    page = client_for(physician).get(goal.plan.get_absolute_url())
    words = words_of(page)

    assert "Step 3" in words and "Step 7" in words
    assert "Step 8" not in words and "Step 0" not in words
    assert "3 more open actions and 3 done actions: show all 11" in words
    assert f'href="?goal={goal.pk}#goal-{goal.pk}"' in page_text(page)
    assert "List every action" in words


def test_the_goal_in_full_and_show_all_list_every_action(physician, goal):
    client = client_for(physician)
    for query in (f"?goal={goal.pk}", "?show=all"):
        page = page_text(client.get(goal.plan.get_absolute_url() + query))
        assert all(f'class="action__title">Step {i}</p>' in page for i in range(11)), query
        assert "show all 11" not in page


@pytest.mark.parametrize("query", ["?goal=abc", "?goal=-1", "?goal=99999999999999999", "?show=x"])
def test_bad_listing_input_gives_the_usual_page(physician, goal, query):
    response = client_for(physician).get(goal.plan.get_absolute_url() + query)

    assert response.status_code == 200
    assert "show all 11" in words_of(response)


def test_another_plans_goal_in_the_query_lists_nothing_of_it(physician, other_physician, goal):
    theirs = plan_with(other_physician, goals=1, actions=2)
    other_goal = theirs.goals.get()

    words = words_of(
        client_for(physician).get(f"{goal.plan.get_absolute_url()}?goal={other_goal.pk}")
    )

    assert "Action 1" not in words and "show all 11" in words


def test_a_button_of_a_listed_action_comes_back_to_the_page_as_shown(physician, goal):
    client = client_for(physician)
    url = f"{goal.plan.get_absolute_url()}?goal={goal.pk}"
    page = page_text(client.get(url))
    # One form per goal carries the token and where to come back to; each button its version.
    assert f'<form id="goal-{goal.pk}-buttons" method="post" hidden>' in page
    assert f'name="next" value="{url}#goal-{goal.pk}"' in page
    action = goal.actions.get(title="Step 4")

    response = client.post(
        f"/plans/actions/{action.pk}/done/",
        {"version": action.version, "next": f"{url}#goal-{goal.pk}"},
    )

    assert response.status_code == 302 and response["Location"] == f"{url}#goal-{goal.pk}"
    action.refresh_from_db()
    assert action.status == ItemStatus.DONE


def test_a_helping_action_that_is_not_listed_is_linked_in_its_goal_in_full(physician, goal):
    other = PlanGoal.objects.create(plan=goal.plan, title="Other goal", section="mentors")
    helper = goal.actions.get(title="Step 9")  # beyond the first five open ones
    helper.serves.add(other)

    page = page_text(client_for(physician).get(goal.plan.get_absolute_url()))

    assert f'href="?goal={goal.pk}#action-{helper.pk}">Step 9</a>' in page


# --- Flat at any size -------------------------------------------------------------------


def test_the_plan_page_queries_are_flat_from_5_actions_to_300(
    physician, other_physician, django_assert_max_num_queries
):
    small = plan_with(physician, goals=2, actions=5)
    large = plan_with(other_physician, goals=12, actions=300)
    small_owner, large_owner = client_for(physician), client_for(other_physician)
    small_owner.get(small.get_absolute_url())
    large_owner.get(large.get_absolute_url())

    with django_assert_max_num_queries(12) as few:
        assert small_owner.get(small.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert large_owner.get(large.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert large_owner.get(f"{large.get_absolute_url()}?show=all").status_code == 200


def test_a_plan_of_300_actions_is_under_100_kb_gzipped(other_physician):
    large = plan_with(other_physician, goals=12, actions=300)

    response = client_for(other_physician).get(large.get_absolute_url())

    assert response.status_code == 200
    assert len(gzip.compress(response.content)) < 100_000
    # Every goal is there, each with its count of actions.
    assert all(f"Goal {g}" in words_of(response) for g in range(12))
    assert words_of(response).count("(25)") == 12


def test_a_move_comes_back_to_the_page_as_shown_and_never_elsewhere(physician, goal):
    client = client_for(physician)
    action = goal.actions.get(title="Step 4")
    shown = f"{goal.plan.get_absolute_url()}?goal={goal.pk}#goal-{goal.pk}"
    move = f"/plans/actions/{action.pk}/move/"

    assert client.post(move, {"direction": "up", "next": shown})["Location"] == shown
    elsewhere = client.post(move, {"direction": "up", "next": "https://example.org/"})
    assert elsewhere["Location"] == f"{goal.plan.get_absolute_url()}#action-{action.pk}"
    action.refresh_from_db()
    assert [a.title for a in goal.actions.order_by("order", "pk")][2] == "Step 4"
