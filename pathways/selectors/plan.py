"""Reads of the career plan worth naming: who may see a plan, and the plan with its goals
and actions loaded in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404

from cmo_portal.accounts.access import user_can_view_data_of
from cmo_portal.accounts.models import DataKind
from pathways.models.plan import (
    CareerPlan,
    PlanAction,
    PlanGoal,
    PlanGoalQuerySet,
    PlanItemQuerySet,
)


def plan_get_for_viewer(*, viewer, pk: int) -> CareerPlan:
    """The plan, for whoever the access rule lets see the owner's plan (the owner, an
    active mentor, support); a 404 for anyone else, which does not even confirm the plan
    exists."""
    plan = CareerPlan.objects.select_related("owner__profile", "pathway").filter(pk=pk).first()
    if plan is None or not user_can_view_data_of(viewer, plan.owner, what=DataKind.PLAN):
        raise Http404("No such plan.")
    return plan


def plan_get_for_owner(*, user, pk: int) -> CareerPlan:
    """Only the owner changes their plan: a 404 for everyone else."""
    plan = CareerPlan.objects.select_related("pathway").filter(pk=pk, owner=user).first()
    if plan is None:
        raise Http404("No such plan.")
    return plan


def plan_items_prefetch(
    *,
    goals: PlanGoalQuerySet | None = None,
    actions: PlanItemQuerySet[PlanAction] | None = None,
) -> Prefetch:
    """Prefetch a plan's goals and their actions, leaving out what the physician removed:
    every page, export, count and message reads the plan through this."""
    goals = PlanGoal.objects.all() if goals is None else goals
    actions = PlanAction.objects.all() if actions is None else actions
    return Prefetch(
        "goals",
        queryset=goals.not_removed().prefetch_related(
            Prefetch("actions", queryset=actions.not_removed())
        ),
    )


def plan_with_items(plan: CareerPlan) -> CareerPlan:
    """The plan with its goals (in section order) and their actions (with module and
    opportunity) loaded in a fixed number of queries, however many there are; removed
    items left out."""
    return (
        CareerPlan.objects.select_related("owner__profile", "pathway")
        .prefetch_related(
            plan_items_prefetch(
                goals=PlanGoal.objects.select_related("competency").in_section_order(),
                actions=PlanAction.objects.select_related("module", "opportunity").prefetch_related(
                    "serves"
                ),
            )
        )
        .get(pk=plan.pk)
    )


@dataclass
class RemovedGoal:
    goal: PlanGoal
    actions: list[PlanAction]  # removed with it: restoring the goal brings them back


@dataclass
class RemovedItems:
    goals: list[RemovedGoal]
    actions: list[PlanAction]  # removed on their own from goals still in the plan

    def __bool__(self) -> bool:
        return bool(self.goals or self.actions)


def plan_removed_items(plan: CareerPlan) -> RemovedItems:
    """What the owner removed from the plan, newest first, in two queries."""
    goals = list(plan.goals.removed().order_by("-removed_at", "-pk"))
    actions = list(
        PlanAction.objects.removed()
        .filter(goal__plan=plan)
        .select_related("goal")
        .order_by("-removed_at", "-pk")
    )
    with_goal: dict[int, list[PlanAction]] = {}
    alone = []
    for action in actions:
        if action.goal.is_removed:
            if action.removed_with_goal:
                with_goal.setdefault(action.goal_id, []).append(action)
        else:
            alone.append(action)
    return RemovedItems(
        goals=[RemovedGoal(goal, with_goal.get(goal.pk, [])) for goal in goals], actions=alone
    )


def plan_get_by_calendar_token(token: str) -> CareerPlan:
    plan = CareerPlan.objects.select_related("pathway").filter(calendar_token=token).first()
    if plan is None or not token:
        raise Http404("No such calendar.")
    return plan
