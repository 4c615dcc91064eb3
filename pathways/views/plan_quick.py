"""One click, on the plan page or the dashboard: an action done (or not done after all),
a goal that a new rating reached confirmed met or kept open. Each is a POST from a small
form that works without JavaScript and redirects back to where the click was (the item
in the plan, or the page named by `next`) with a message. A second click changes
nothing; a click on a page older than the item says so and changes nothing either."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from cmo_portal.accounts.requests import AuthenticatedHttpRequest
from pathways.forms.plan import VersionForm
from pathways.services import plan_items as services

from .plan import back_to, plan_editable
from .plan_items import action_for_owner, goal_for_owner, removed_page


def _action_status(request: AuthenticatedHttpRequest, pk: int, *, done: bool) -> HttpResponse:
    action = action_for_owner(request.user, pk)
    plan = action.goal.plan
    if action.is_removed:
        return removed_page(request, item=action, kind="action", plan=plan)
    # The action in its goal shown in full: a done one is listed there, with its undo.
    in_plan = f"{plan.get_absolute_url()}?goal={action.goal_id}#action-{action.pk}"
    back = back_to(request, in_plan)
    if not plan_editable(request, plan):
        return redirect(back)
    form = VersionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            f"“{action.title}” was not changed: the button did not say which version of it "
            "it was pressed on. Reload the page and press it again.",
        )
        return redirect(back)
    mark = services.action_mark_done if done else services.action_mark_not_done
    try:
        changed = mark(action=action, actor=request.user, version=form.cleaned_data["version"])
    except services.PlanConflict:
        messages.warning(
            request,
            f"“{action.title}” was changed somewhere else (another tab or device) after "
            "this page was shown, so nothing was changed. Here it is as it is now.",
        )
        return redirect(back)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    if changed and done:
        undo = (
            "" if back == in_plan else format_html(' <a href="{}">Undo in your plan</a>', in_plan)
        )
        messages.success(request, format_html("Marked “{}” done.{}", action.title, undo))
    elif changed:
        messages.success(request, f"“{action.title}” is not done after all: back to not started.")
    elif done:
        messages.info(request, f"“{action.title}” is marked done already.")
    else:
        messages.info(request, f"“{action.title}” is not marked done: nothing to undo.")
    return redirect(back)


@login_required
@require_POST
def action_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _action_status(request, pk, done=True)


@login_required
@require_POST
def action_not_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _action_status(request, pk, done=False)


def _goal_answer(request: AuthenticatedHttpRequest, pk: int, *, met: bool) -> HttpResponse:
    goal = goal_for_owner(request.user, pk)
    plan = goal.plan
    if goal.is_removed:
        return removed_page(request, item=goal, kind="goal", plan=plan)
    back = back_to(request, f"{plan.get_absolute_url()}#goal-{goal.pk}")
    if not plan_editable(request, plan):
        return redirect(back)
    answer = services.goal_confirm_met if met else services.goal_keep_open
    try:
        answered = answer(goal=goal, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(back)
    if answered and met:
        messages.success(request, f"Well done: “{goal.title}” is met.")
    elif answered:
        messages.success(
            request,
            f"“{goal.title}” stays open. It is proposed as met again only after a later rating.",
        )
    else:
        messages.info(request, f"“{goal.title}” was answered already: nothing changed.")
    return redirect(back)


@login_required
@require_POST
def goal_met(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _goal_answer(request, pk, met=True)


@login_required
@require_POST
def goal_keep_open(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _goal_answer(request, pk, met=False)
