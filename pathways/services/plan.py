"""The career plan: generated from the gap analysis, then owned by the physician.

Generation proposes one goal for each of the top gaps of the chosen pathway, each with
actions from the curriculum (modules that build the competency, then an open
opportunity), due dates spread over the hours a week the physician has, and a measure of
done (the target level). Regeneration adds what is new and refreshes suggestions nobody
touched; it never changes what the physician edited, started or finished, never brings
back what they removed (while it stays removed: restoring it makes it a suggestion
again), and never deletes anything.
"""

import datetime
import math
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max

from assessments.scoring import CompetencyGap
from assessments.selectors import latest_completed_assessment, results_for
from cmo_portal import clock
from cmo_portal.accounts.models import User
from pathways.models.curriculum import Competency, Pathway
from pathways.models.opportunities import LearningModule, Opportunity
from pathways.models.plan import (
    CareerPlan,
    ItemStatus,
    PlanAction,
    PlanChange,
    PlanGoal,
    PlanSection,
    PlanStatus,
    new_calendar_token,
)

GOALS_FROM_GAPS = 5
MODULES_PER_GOAL = 3
# Applying for an opportunity takes time too; a module says its own effort.
OPPORTUNITY_HOURS = 6
DEFAULT_HOURS_PER_WEEK = 3


class PlanConflict(Exception):
    """Someone saved the item after this edit was opened: nothing was saved."""

    def __init__(self, current) -> None:
        super().__init__("The item changed since you opened it.")
        self.current = current


# --- Suggestions -----------------------------------------------------------------------


@dataclass
class ActionSuggestion:
    key: str
    title: str
    effort_hours: int
    module: LearningModule | None = None
    opportunity: Opportunity | None = None
    due_date: datetime.date | None = None


@dataclass
class GoalSuggestion:
    key: str
    title: str
    competency: Competency
    target_level: int
    notes: str
    actions: list[ActionSuggestion] = field(default_factory=list)
    due_date: datetime.date | None = None


def schedule(hours: list[int], *, hours_per_week: int, start: datetime.date) -> list[datetime.date]:
    """Due dates for work done one piece after another at `hours_per_week`: each piece
    is due at the end of the week in which its cumulative hours are reached."""
    per_week = max(hours_per_week, 1)
    dates, total = [], 0
    for effort in hours:
        total += max(effort, 1)
        dates.append(start + datetime.timedelta(weeks=math.ceil(total / per_week)))
    return dates


def plan_suggestions(
    *, gaps: list[CompetencyGap], hours_per_week: int, start: datetime.date
) -> list[GoalSuggestion]:
    """One goal per gap (largest first), its actions, and their due dates."""
    competency_ids = [gap.competency_id for gap in gaps]
    competencies = Competency.objects.in_bulk(competency_ids)
    modules = (
        LearningModule.objects.filter(competencies__in=competency_ids)
        .prefetch_related("competencies")
        .distinct()
        .order_by("effort_hours", "title")
    )
    opportunities = (
        Opportunity.objects.open(start)
        .filter(competencies__in=competency_ids)
        .prefetch_related("competencies")
        .distinct()
        .soonest_first()
    )

    suggestions, used = [], set()  # a module or opening serves one goal, the largest gap
    for gap in gaps:
        competency = competencies[gap.competency_id]
        goal = GoalSuggestion(
            key=f"competency:{competency.pk}",
            title=f"Reach level {gap.target} in {competency.name}",
            competency=competency,
            target_level=gap.target,
            notes=f"Today you rate yourself at level {gap.current}; the pathway needs "
            f"level {gap.target}. Done when a new rating reaches it.",
        )
        builds = [
            m
            for m in modules
            if competency in m.competencies.all() and ("module", m.pk) not in used
        ]
        for module in builds[:MODULES_PER_GOAL]:
            used.add(("module", module.pk))
            goal.actions.append(
                ActionSuggestion(
                    key=f"module:{module.pk}",
                    title=module.title,
                    effort_hours=module.effort_hours,
                    module=module,
                )
            )
        opening = next(
            (
                o
                for o in opportunities
                if competency in o.competencies.all() and ("opportunity", o.pk) not in used
            ),
            None,
        )
        if opening is not None:
            used.add(("opportunity", opening.pk))
            goal.actions.append(
                ActionSuggestion(
                    key=f"opportunity:{opening.pk}",
                    title=f"Apply: {opening.title}",
                    effort_hours=OPPORTUNITY_HOURS,
                    opportunity=opening,
                )
            )
        suggestions.append(goal)

    flat = [action for goal in suggestions for action in goal.actions]
    due = schedule([a.effort_hours for a in flat], hours_per_week=hours_per_week, start=start)
    for action, date in zip(flat, due, strict=True):
        deadline = action.opportunity.deadline if action.opportunity else None
        action.due_date = min(date, deadline) if deadline else date
    for goal in suggestions:
        goal.due_date = max((a.due_date for a in goal.actions), default=None)
    return suggestions


# --- Generation ----------------------------------------------------------------------


def _record(plan: CareerPlan, actor: User | None, summary: str, details: dict | None = None):
    PlanChange.objects.create(plan=plan, actor=actor, summary=summary[:300], details=details or {})


def _untouched(item) -> bool:
    return not item.edited and item.status == ItemStatus.NOT_STARTED


@transaction.atomic
def plan_generate(*, owner: User, pathway: Pathway, actor: User) -> CareerPlan:
    """Create the plan for `pathway` from the owner's gaps, or regenerate it; due dates
    count from the clock's today."""
    plan, created = CareerPlan.objects.select_for_update().get_or_create(
        owner=owner, pathway=pathway
    )
    results = results_for(subject=owner, pathway_slug=pathway.slug)
    gaps = [g for g in results.gaps if g.weighted_gap]
    gaps = sorted(gaps, key=lambda g: (-g.weighted_gap, -g.weight, g.name))[:GOALS_FROM_GAPS]
    assessment = latest_completed_assessment(owner)
    hours = (assessment.hours_per_week if assessment else None) or DEFAULT_HOURS_PER_WEEK
    suggestions = plan_suggestions(gaps=gaps, hours_per_week=hours, start=clock.today())

    goals = {g.generated_key: g for g in plan.goals.exclude(generated_key="")}
    actions = {
        (a.goal_id, a.generated_key): a
        for a in PlanAction.objects.filter(goal__plan=plan).exclude(generated_key="")
    }
    dismissed = set(plan.dismissed_keys)
    added = refreshed = 0
    next_order = (plan.goals.aggregate(top=Max("order"))["top"] or 0) + 1
    for suggestion in suggestions:
        if suggestion.key in dismissed:
            continue
        goal = goals.get(suggestion.key)
        if goal is not None and goal.is_removed:
            continue  # dismissed while removed; this guards the unique key regardless
        values = {
            "title": suggestion.title,
            "notes": suggestion.notes,
            "competency": suggestion.competency,
            "target_level": suggestion.target_level,
            "due_date": suggestion.due_date,
        }
        if goal is None:
            goal = PlanGoal.objects.create(
                plan=plan,
                section=PlanSection.LEARNING_OBJECTIVES,
                generated_key=suggestion.key,
                order=next_order,
                **values,
            )
            next_order += 1
            added += 1
        elif _untouched(goal):
            PlanGoal.objects.filter(pk=goal.pk).update(**values, version=F("version") + 1)
            refreshed += 1
        for order, action_s in enumerate(suggestion.actions):
            if f"{suggestion.key}/{action_s.key}" in dismissed:
                continue
            action = actions.get((goal.pk, action_s.key))
            if action is not None and action.is_removed:
                continue
            values = {
                "title": action_s.title,
                "due_date": action_s.due_date,
                "effort_hours": action_s.effort_hours,
                "module": action_s.module,
                "opportunity": action_s.opportunity,
            }
            if action is None:
                PlanAction.objects.create(
                    goal=goal, generated_key=action_s.key, order=order, **values
                )
                added += 1
            elif _untouched(action):
                PlanAction.objects.filter(pk=action.pk).update(**values, version=F("version") + 1)
                refreshed += 1
    plan.generated_at = clock.now()
    plan.save(update_fields=["generated_at", "updated_at"])
    verb = "Generated the plan" if created else "Regenerated the plan"
    _record(plan, actor, f"{verb}: {added} new suggestions, {refreshed} refreshed.")
    return plan


# --- The physician's edits -------------------------------------------------------------

GOAL_FIELDS = ("title", "section", "notes", "status", "due_date", "target_level")
ACTION_FIELDS = ("title", "notes", "evidence", "status", "due_date", "effort_hours", "goal")


def _changes(item, data: dict, fields: tuple[str, ...]) -> dict:
    changes = {}
    for name in fields:
        if name not in data:
            continue
        before = getattr(item, name)
        after = data[name]
        if before != after:
            changes[name] = [
                str(before) if before is not None else "",
                str(after) if after is not None else "",
            ]
    return changes


def _save_versioned(model, item, data: dict, version: int) -> None:
    """Save only if nobody saved since `version` was read; else raise PlanConflict."""
    updated = model.objects.filter(pk=item.pk, version=version).update(
        **data, edited=True, version=F("version") + 1, updated_at=clock.now()
    )
    if not updated:
        raise PlanConflict(current=model.objects.get(pk=item.pk))


@transaction.atomic
def goal_create(*, plan: CareerPlan, actor: User, data: dict) -> PlanGoal:
    order = (plan.goals.filter(section=data["section"]).aggregate(top=Max("order"))["top"] or 0) + 1
    goal = PlanGoal.objects.create(plan=plan, order=order, edited=True, **data)
    _record(plan, actor, f"Added the goal “{goal.title}” to {goal.get_section_display()}.")
    return goal


@transaction.atomic
def goal_update(*, goal: PlanGoal, actor: User, data: dict, version: int) -> None:
    # Compare with the row as stored: a bound form may already have changed `goal`.
    goal = PlanGoal.objects.select_related("plan").get(pk=goal.pk)
    changes = _changes(goal, data, GOAL_FIELDS)
    _save_versioned(PlanGoal, goal, data, version)
    if changes:
        _record(goal.plan, actor, f"Changed the goal “{data.get('title', goal.title)}”.", changes)


def _dismiss(plan: CareerPlan, key: str, *, dismissed: bool) -> None:
    """Regeneration leaves out the suggestions whose keys are dismissed: those of the
    removed goals and actions, until they are restored."""
    keys = set(plan.dismissed_keys)
    keys = keys | {key} if dismissed else keys - {key}
    plan.dismissed_keys = sorted(keys)
    plan.save(update_fields=["dismissed_keys", "updated_at"])


def _action_key(action: PlanAction, goal: PlanGoal) -> str:
    """The dismissal key of a generated action of a generated goal, else ""."""
    if action.generated_key and goal.generated_key:
        return f"{goal.generated_key}/{action.generated_key}"
    return ""


@transaction.atomic
def goal_remove(*, goal: PlanGoal, actor: User) -> None:
    """Take the goal and its actions out of the plan, keeping the rows; its actions are
    marked as removed with it, so restoring the goal brings back exactly those."""
    goal = PlanGoal.objects.select_for_update().select_related("plan").get(pk=goal.pk)
    if goal.is_removed:
        return
    plan, now = goal.plan, clock.now()
    goal.actions.not_removed().update(removed_at=now, removed_with_goal=True)
    PlanGoal.objects.filter(pk=goal.pk).update(removed_at=now, version=F("version") + 1)
    if goal.generated_key:
        _dismiss(plan, goal.generated_key, dismissed=True)
    _record(plan, actor, f"Removed the goal “{goal.title}” and its actions.")


@transaction.atomic
def goal_restore(*, goal: PlanGoal, actor: User) -> None:
    """Put a removed goal back, with the actions removed with it (not those removed
    before it); a generated goal is suggested again from then on."""
    goal = PlanGoal.objects.select_for_update().select_related("plan").get(pk=goal.pk)
    if not goal.is_removed:
        return
    plan = goal.plan
    goal.actions.filter(removed_with_goal=True).update(removed_at=None, removed_with_goal=False)
    PlanGoal.objects.filter(pk=goal.pk).update(removed_at=None, version=F("version") + 1)
    if goal.generated_key:
        _dismiss(plan, goal.generated_key, dismissed=False)
    _record(plan, actor, f"Restored the goal “{goal.title}” and its actions.")


@transaction.atomic
def action_create(*, goal: PlanGoal, actor: User, data: dict) -> PlanAction:
    data = {**data, "goal": goal}
    order = (goal.actions.aggregate(top=Max("order"))["top"] or 0) + 1
    action = PlanAction.objects.create(order=order, edited=True, **data)
    _record(goal.plan, actor, f"Added the action “{action.title}” to “{goal.title}”.")
    return action


@transaction.atomic
def action_update(*, action: PlanAction, actor: User, data: dict, version: int) -> None:
    """`data["goal"]` may move the action, but only to a goal of the same plan."""
    # Compare with the row as stored: a bound form may already have changed `action`.
    action = PlanAction.objects.select_related("goal__plan").get(pk=action.pk)
    target = data.get("goal", action.goal)
    if target.plan_id != action.goal.plan_id:
        raise ValidationError("An action can only move to another goal of the same plan.")
    changes = _changes(action, data, ACTION_FIELDS)
    _save_versioned(PlanAction, action, data, version)
    if changes:
        _record(
            action.goal.plan,
            actor,
            f"Changed the action “{data.get('title', action.title)}”.",
            changes,
        )


@transaction.atomic
def action_remove(*, action: PlanAction, actor: User) -> None:
    action = PlanAction.objects.select_for_update().select_related("goal__plan").get(pk=action.pk)
    if action.is_removed:
        return
    goal = action.goal
    PlanAction.objects.filter(pk=action.pk).update(removed_at=clock.now(), version=F("version") + 1)
    if key := _action_key(action, goal):
        _dismiss(goal.plan, key, dismissed=True)
    _record(goal.plan, actor, f"Removed the action “{action.title}” from “{goal.title}”.")


@transaction.atomic
def action_restore(*, action: PlanAction, actor: User) -> None:
    """Put a removed action back in its goal; refused while the goal itself is removed."""
    action = PlanAction.objects.select_for_update().select_related("goal__plan").get(pk=action.pk)
    goal = action.goal
    if goal.is_removed:
        raise ValidationError(f"Restore the goal “{goal.title}” first: the action is part of it.")
    if not action.is_removed:
        return
    PlanAction.objects.filter(pk=action.pk).update(
        removed_at=None, removed_with_goal=False, version=F("version") + 1
    )
    if key := _action_key(action, goal):
        _dismiss(goal.plan, key, dismissed=False)
    _record(goal.plan, actor, f"Restored the action “{action.title}” to “{goal.title}”.")


@transaction.atomic
def item_move(*, item, actor: User, direction: str) -> None:
    """Swap a goal (within its section) or an action (within its goal) with the one
    before or after it."""
    if isinstance(item, PlanGoal):
        siblings = list(
            item.plan.goals.not_removed().filter(section=item.section).order_by("order", "pk")
        )
        plan = item.plan
    else:
        siblings = list(item.goal.actions.not_removed().order_by("order", "pk"))
        plan = item.goal.plan
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for order, sibling in enumerate(siblings):
        if sibling.order != order:
            type(sibling).objects.filter(pk=sibling.pk).update(order=order)
    _record(plan, actor, f"Moved “{item.title}” {direction}.")


@transaction.atomic
def plan_set_status(*, plan: CareerPlan, actor: User, status: str, as_mentor: bool = False) -> None:
    """Move the plan on. The owner asks for review, starts, completes and reopens; a
    reviewing mentor (the mentors app) starts, passes or returns a review."""
    if status not in PlanStatus.values or not plan.can_move_to(status, as_mentor=as_mentor):
        raise ValidationError(
            f"A plan that is {plan.get_status_display().lower()} cannot move to that status."
        )
    before = plan.get_status_display()
    plan.status = status
    plan.save(update_fields=["status", "updated_at"])
    _record(
        plan,
        actor,
        f"Status: {before} → {plan.get_status_display()}.",
        {"status": [before, plan.get_status_display()]},
    )


@transaction.atomic
def plan_calendar_token_reset(*, plan: CareerPlan, actor: User) -> None:
    plan.calendar_token = new_calendar_token()
    plan.save(update_fields=["calendar_token", "updated_at"])
    _record(plan, actor, "Reset the calendar link; the old one no longer works.")
