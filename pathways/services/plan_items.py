"""The physician's edits of the goals and actions of their plan: add, change (with a
version check, so a save made in another tab is not overwritten), remove and restore
(the rows are kept), and move; an action done (or not) with one click, a goal proposed
as met confirmed or kept open, the day a role accepted starts. Each write records a line
of the plan's history."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Max
from django.utils.formats import date_format

from cmo_portal import clock
from cmo_portal.accounts.models import User
from pathways.models.plan import CareerPlan, ItemStatus, PlanAction, PlanGoal

from .plan import plan_change_record, plan_generate


class PlanConflict(Exception):
    """Someone saved the item after this edit was opened: nothing was saved."""

    def __init__(self, current) -> None:
        super().__init__("The item changed since you opened it.")
        self.current = current


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
    plan_change_record(
        plan, actor, f"Added the goal “{goal.title}” to {goal.get_section_display()}."
    )
    return goal


@transaction.atomic
def goal_update(*, goal: PlanGoal, actor: User, data: dict, version: int) -> None:
    # Compare with the row as stored: a bound form may already have changed `goal`.
    goal = PlanGoal.objects.select_related("plan").get(pk=goal.pk)
    changes = _changes(goal, data, GOAL_FIELDS)
    _save_versioned(PlanGoal, goal, data, version)
    if changes:
        plan_change_record(
            goal.plan, actor, f"Changed the goal “{data.get('title', goal.title)}”.", changes
        )


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
    plan_change_record(plan, actor, f"Removed the goal “{goal.title}” and its actions.")


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
    plan_change_record(plan, actor, f"Restored the goal “{goal.title}” and its actions.")


@transaction.atomic
def action_create(*, goal: PlanGoal, actor: User, data: dict) -> PlanAction:
    data = {**data, "goal": goal}
    order = (goal.actions.aggregate(top=Max("order"))["top"] or 0) + 1
    action = PlanAction.objects.create(order=order, edited=True, **data)
    plan_change_record(goal.plan, actor, f"Added the action “{action.title}” to “{goal.title}”.")
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
        plan_change_record(
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
    plan_change_record(
        goal.plan, actor, f"Removed the action “{action.title}” from “{goal.title}”."
    )


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
    plan_change_record(goal.plan, actor, f"Restored the action “{action.title}” to “{goal.title}”.")


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
    plan_change_record(plan, actor, f"Moved “{item.title}” {direction}.")


# --- One click: an action done, a goal met -------------------------------------------
# A status set with one click leaves `edited` as it was: regeneration already leaves an
# item alone once it is not "not started", and an action put back to "not started" is a
# suggestion again, as it was before the click.


def _action_status_set(*, action: PlanAction, actor: User, version: int, status: str) -> bool:
    action = PlanAction.objects.select_for_update().select_related("goal__plan").get(pk=action.pk)
    if action.is_removed:
        raise ValidationError(f"“{action.title}” was removed from the plan.")
    if action.status == status:
        return False  # a repeated click: it is so already
    updated = PlanAction.objects.filter(pk=action.pk, version=version).update(
        status=status, version=F("version") + 1, updated_at=clock.now()
    )
    if not updated:
        raise PlanConflict(current=action)
    verb = "done" if status == ItemStatus.DONE else "not done"
    plan_change_record(
        action.goal.plan,
        actor,
        f"Marked the action “{action.title}” {verb}.",
        {"status": [action.status, status]},
    )
    return True


@transaction.atomic
def action_mark_done(*, action: PlanAction, actor: User, version: int) -> bool:
    """Mark the action done, if nobody changed it since `version` (else PlanConflict).
    False, and nothing recorded, when it is done already (a second click)."""
    return _action_status_set(action=action, actor=actor, version=version, status=ItemStatus.DONE)


@transaction.atomic
def action_mark_not_done(*, action: PlanAction, actor: User, version: int) -> bool:
    """Undo "done": the action is not started again. False when it is not done (a second
    click, or someone set another status already)."""
    current = PlanAction.objects.filter(pk=action.pk).values_list("status", flat=True).first()
    if current != ItemStatus.DONE:
        return False
    return _action_status_set(
        action=action, actor=actor, version=version, status=ItemStatus.NOT_STARTED
    )


def _goal_proposal_locked(goal: PlanGoal) -> PlanGoal | None:
    """The goal, locked, while it is proposed as met; None once the proposal is answered."""
    goal = PlanGoal.objects.select_for_update().select_related("plan").get(pk=goal.pk)
    if goal.is_removed:
        raise ValidationError(f"“{goal.title}” was removed from the plan.")
    return goal if goal.met_proposed_at is not None else None


@transaction.atomic
def goal_confirm_met(*, goal: PlanGoal, actor: User) -> bool:
    """The physician agrees the goal a new rating reached is met: it is done and the
    proposal answered. False when there was no proposal to answer (a second click)."""
    locked = _goal_proposal_locked(goal)
    if locked is None:
        return False
    PlanGoal.objects.filter(pk=locked.pk).update(
        status=ItemStatus.DONE,
        met_proposed_at=None,
        version=F("version") + 1,
        updated_at=clock.now(),
    )
    details = (
        {"status": [locked.status, ItemStatus.DONE]} if locked.status != ItemStatus.DONE else {}
    )
    plan_change_record(locked.plan, actor, f"Confirmed the goal “{locked.title}” met.", details)
    return True


@transaction.atomic
def goal_keep_open(*, goal: PlanGoal, actor: User) -> bool:
    """The physician keeps working on the goal a new rating reached: the proposal is
    answered, and made again only after a later rating set. False when there was none."""
    locked = _goal_proposal_locked(goal)
    if locked is None:
        return False
    now = clock.now()
    PlanGoal.objects.filter(pk=locked.pk).update(
        met_proposed_at=None, kept_open_at=now, version=F("version") + 1, updated_at=now
    )
    plan_change_record(locked.plan, actor, f"Kept the goal “{locked.title}” open, to work on.")
    return True


# --- A role accepted ----------------------------------------------------------------


@transaction.atomic
def plan_role_start_set(*, plan: CareerPlan, actor: User, starts_on: datetime.date | None) -> bool:
    """Record the day the role the physician accepted starts (None: no role lined up any
    more) and regenerate the plan, which plans the first 90 days from it. False when the
    day is the one recorded already."""
    plan = CareerPlan.objects.select_for_update().select_related("owner", "pathway").get(pk=plan.pk)
    before = plan.role_starts_on
    if before == starts_on:
        return False
    plan.role_starts_on = starts_on
    plan.save(update_fields=["role_starts_on", "updated_at"])
    summary = (
        f"The new role starts on {date_format(starts_on, 'j F Y')}."
        if starts_on
        else "No new role lined up any more."
    )
    plan_change_record(
        plan,
        actor,
        summary,
        {
            "role_starts_on": [
                before.isoformat() if before else "",
                starts_on.isoformat() if starts_on else "",
            ]
        },
    )
    plan_generate(owner=plan.owner, pathway=plan.pathway, actor=actor)
    return True
