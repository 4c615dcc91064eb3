"""What happened to a career plan: its history, for whoever may read the plan, and the
list of goals and actions its owner removed, each with Restore."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from pathways.selectors import plan as selectors


@login_required
@require_safe
def plan_history(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_viewer(viewer=request.user, pk=pk)
    changes = plan.changes.select_related("actor__profile")[:500]
    return render(request, "pathways/plan_history.html", {"plan": plan, "changes": changes})


@login_required
@require_safe
def plan_removed(request: HttpRequest, pk: int) -> HttpResponse:
    """The goals and actions the owner removed, newest first, each with Restore."""
    plan = selectors.plan_get_for_owner(user=request.user, pk=pk)
    return render(
        request,
        "pathways/plan_removed.html",
        {"plan": plan, "removed": selectors.plan_removed_items(plan)},
    )
