"""The goals and actions of a career plan: the owner adds, edits (with a version check),
moves, removes and restores them. Everyone else gets a 404, even for an item removed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods, require_POST

from cmo_portal.accounts.requests import AuthenticatedHttpRequest
from cmo_portal.submissions.services import TOKEN_FIELD, AlreadySent, form_sent_once
from cmo_portal.submissions.views import already_sent
from pathways.forms.plan import ActionForm, GoalForm, MoveForm
from pathways.models.plan import CareerPlan, PlanAction, PlanGoal, PlanSection
from pathways.selectors import plan as selectors
from pathways.services import plan_items as services

from .plan import back_to, confirm_page, plan_editable


def goal_for_owner(user, pk: int) -> PlanGoal:
    goal = PlanGoal.objects.select_related("plan__pathway").filter(pk=pk, plan__owner=user).first()
    if goal is None:
        raise Http404("No such goal.")
    return goal


def action_for_owner(user, pk: int) -> PlanAction:
    action = (
        PlanAction.objects.select_related("goal__plan__pathway")
        .filter(pk=pk, goal__plan__owner=user)
        .first()
    )
    if action is None:
        raise Http404("No such action.")
    return action


def _item_form_page(request, *, kind: str, form, plan, item=None, conflict=None, status=200):
    """The add or edit page of a goal or an action (`kind`)."""
    return render(
        request,
        "pathways/plan_item_form.html",
        {"kind": kind, "form": form, "plan": plan, "item": item, "conflict": conflict},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_owner(user=request.user, pk=pk)
    if not plan_editable(request, plan):
        return redirect(plan)
    initial = (
        {"section": request.GET.get("section")}
        if request.GET.get("section") in PlanSection.values
        else {}
    )
    form = GoalForm(request.POST or None, plan=plan, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            with form_sent_once(
                user=request.user, token=request.POST.get(TOKEN_FIELD), content=request.POST
            ) as sending:
                goal = services.goal_create(plan=plan, actor=request.user, data=data)
                sending.leads_to = f"{plan.get_absolute_url()}#goal-{goal.pk}"
        except AlreadySent as repeat:
            return already_sent(request, repeat, fallback=plan.get_absolute_url())
        messages.success(request, f"Goal added to {goal.get_section_display()}.")
        return redirect(f"{plan.get_absolute_url()}#goal-{goal.pk}")
    return _item_form_page(
        request,
        kind="goal",
        form=form,
        plan=plan,
        status=400 if form.errors else 200,
    )


def _edit_item(
    request: AuthenticatedHttpRequest, *, item, plan: CareerPlan, kind: str, make_form, update
):
    """The edit page of a goal or an action, with the version check: when someone saved
    first, nothing is saved and the page shows their version beside what was typed."""
    if not plan_editable(request, plan):
        return redirect(plan)
    form = make_form(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "version"}
        try:
            update(data=data, version=form.cleaned_data["version"])
        except services.PlanConflict as conflict:
            # The form binds to a copy of its own, so the saved values shown beside it
            # stay the saved ones; it carries the new version for a deliberate re-save.
            form = make_form(request.POST, instance=type(item).objects.get(pk=item.pk))
            form.data = form.data.copy()
            form.data["version"] = conflict.current.version
            return _item_form_page(
                request,
                kind=kind,
                form=form,
                plan=plan,
                item=conflict.current,
                conflict=conflict.current,
                status=409,
            )
        messages.success(request, f"{kind.capitalize()} saved.")
        return redirect(f"{plan.get_absolute_url()}#{kind}-{item.pk}")
    return _item_form_page(
        request,
        kind=kind,
        form=form,
        plan=plan,
        item=item,
        status=400 if form.errors else 200,
    )


def removed_page(
    request: AuthenticatedHttpRequest, *, item, kind: str, plan: CareerPlan
) -> HttpResponse:
    """What a page of a removed goal or action answers (it may have been removed in
    another tab): that it was removed, when, and where to restore it."""
    return render(
        request,
        "pathways/plan_item_removed.html",
        {"item": item, "kind": kind, "plan": plan},
        status=410,
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    goal = goal_for_owner(request.user, pk)
    if goal.is_removed:
        return removed_page(request, item=goal, kind="goal", plan=goal.plan)
    return _edit_item(
        request,
        item=goal,
        plan=goal.plan,
        kind="goal",
        make_form=lambda *args, **kwargs: GoalForm(*args, plan=goal.plan, **kwargs),
        update=lambda data, version: services.goal_update(
            goal=goal, actor=request.user, data=data, version=version
        ),
    )


def _removed_message(request: AuthenticatedHttpRequest, title: str, plan: CareerPlan) -> None:
    messages.success(
        request,
        format_html(
            'Removed “{}”. You can restore it from <a href="{}">the removed list</a>.',
            title,
            reverse("pathways:plan-removed", kwargs={"pk": plan.pk}),
        ),
    )


def _confirm_removal(
    request: AuthenticatedHttpRequest,
    *,
    plan: CareerPlan,
    kind: str,
    item,
    leaves: str,
    restore: str = "",
    suggested: bool,
) -> HttpResponse:
    """The page that asks before a goal or an action is removed, in the same words for
    both: what leaves, that it stops counting, and that it can be restored."""
    consequences = [
        leaves,
        "It no longer counts in your progress, exports, calendar, reminders or digests, "
        "and your mentors no longer see it.",
        f"It goes to the removed list of this plan, where you can restore it{restore} at any time.",
    ]
    if suggested:
        consequences.append(
            "It was suggested from your gaps: while it is removed, updating the "
            "suggestions does not bring it back."
        )
    return confirm_page(
        request,
        title=f"Remove the {kind} “{item.title}”?",
        eyebrow=f"Career plan: {plan.pathway.title}",
        consequences=consequences,
        confirm_label=f"Remove the {kind}",
        keep_url=f"{plan.get_absolute_url()}#{kind}-{item.pk}",
        keep_label=f"Keep the {kind}",
        danger=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET asks; POST removes the goal and its actions (restorable from the removed list)."""
    goal = goal_for_owner(request.user, pk)
    plan = goal.plan
    if goal.is_removed:
        return removed_page(request, item=goal, kind="goal", plan=plan)
    if not plan_editable(request, plan):
        return redirect(plan)
    if request.method == "POST":
        services.goal_remove(goal=goal, actor=request.user)
        _removed_message(request, goal.title, plan)
        return redirect(plan)
    actions = goal.actions.not_removed().count()
    return _confirm_removal(
        request,
        plan=plan,
        kind="goal",
        item=goal,
        leaves=f"The goal “{goal.title}” leaves your plan"
        + (f", with its {actions} action{pluralize(actions)}." if actions else "."),
        restore=" with its actions",
        suggested=goal.is_generated,
    )


@login_required
@require_POST
def goal_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    goal = goal_for_owner(request.user, pk)
    if not plan_editable(request, goal.plan):
        return redirect(goal.plan)
    if goal.is_removed:
        services.goal_restore(goal=goal, actor=request.user)
        messages.success(request, f"Restored “{goal.title}” to your plan.")
    else:
        messages.info(request, f"“{goal.title}” is in your plan already.")
    return redirect(f"{goal.plan.get_absolute_url()}#goal-{goal.pk}")


@login_required
@require_POST
def goal_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    goal = goal_for_owner(request.user, pk)
    if goal.is_removed:
        return removed_page(request, item=goal, kind="goal", plan=goal.plan)
    form = MoveForm(request.POST)
    if form.is_valid() and plan_editable(request, goal.plan):
        services.item_move(item=goal, actor=request.user, direction=form.cleaned_data["direction"])
    return redirect(back_to(request, f"{goal.plan.get_absolute_url()}#goal-{goal.pk}"))


@login_required
@require_http_methods(["GET", "POST"])
def action_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    goal = goal_for_owner(request.user, pk)
    plan = goal.plan
    if goal.is_removed:
        return removed_page(request, item=goal, kind="goal", plan=plan)
    if not plan_editable(request, plan):
        return redirect(plan)
    form = ActionForm(request.POST or None, plan=plan, initial={"goal": goal})
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("version", "goal")}
        try:
            with form_sent_once(
                user=request.user, token=request.POST.get(TOKEN_FIELD), content=request.POST
            ) as sending:
                action = services.action_create(
                    goal=form.cleaned_data["goal"], actor=request.user, data=data
                )
                sending.leads_to = f"{plan.get_absolute_url()}#action-{action.pk}"
        except AlreadySent as repeat:
            return already_sent(request, repeat, fallback=plan.get_absolute_url())
        messages.success(request, "Action added.")
        return redirect(f"{plan.get_absolute_url()}#action-{action.pk}")
    return _item_form_page(
        request,
        kind="action",
        form=form,
        plan=plan,
        item=None,
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = action_for_owner(request.user, pk)
    plan = action.goal.plan
    if action.is_removed:
        return removed_page(request, item=action, kind="action", plan=plan)
    return _edit_item(
        request,
        item=action,
        plan=plan,
        kind="action",
        make_form=lambda *args, **kwargs: ActionForm(*args, plan=plan, **kwargs),
        update=lambda data, version: services.action_update(
            action=action, actor=request.user, data=data, version=version
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def action_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET asks; POST removes the action (restorable from the removed list)."""
    action = action_for_owner(request.user, pk)
    plan = action.goal.plan
    if action.is_removed:
        return removed_page(request, item=action, kind="action", plan=plan)
    if not plan_editable(request, plan):
        return redirect(plan)
    if request.method == "POST":
        services.action_remove(action=action, actor=request.user)
        _removed_message(request, action.title, plan)
        return redirect(f"{plan.get_absolute_url()}#goal-{action.goal_id}")
    return _confirm_removal(
        request,
        plan=plan,
        kind="action",
        item=action,
        leaves=f"The action “{action.title}” leaves the goal “{action.goal.title}”.",
        suggested=action.is_generated and action.goal.is_generated,
    )


@login_required
@require_POST
def action_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = action_for_owner(request.user, pk)
    plan = action.goal.plan
    if not plan_editable(request, plan):
        return redirect(plan)
    try:
        services.action_restore(action=action, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("pathways:plan-removed", pk=plan.pk)
    messages.success(request, f"Restored “{action.title}” to “{action.goal.title}”.")
    return redirect(f"{plan.get_absolute_url()}#action-{action.pk}")


@login_required
@require_POST
def action_move(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = action_for_owner(request.user, pk)
    if action.is_removed:
        return removed_page(request, item=action, kind="action", plan=action.goal.plan)
    form = MoveForm(request.POST)
    if form.is_valid() and plan_editable(request, action.goal.plan):
        services.item_move(
            item=action, actor=request.user, direction=form.cleaned_data["direction"]
        )
    return redirect(back_to(request, f"{action.goal.plan.get_absolute_url()}#action-{action.pk}"))
