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
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max

from assessments.selectors import latest_completed_assessment, results_for
from cmo_portal import clock
from cmo_portal.accounts.models import User
from pathways import plan_rules
from pathways.models.curriculum import Pathway
from pathways.models.plan import (
    CareerPlan,
    ItemStatus,
    PlanAction,
    PlanChange,
    PlanGoal,
    PlanStatus,
    new_calendar_token,
)

from .plan_needs import ActionSuggestion, GoalSuggestion, Needs
from .plan_sections import plan_suggestions


def plan_change_record(
    plan: CareerPlan, actor: User | None, summary: str, details: dict | None = None
) -> PlanChange:
    """One line of the plan's history: every write to a plan records what it did."""
    return PlanChange.objects.create(
        plan=plan, actor=actor, summary=summary[:300], details=details or {}
    )


def _untouched(item) -> bool:
    return not item.edited and item.status == ItemStatus.NOT_STARTED


def dismissed_action_keys(plan: CareerPlan) -> set[str]:
    """The generated actions the physician removed, whichever goal they were under: a
    dismissal key is "<goal key>/<action key>" (plan_items._action_key)."""
    return {key.split("/", 1)[1] for key in plan.dismissed_keys if "/" in key}


class _Generation:
    """One generation of one plan: reads what is there, then writes what is new or
    refreshable, counting both for the history line."""

    def __init__(self, plan: CareerPlan, needs: Needs) -> None:
        self.plan, self.needs, self.now = plan, needs, clock.now()
        self.goals = {g.generated_key: g for g in plan.goals.exclude(generated_key="")}
        self.by_key: dict[str, list[PlanAction]] = defaultdict(list)
        for action in (
            PlanAction.objects.filter(goal__plan=plan)
            .exclude(generated_key="")
            .select_related("opportunity")
            .prefetch_related("serves")
            .order_by("pk")
        ):
            self.by_key[action.generated_key].append(action)
        self.dismissed = set(plan.dismissed_keys)
        self.dismissed_actions = dismissed_action_keys(plan)
        self.added = self.refreshed = self.merged = 0
        self.leftovers: dict[str, PlanAction] = {}
        self.next_order = (plan.goals.aggregate(top=Max("order"))["top"] or 0) + 1

    # --- scheduling

    def kept(self, action: PlanAction) -> bool:
        return not action.is_removed and not _untouched(action)

    def schedule(self, suggestions: list[GoalSuggestion]) -> plan_rules.Schedule:
        """Due dates for what will be new or refreshed, around what the physician keeps."""
        start, hours = self.needs.start, self.needs.hours_per_week
        own = (
            PlanAction.objects.filter(goal__plan=self.plan, generated_key="")
            .not_removed()
            .exclude(status=ItemStatus.DONE)
        )
        generated = [a for actions in self.by_key.values() for a in actions if self.kept(a)]
        kept = [
            (action.effort_hours or 1, action.due_date)
            for action in [*generated, *own]
            if action.status != ItemStatus.DONE and action.due_date is not None
        ]
        booked = plan_rules.booked_hours(kept, hours_per_week=hours, start=start)
        work, seen = [], set()
        for goal in sorted(suggestions, key=lambda g: self.needs.phase(g.section)):
            for action in goal.actions:
                existing = self.by_key.get(action.key, [])
                if action.key in seen or any(self.kept(a) for a in existing):
                    continue
                seen.add(action.key)
                work.append(
                    plan_rules.Work(
                        action.key, action.effort_hours, action.deadline, action.not_before
                    )
                )
        # Suggestions of earlier generations that nobody touched and this one does not
        # make again stay in the plan, and are planned again after the rest.
        suggested = {action.key for goal in suggestions for action in goal.actions}
        self.leftovers = {
            f"earlier:{action.pk}": action
            for key, actions in self.by_key.items()
            if key not in suggested
            for action in actions
            if not action.is_removed and _untouched(action)
        }
        work += [
            plan_rules.Work(
                key,
                action.effort_hours or 1,
                action.opportunity.deadline_to_act_on if action.opportunity else None,
            )
            for key, action in self.leftovers.items()
        ]
        return plan_rules.schedule(work, hours_per_week=hours, start=start, booked=booked)

    def replan_leftovers(self, timing: plan_rules.Schedule) -> None:
        for key, action in self.leftovers.items():
            slot = timing.slots.get(key)
            if slot is not None and slot.due != action.due_date:
                PlanAction.objects.filter(pk=action.pk).update(
                    due_date=slot.due, version=F("version") + 1
                )

    def kept_due_date(self, key: str) -> datetime.date | None:
        """The due date of the physician's own copy of a suggestion (started, edited,
        done): what its goal's date counts, as it is not planned again."""
        dates = [a.due_date for a in self.by_key.get(key, []) if self.kept(a) and a.due_date]
        return max(dates, default=None)

    # --- goals

    def goal_for(self, suggestion: GoalSuggestion) -> PlanGoal | None:
        """The goal of the suggestion, made or refreshed; None when the physician
        dismissed or removed it."""
        if suggestion.key in self.dismissed:
            return None
        goal = self.goals.get(suggestion.key)
        if goal is not None and goal.is_removed:
            return None  # dismissed while removed; this guards the unique key regardless
        values = {
            "title": suggestion.title,
            "notes": suggestion.notes,
            "section": suggestion.section,
            "competency_id": suggestion.competency_id,
            "target_level": suggestion.target_level,
            "due_date": suggestion.due_date,
        }
        if goal is None:
            goal = PlanGoal.objects.create(
                plan=self.plan, generated_key=suggestion.key, order=self.next_order, **values
            )
            self.goals[suggestion.key] = goal
            self.next_order += 1
            self.added += 1
        elif _untouched(goal):
            PlanGoal.objects.filter(pk=goal.pk).update(**values, version=F("version") + 1)
            self.refreshed += 1
        return goal

    # --- actions

    def place(self, suggestion: ActionSuggestion, goals: list[PlanGoal], order: int) -> None:
        """The one action of a module, opportunity or mentor: listed under the first of
        `goals` and serving the others."""
        if suggestion.key in self.dismissed_actions or not goals:
            return
        live = [a for a in self.by_key.get(suggestion.key, []) if not a.is_removed]
        primary = next((a for a in live if self.kept(a)), None) or next(
            (a for a in live if a.goal_id == goals[0].pk), live[0] if live else None
        )
        values = {
            "title": suggestion.title,
            "notes": suggestion.notes,
            "due_date": suggestion.due_date,
            "effort_hours": suggestion.effort_hours,
            "module": suggestion.module,
            "opportunity": suggestion.opportunity,
            "mentor_id": suggestion.mentor_id,
        }
        known: set[int] = set()
        if primary is None:
            home = goals[0]
            # A copy folded away by an earlier generation, under this goal, comes back
            # rather than a second row (one row per goal and suggestion).
            folded = next(
                (a for a in self.by_key.get(suggestion.key, []) if a.goal_id == home.pk), None
            )
            if folded is not None:
                PlanAction.objects.filter(pk=folded.pk).update(
                    removed_at=None, order=order, **values, version=F("version") + 1
                )
                primary = folded
            else:
                primary = PlanAction.objects.create(
                    goal=home, generated_key=suggestion.key, order=order, **values
                )
            self.added += 1
        elif _untouched(primary):
            home = goals[0]
            PlanAction.objects.filter(pk=primary.pk).update(
                goal=home, order=order, **values, version=F("version") + 1
            )
            known = {g.pk for g in primary.serves.all()}
            self.refreshed += 1
        else:
            home = primary.goal
            known = {g.pk for g in primary.serves.all()}
        serves = {g.pk for g in goals}
        for copy in live:
            if copy.pk != primary.pk and _untouched(copy):
                # An earlier generation repeated it under another goal: fold the copy in.
                PlanAction.objects.filter(pk=copy.pk).update(removed_at=self.now)
                serves.add(copy.goal_id)
                self.merged += 1
        serves -= known | {home.pk}
        if serves:
            primary.serves.add(*serves)

    # --- progress

    def propose_met(self) -> int:
        """Goals whose competency's latest rating reaches the target are proposed as met,
        unless the physician kept the goal open after that rating."""
        results = self.needs.results
        latest = results.self_set.submitted_at if results.self_set else None
        current = {g.competency_id: g.current for g in results.gaps}
        proposed = 0
        for goal in (
            self.plan.goals.not_removed()
            .exclude(status=ItemStatus.DONE)
            .filter(met_proposed_at=None, competency__isnull=False, target_level__isnull=False)
        ):
            level = current.get(goal.competency_id or 0)
            if level is None or level < (goal.target_level or 0) or latest is None:
                continue
            if goal.kept_open_at is not None and goal.kept_open_at >= latest:
                continue
            values: dict = {"met_proposed_at": self.now}
            if _untouched(goal):
                values["notes"] = (
                    f"Your latest rating, level {level}, reaches this goal's target of "
                    f"level {goal.target_level}: confirm it is met, or keep working on it."
                )
            PlanGoal.objects.filter(pk=goal.pk).update(**values, version=F("version") + 1)
            proposed += 1
        return proposed


@transaction.atomic
def plan_generate(*, owner: User, pathway: Pathway, actor: User) -> CareerPlan:
    """Create the plan for `pathway` from the owner's needs assessment and gaps, or
    regenerate it; due dates count from the clock's today, within the hours a week the
    physician gave, around the work they keep."""
    plan, created = CareerPlan.objects.select_for_update().get_or_create(
        owner=owner, pathway=pathway
    )
    needs = Needs(
        owner=owner,
        pathway=pathway,
        results=results_for(subject=owner, pathway_slug=pathway.slug),
        assessment=latest_completed_assessment(owner),
        start=clock.today(),
        role_starts_on=plan.role_starts_on,
    )
    suggestions = plan_suggestions(needs)
    generation = _Generation(plan, needs)
    timing = generation.schedule(suggestions)
    late = set(timing.late)
    for goal_s in suggestions:
        goal_s.actions = [a for a in goal_s.actions if a.key not in late]
        for action in goal_s.actions:
            slot = timing.slots.get(action.key)
            action.due_date = slot.due if slot else generation.kept_due_date(action.key)
        dates = [a.due_date for a in goal_s.actions if a.due_date is not None]
        goal_s.due_date = max(dates, default=None)

    serving: dict[str, list[PlanGoal]] = defaultdict(list)
    actions: dict[str, tuple[ActionSuggestion, int]] = {}
    for goal_s in suggestions:
        goal = generation.goal_for(goal_s)
        for order, action in enumerate(goal_s.actions):
            if goal is not None:
                actions.setdefault(action.key, (action, order))
                serving[action.key].append(goal)
    for key, (action, order) in actions.items():
        generation.place(action, serving[key], order)
    generation.replan_leftovers(timing)
    proposed = generation.propose_met()

    plan.generated_at = generation.now
    plan.hours_per_week = needs.hours_per_week
    plan.horizon_end = needs.horizon_end
    plan.weeks_needed = timing.weeks_needed
    plan.save(
        update_fields=[
            "generated_at",
            "hours_per_week",
            "horizon_end",
            "weeks_needed",
            "updated_at",
        ]
    )
    verb = "Generated the plan" if created else "Regenerated the plan"
    summary = f"{verb}: {generation.added} new suggestions, {generation.refreshed} refreshed."
    if generation.merged:
        summary += f" Folded {_count(generation.merged, 'repeated suggestion', 'repeated suggestions')} into the one kept."
    if proposed:
        summary += f" {_count(proposed, 'goal looks', 'goals look')} met."
    if late:
        summary += (
            f" {_count(len(late), 'opening closes', 'openings close')} before it fits at this pace."
        )
    plan_change_record(plan, actor, summary)
    return plan


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def plans_refresh(*, user_id: int) -> int:
    """Regenerate every plan of the physician (after a reassessment); the number done."""
    owner = User.objects.filter(pk=user_id, is_active=True).first()
    if owner is None:
        return 0  # the account went before the task ran
    plans = list(CareerPlan.objects.filter(owner=owner).select_related("pathway"))
    for plan in plans:
        plan_generate(owner=owner, pathway=plan.pathway, actor=owner)
    return len(plans)


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
