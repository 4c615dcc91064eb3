"""Reads of the career plan worth naming: who may see a plan, the plan with its goals
and actions loaded in a fixed number of queries, its pace, and whether it aims at one of
the owner's target pathways."""

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Subquery, prefetch_related_objects
from django.http import Http404

from assessments.models import NeedsAssessment, TargetPathway
from cmo_portal.accounts.access import user_can_view_data_of
from cmo_portal.accounts.models import DataKind
from pathways.models.plan import (
    CareerPlan,
    ItemStatus,
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


def plan_owner_id(request, pk: int) -> int | None:
    """Whose plan `pk` is (None: no such plan), asked once per request: the navigation
    asks it, and the plan page has told it already (plan_owner_known)."""
    known: dict[int, int | None] = request.__dict__.setdefault("plan_owner_ids", {})
    if pk not in known:
        known[pk] = CareerPlan.objects.filter(pk=pk).values_list("owner_id", flat=True).first()
    return known[pk]


def plan_owner_known(request, plan: CareerPlan) -> None:
    request.__dict__.setdefault("plan_owner_ids", {})[plan.pk] = plan.owner_id


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


def _items_with_what_pages_show() -> Prefetch:
    """The goals (in section order, with their competency) and their actions (with
    module, opportunity, mentor and the other goals they serve), removed items left out."""
    return plan_items_prefetch(
        goals=PlanGoal.objects.select_related("competency").in_section_order(),
        actions=PlanAction.objects.select_related(
            "module", "opportunity", "mentor__profile"
        ).prefetch_related(
            Prefetch("serves", queryset=PlanGoal.objects.not_removed().in_section_order())
        ),
    )


def _note_helped_by(plan: CareerPlan) -> CareerPlan:
    """Set each goal's `helped_by`: the actions listed under other goals that serve it
    too, read from the prefetched actions (no query of its own)."""
    goals = list(plan.goals.all())
    helped_by: dict[int, list[PlanAction]] = {goal.pk: [] for goal in goals}
    for goal in goals:
        for action in goal.actions.all():
            for served in action.serves.all():
                if served.pk != goal.pk and served.pk in helped_by:
                    helped_by[served.pk].append(action)
    for goal in goals:
        goal.helped_by = helped_by[goal.pk]  # type: ignore[attr-defined]
    return plan


def plan_with_items(plan: CareerPlan) -> CareerPlan:
    """The plan with its goals (in section order) and their actions (with module,
    opportunity and mentor) loaded in a fixed number of queries, however many there are;
    removed items left out. Each action's `serves` holds the other goals it serves, and
    each goal's `helped_by` the actions listed under other goals that serve it too (read
    from those, so it costs no query of its own)."""
    plan = (
        CareerPlan.objects.select_related("owner__profile", "pathway")
        .prefetch_related(_items_with_what_pages_show())
        .get(pk=plan.pk)
    )
    return _note_helped_by(plan)


def plan_get_for_page(*, viewer, pk: int) -> CareerPlan:
    """The plan page's read: plan_get_for_viewer's plan and access rule, its goals and
    actions as plan_with_items has them, and `targets_owners_pathway`
    (plan_targets_owners_pathway) read in the same query as the plan. Each action's
    `served_goals` is a plain list of the other goals it serves, in plan order, read as
    pairs of ids in one query rather than as a prefetched manager per action: a long
    plan's page spent most of its time building those."""
    plan = (
        CareerPlan.objects.select_related("owner__profile", "pathway")
        .annotate(targets_owners_pathway=_targets_owners_pathway())
        .filter(pk=pk)
        .first()
    )
    if plan is None or not user_can_view_data_of(viewer, plan.owner, what=DataKind.PLAN):
        raise Http404("No such plan.")
    prefetch_related_objects(
        [plan],
        plan_items_prefetch(
            goals=PlanGoal.objects.select_related("competency").in_section_order(),
            actions=PlanAction.objects.select_related("module", "opportunity", "mentor__profile"),
        ),
    )
    goals = list(plan.goals.all())
    place = {goal.pk: index for index, goal in enumerate(goals)}
    served: dict[int, list[int]] = {}
    for action_id, goal_id in PlanAction.serves.through.objects.filter(
        planaction__goal__plan_id=plan.pk
    ).values_list("planaction_id", "plangoal_id"):
        if goal_id in place:  # removed goals are left out
            served.setdefault(action_id, []).append(goal_id)
    helped_by: dict[int, list[PlanAction]] = {goal.pk: [] for goal in goals}
    for goal in goals:
        for action in goal.actions.all():
            ids = sorted(served.get(action.pk, ()), key=place.__getitem__)
            action.served_goals = [goals[place[i]] for i in ids]  # type: ignore[attr-defined]
            for goal_id in ids:
                if goal_id != goal.pk:
                    helped_by[goal_id].append(action)
    for goal in goals:
        goal.helped_by = helped_by[goal.pk]  # type: ignore[attr-defined]
    return plan


@dataclass(frozen=True)
class PlanPace:
    """The pace a plan was scheduled at: the hours a week, the end of the horizon, and
    the weeks the work still planned needs at that pace (None: not counted)."""

    hours_per_week: int
    horizon_end: datetime.date
    weeks_needed: int | None
    weeks_left: int

    @property
    def out_of_reach(self) -> bool:
        """The planned work needs more weeks than the horizon has left."""
        return self.weeks_needed is not None and self.weeks_needed > self.weeks_left


def plan_pace(plan: CareerPlan, *, today: datetime.date) -> PlanPace | None:
    """The plan's pace as of `today`; None for a plan generated before plans had one."""
    if not plan.hours_per_week or plan.horizon_end is None:
        return None
    return PlanPace(
        hours_per_week=plan.hours_per_week,
        horizon_end=plan.horizon_end,
        weeks_needed=plan.weeks_needed,
        weeks_left=max(0, (plan.horizon_end - today).days // 7),
    )


def _targets_owners_pathway() -> Exists:
    """Whether the plan's pathway (OuterRef) is one of the targets of its owner's latest
    completed needs assessment."""
    latest = (
        NeedsAssessment.objects.filter(user_id=OuterRef(OuterRef("owner_id")))
        .exclude(completed_at=None)
        .order_by("-started_at", "-pk")
        .values("pk")[:1]
    )
    return Exists(
        TargetPathway.objects.filter(
            assessment_id=Subquery(latest), pathway_id=OuterRef("pathway_id")
        )
    )


def plan_targets_owners_pathway(plan: CareerPlan) -> bool:
    """Whether the plan's pathway is one of the targets of the owner's latest completed
    needs assessment, in one query (none for a plan from plan_get_for_page)."""
    known = getattr(plan, "targets_owners_pathway", None)
    if known is not None:
        return bool(known)
    return (
        CareerPlan.objects.filter(pk=plan.pk)
        .annotate(targets_it=_targets_owners_pathway())
        .values_list("targets_it", flat=True)
        .first()
        or False
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


# A goal on the plan page lists its next few open actions; the rest, and the done ones,
# are counted with a link to the goal in full, so a long plan stays a page to read.
OPEN_ACTIONS_SHOWN = 5


@dataclass(frozen=True)
class ListedAction:
    action: PlanAction
    first: bool  # its place among all the goal's actions, for the move buttons
    last: bool


@dataclass(frozen=True)
class GoalActions:
    """What the plan page lists of one goal's actions, and what it only counts."""

    listed: list[ListedAction]
    total: int
    done_hidden: int
    open_hidden: int

    @property
    def hidden(self) -> int:
        return self.done_hidden + self.open_hidden


def goal_actions_listed(goal: PlanGoal, *, in_full: bool) -> GoalActions:
    """The rule of the plan page: a goal in full lists every action (done ones too);
    otherwise it lists its first OPEN_ACTIONS_SHOWN actions that are not done, in their
    order, and counts the others. Reads the prefetched actions."""
    actions = list(goal.actions.all())
    last_index = len(actions) - 1
    listed: list[ListedAction] = []
    done_hidden = open_hidden = 0
    for index, action in enumerate(actions):
        if not in_full and action.status == ItemStatus.DONE:
            done_hidden += 1
        elif not in_full and len(listed) >= OPEN_ACTIONS_SHOWN:
            open_hidden += 1
        else:
            listed.append(ListedAction(action, first=index == 0, last=index == last_index))
    return GoalActions(
        listed=listed, total=len(actions), done_hidden=done_hidden, open_hidden=open_hidden
    )
