"""Removing a goal or an action asks first, keeps it in the plan's removed list, leaves
it out of every page, export, count and message, and can be undone; a page of an item
removed in another tab says so."""

import datetime
import json

import pytest
from django.urls import reverse

from cmo_portal.home.dashboard import dashboard_for
from mentors.selectors.mentorships import mentor_dashboard
from pathways.models.plan import (
    CareerPlan,
    ItemStatus,
    PlanAction,
    PlanChange,
    PlanGoal,
)
from pathways.services import plan as services
from pathways.services import plan_items
from tests.factories import (
    LearningModuleFactory,
    PathwayFactory,
    complete_assessment,
    submit_ratings,
)
from tests.pages import client_for
from tests.pathways.dates import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


@pytest.fixture
def plan(physician):
    """A plan with a kept goal and a goal to remove, each with two dated actions; one
    action of the goal to remove is done."""
    plan = CareerPlan.objects.create(owner=physician, pathway=PathwayFactory())
    kept = PlanGoal.objects.create(plan=plan, title="Kept goal", section="education")
    doomed = PlanGoal.objects.create(plan=plan, title="Doomed goal", section="mentors")
    for goal, prefix in ((kept, "Kept"), (doomed, "Doomed")):
        for days in (3, 8):
            PlanAction.objects.create(
                goal=goal,
                title=f"{prefix} action in {days}",
                due_date=TODAY + datetime.timedelta(days),
                status=ItemStatus.DONE if prefix == "Doomed" and days == 8 else "not_started",
            )
    return plan


def _goal(plan, title):
    return PlanGoal.objects.get(plan=plan, title=title)


def _action(title):
    return PlanAction.objects.get(title=title)


# --- Asking first ------------------------------------------------------------------------


def test_the_remove_link_leads_to_a_page_that_asks_and_changes_nothing(client, physician, plan):
    client.force_login(physician)
    goal = _goal(plan, "Doomed goal")
    detail = client.get(plan.get_absolute_url()).content.decode()
    assert f'href="{reverse("pathways:goal-delete", args=[goal.pk])}"' in detail

    page = client.get(reverse("pathways:goal-delete", args=[goal.pk]))

    assert page.status_code == 200
    text = page.content.decode()
    assert "Remove the goal “Doomed goal”?" in text
    assert "with its 2 actions" in text and "restore it" in text
    assert f'href="{plan.get_absolute_url()}#goal-{goal.pk}"' in text  # keep it
    goal.refresh_from_db()
    assert goal.removed_at is None and not PlanChange.objects.exists()


def test_confirming_removes_the_goal_and_its_actions_and_says_where_they_went(
    client, physician, plan
):
    client.force_login(physician)
    goal = _goal(plan, "Doomed goal")

    response = client.post(reverse("pathways:goal-delete", args=[goal.pk]), follow=True)

    goal.refresh_from_db()
    assert goal.removed_at is not None
    assert set(goal.actions.values_list("removed_at", flat=True)) == {goal.removed_at}
    text = response.content.decode()
    assert reverse("pathways:plan-removed", args=[plan.pk]) in text
    assert "Doomed" not in text.split("Removed “Doomed goal”")[1]  # gone from the plan
    assert PlanChange.objects.filter(summary__startswith="Removed the goal").count() == 1


def test_removing_an_action_asks_first_then_removes_only_that_action(client, physician, plan):
    client.force_login(physician)
    action = _action("Kept action in 3")
    url = reverse("pathways:action-delete", args=[action.pk])

    page = client.get(url)
    assert page.status_code == 200 and "Remove the action “Kept action in 3”?" in page.text
    assert _action("Kept action in 3").removed_at is None

    client.post(url)
    assert _action("Kept action in 3").removed_at is not None
    assert _action("Kept action in 8").removed_at is None
    assert _goal(plan, "Kept goal").removed_at is None


def test_the_calendar_link_reset_asks_first_then_makes_a_new_link(client, physician, plan):
    client.force_login(physician)
    url = reverse("pathways:plan-calendar-reset", args=[plan.pk])
    token = plan.calendar_token

    page = client.get(url)
    assert page.status_code == 200 and "stops working" in page.text
    plan.refresh_from_db()
    assert plan.calendar_token == token

    client.post(url)
    plan.refresh_from_db()
    assert plan.calendar_token != token


def test_someone_else_gets_no_confirmation_page_for_the_owners_items(
    other_physician, active_mentor, support, plan
):
    goal = _goal(plan, "Doomed goal")
    action = _action("Kept action in 3")
    for user in (other_physician, active_mentor, support):
        client = client_for(user)
        for url in (
            reverse("pathways:goal-delete", args=[goal.pk]),
            reverse("pathways:action-delete", args=[action.pk]),
            reverse("pathways:plan-calendar-reset", args=[plan.pk]),
            reverse("pathways:plan-removed", args=[plan.pk]),
        ):
            assert client.get(url).status_code == 404, (user, url)


# --- The removed list and restoring ------------------------------------------------------


def test_restoring_a_goal_brings_back_the_actions_removed_with_it_not_those_removed_before(
    client, physician, plan
):
    client.force_login(physician)
    goal = _goal(plan, "Doomed goal")
    plan_items.action_remove(action=_action("Doomed action in 3"), actor=physician)
    plan_items.goal_remove(goal=goal, actor=physician)

    listing = client.get(reverse("pathways:plan-removed", args=[plan.pk]))
    assert listing.status_code == 200
    assert "Doomed goal" in listing.text and "Doomed action in 8" in listing.text
    client.post(reverse("pathways:goal-restore", args=[goal.pk]))

    assert _goal(plan, "Doomed goal").removed_at is None
    assert _action("Doomed action in 8").removed_at is None
    assert _action("Doomed action in 3").removed_at is not None  # removed on its own, earlier
    summaries = list(PlanChange.objects.values_list("summary", flat=True))
    assert summaries[0] == "Restored the goal “Doomed goal” and its actions."
    detail = client.get(f"{plan.get_absolute_url()}?show=all").text  # done ones too
    assert "Doomed action in 8" in detail and "Doomed action in 3" not in detail


def test_a_removed_action_is_restored_to_its_goal_but_not_while_the_goal_is_removed(
    client, physician, plan
):
    client.force_login(physician)
    action = _action("Kept action in 3")
    plan_items.action_remove(action=action, actor=physician)
    plan_items.goal_remove(goal=_goal(plan, "Kept goal"), actor=physician)

    response = client.post(reverse("pathways:action-restore", args=[action.pk]), follow=True)
    assert "Restore the goal “Kept goal” first" in response.text
    assert _action("Kept action in 3").removed_at is not None

    plan_items.goal_restore(goal=_goal(plan, "Kept goal"), actor=physician)
    client.post(reverse("pathways:action-restore", args=[action.pk]))
    assert _action("Kept action in 3").removed_at is None
    assert PlanChange.objects.first().summary.startswith("Restored the action")


def test_the_removed_list_says_so_when_nothing_was_removed(client, physician, plan):
    client.force_login(physician)
    assert "Nothing removed" in client.get(reverse("pathways:plan-removed", args=[plan.pk])).text


# --- Left out everywhere -----------------------------------------------------------------


@pytest.fixture
def removed(physician, plan):
    plan_items.goal_remove(goal=_goal(plan, "Doomed goal"), actor=physician)
    plan_items.action_remove(action=_action("Kept action in 8"), actor=physician)
    return plan


def test_removed_items_are_not_on_the_plan_page_or_the_plan_list(client, physician, removed):
    client.force_login(physician)
    for url in (removed.get_absolute_url(), reverse("pathways:plan-list")):
        text = client.get(url).text
        assert "Doomed" not in text and "Kept action in 8" not in text, url
    assert "Kept action in 3" in client.get(removed.get_absolute_url()).text


def test_removed_items_are_not_in_any_export(client, physician, removed):
    client.force_login(physician)
    for name in ("plan-json", "plan-csv", "plan-print"):
        body = client.get(reverse(f"pathways:{name}", args=[removed.pk])).content.decode()
        assert "Kept action in 3" in body, name
        assert "Doomed" not in body and "Kept action in 8" not in body, name
    data = json.loads(client.get(reverse("pathways:plan-json", args=[removed.pk])).content)
    assert (data["goal_count"], data["action_count"]) == (1, 1)
    feed = client.get(reverse("pathways:plan-calendar", args=[removed.calendar_token]))
    ics = b"".join(feed.streaming_content) if feed.streaming else feed.content
    assert b"Kept action in 3" in ics and b"Doomed" not in ics and b"in 8" not in ics


def test_progress_counts_only_what_is_in_the_plan(physician, removed):
    from pathways.selectors.plan import plan_with_items

    # Left: "Kept goal" with one action, not done. The removed done action counts not.
    assert plan_with_items(removed).progress() == 0
    plan_items.goal_restore(goal=_goal(removed, "Doomed goal"), actor=physician)
    assert plan_with_items(removed).progress() == 33  # 1 of its 3 actions done
    # Unprefetched too: the plan list reads it this way.
    assert CareerPlan.objects.get(pk=removed.pk).progress() == 33


def test_the_dashboard_next_actions_leave_removed_items_out(physician, removed):
    board = dashboard_for(physician)
    assert [action.title for action, _ in board.next_actions] == ["Kept action in 3"]


def test_the_active_mentor_sees_no_removed_item(active_mentor, removed):
    client = client_for(active_mentor)
    text = client.get(removed.get_absolute_url()).text
    assert "Kept goal" in text and "Doomed" not in text and "Kept action in 8" not in text
    [row] = mentor_dashboard(active_mentor.mentor_profile).mentees
    [plan] = row.plans
    assert [g.title for g in plan.goals.all()] == ["Kept goal"]


# --- Regeneration ------------------------------------------------------------------------


def test_a_removed_suggestion_comes_back_only_once_restored(physician, curriculum):
    c = curriculum["competencies"]
    complete_assessment(physician, curriculum["pharma"])
    submit_ratings(physician, {c["Finance"]: 1, c["Clinical trial design"]: 1})
    LearningModuleFactory(title="Finance for physicians", competencies=[c["Finance"]])
    regenerate = lambda: services.plan_generate(  # noqa: E731
        owner=physician, pathway=curriculum["pharma"], actor=physician
    )
    plan = regenerate()
    finance = plan.goals.get(competency__name="Finance")
    PlanGoal.objects.filter(pk=finance.pk).update(title="Stale")
    plan_items.goal_remove(goal=finance, actor=physician)

    regenerate()
    finance.refresh_from_db()
    assert finance.removed_at is not None and finance.title == "Stale"  # left alone
    assert plan.goals.filter(competency__name="Finance").count() == 1

    plan_items.goal_restore(goal=finance, actor=physician)
    regenerate()
    finance.refresh_from_db()
    assert finance.removed_at is None
    assert finance.title.startswith("Reach level")  # a suggestion again: refreshed
    assert finance.actions.not_removed().filter(title="Finance for physicians").exists()


# --- Removed in another tab --------------------------------------------------------------


def test_editing_an_item_removed_in_another_tab_says_when_and_links_to_restore(
    client, physician, plan
):
    client.force_login(physician)
    goal = _goal(plan, "Doomed goal")
    action = _action("Doomed action in 3")
    plan_items.goal_remove(goal=goal, actor=physician)
    removed_list = reverse("pathways:plan-removed", args=[plan.pk])

    for method, url in (
        ("get", reverse("pathways:goal-edit", args=[goal.pk])),
        ("post", reverse("pathways:goal-edit", args=[goal.pk])),
        ("get", reverse("pathways:action-edit", args=[action.pk])),
        ("post", reverse("pathways:action-edit", args=[action.pk])),
        ("get", reverse("pathways:action-add", args=[goal.pk])),
        ("get", reverse("pathways:goal-delete", args=[goal.pk])),
    ):
        response = getattr(client, method)(url, {"title": "Typed"} if method == "post" else None)
        assert response.status_code == 410, url
        assert "was removed" in response.text and removed_list in response.text, url
        assert plan.get_absolute_url() in response.text
        assert "23 November 2026" in response.text  # when
    assert _goal(plan, "Doomed goal").title == "Doomed goal"


def test_a_removed_item_still_404s_for_anyone_else(other_physician, physician, plan):
    goal = _goal(plan, "Doomed goal")
    plan_items.goal_remove(goal=goal, actor=physician)
    client = client_for(other_physician)
    assert client.get(reverse("pathways:goal-edit", args=[goal.pk])).status_code == 404
    assert client.post(reverse("pathways:goal-restore", args=[goal.pk])).status_code == 404


def test_the_removed_list_costs_the_same_queries_however_much_was_removed(
    client, physician, plan, django_assert_max_num_queries
):
    client.force_login(physician)
    url = reverse("pathways:plan-removed", args=[plan.pk])
    plan_items.goal_remove(goal=_goal(plan, "Doomed goal"), actor=physician)
    with django_assert_max_num_queries(12) as few:
        client.get(url)
    for n in range(5):
        goal = PlanGoal.objects.create(plan=plan, title=f"G{n}", section="education")
        PlanAction.objects.create(goal=goal, title=f"A{n}")
        plan_items.goal_remove(goal=goal, actor=physician)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
