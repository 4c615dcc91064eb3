"""The career plan is private, and its page costs the same queries however big it is."""

import pytest
from django.urls import reverse

from pathways.models.plan import (
    PlanGoal,
    PlanStatus,
)
from pathways.services import plan_items

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


# --- Access and size ------------------------------------------------------------------------


def test_others_cannot_see_or_change_the_plan(
    client, plan, other_physician, mentor, staff, support
):
    goal = plan.goals.first()
    action = goal.actions.first()
    owner_only = [
        ("post", reverse("pathways:goal-edit", args=[goal.pk]), {"title": "x"}),
        ("post", reverse("pathways:goal-delete", args=[goal.pk]), {}),
        ("post", reverse("pathways:action-delete", args=[action.pk]), {}),
        ("post", reverse("pathways:plan-regenerate", args=[plan.pk]), {}),
        ("post", reverse("pathways:plan-status", args=[plan.pk]), {"status": "active"}),
        ("post", reverse("pathways:plan-calendar-reset", args=[plan.pk]), {}),
    ]
    for user in (other_physician, mentor, staff, support):
        client.force_login(user)
        for method, url, data in owner_only:
            assert getattr(client, method)(url, data).status_code == 404, (user, url)
    assert PlanGoal.objects.filter(pk=goal.pk, title=goal.title).exists()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


@pytest.mark.parametrize("extra_goals", [0, 25])
def test_the_plan_page_costs_the_same_queries_however_big_the_plan(
    client, physician, plan, extra_goals, django_assert_max_num_queries
):
    for i in range(extra_goals):
        goal = plan_items.goal_create(
            plan=plan, actor=physician, data={"title": f"Goal {i}", "section": "networks"}
        )
        for j in range(3):
            plan_items.action_create(goal=goal, actor=physician, data={"title": f"Action {j}"})
    client.force_login(physician)
    # Besides the plan and its items: the goals each action also serves, the change per
    # competency since the previous ratings, and whether the plan aims at one of the
    # owner's targets (for the role-accepted form).
    with django_assert_max_num_queries(14):
        assert client.get(reverse("pathways:plan-detail", args=[plan.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("pathways:plan-list")).status_code == 200
