"""The career plan: generated from the gap analysis, then owned by the physician, who
edits its goals and actions (plan_items.py).

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

from assessments.scoring import CompetencyGap, top_gaps
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
        # Every action has its date from the loop above; a goal without actions has none.
        dates = [a.due_date for a in goal.actions if a.due_date is not None]
        goal.due_date = max(dates, default=None)
    return suggestions


# --- Generation ----------------------------------------------------------------------


def plan_change_record(
    plan: CareerPlan, actor: User | None, summary: str, details: dict | None = None
) -> PlanChange:
    """One line of the plan's history: every write to a plan records what it did."""
    return PlanChange.objects.create(
        plan=plan, actor=actor, summary=summary[:300], details=details or {}
    )


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
    gaps = top_gaps(results.gaps, limit=GOALS_FROM_GAPS)
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
    plan_change_record(plan, actor, f"{verb}: {added} new suggestions, {refreshed} refreshed.")
    return plan


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
    plan_change_record(
        plan,
        actor,
        f"Status: {before} → {plan.get_status_display()}.",
        {"status": [before, plan.get_status_display()]},
    )


@transaction.atomic
def plan_calendar_token_reset(*, plan: CareerPlan, actor: User) -> None:
    plan.calendar_token = new_calendar_token()
    plan.save(update_fields=["calendar_token", "updated_at"])
    plan_change_record(plan, actor, "Reset the calendar link; the old one no longer works.")
