"""The career plan's pages: owned and edited by the physician, read by the physician's
active mentors, who also comment and review (mentors/views/reviews.py), and by support
(cmo_portal/accounts/access.py)."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.selectors import latest_completed_assessment
from cmo_portal.submissions.services import TOKEN_FIELD, AlreadySent, form_sent_once
from cmo_portal.submissions.views import already_sent
from mentors.forms import CommentForm
from mentors.models import Mentorship
from mentors.selectors import active_mentorship, plan_feedback
from pathways.forms.plan import ActionForm, GoalForm, MoveForm, PlanCreateForm, PlanStatusForm
from pathways.models.plan import (
    CareerPlan,
    PlanAction,
    PlanGoal,
    PlanSection,
)
from pathways.selectors import plan as selectors
from pathways.services import plan as services


def _editable(request: HttpRequest, plan: CareerPlan) -> bool:
    """A complete plan is kept as it was; the owner reopens it to change it."""
    if plan.is_complete:
        messages.warning(request, "This plan is complete. Reopen it to make changes.")
        return False
    return True


def _goal_for_owner(user, pk: int) -> PlanGoal:
    goal = PlanGoal.objects.select_related("plan__pathway").filter(pk=pk, plan__owner=user).first()
    if goal is None:
        raise Http404("No such goal.")
    return goal


def _action_for_owner(user, pk: int) -> PlanAction:
    action = (
        PlanAction.objects.select_related("goal__plan__pathway")
        .filter(pk=pk, goal__plan__owner=user)
        .first()
    )
    if action is None:
        raise Http404("No such action.")
    return action


@login_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    plans = list(
        CareerPlan.objects.filter(owner=request.user)
        .select_related("pathway")
        .prefetch_related(selectors.plan_items_prefetch())
    )
    assessment = latest_completed_assessment(request.user)
    planned = {plan.pathway_id for plan in plans}
    unplanned = [
        p for p in (assessment.ranked_pathways() if assessment else []) if p.pk not in planned
    ]
    return render(
        request,
        "pathways/plan_list.html",
        {"plans": plans, "unplanned": unplanned, "assessment": assessment},
    )


@login_required
@require_POST
def plan_create(request: HttpRequest) -> HttpResponse:
    form = PlanCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("pathways:plan-list")
    # Two plans for one pathway are refused by a unique constraint; the token spares the
    # second sending a regeneration and a second line in the plan's history.
    try:
        with form_sent_once(
            user=request.user, token=request.POST.get(TOKEN_FIELD), content=request.POST
        ) as sending:
            plan = services.plan_generate(
                owner=request.user, pathway=form.cleaned_data["pathway"], actor=request.user
            )
            sending.leads_to = plan.get_absolute_url()
    except AlreadySent as repeat:
        return already_sent(request, repeat, fallback=reverse("pathways:plan-list"))
    if not plan.goals.exists():
        messages.info(
            request,
            "Your plan is ready for your own goals. Rate your competencies to get goals "
            "suggested from your gaps.",
        )
    else:
        messages.success(request, "Here is your plan, built from your largest gaps.")
    return redirect(plan)


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_with_items(selectors.plan_get_for_viewer(viewer=request.user, pk=pk))
    goals = sorted(
        plan.goals.all(), key=lambda g: (list(PlanSection.values).index(g.section), g.order, g.pk)
    )
    by_section = {
        section: list(items) for section, items in groupby(goals, key=lambda g: g.section)
    }
    sections = [(value, label, by_section.get(value, [])) for value, label in PlanSection.choices]
    is_owner = plan.owner_id == request.user.pk
    mentorship = (
        None if is_owner else active_mentorship(mentor_user=request.user, mentee=plan.owner)
    )
    return render(
        request,
        "pathways/plan_detail.html",
        {
            "plan": plan,
            "sections": sections,
            "is_owner": is_owner,
            "mentorship": mentorship,  # set when the viewer is an active mentor
            # Whether to nudge the owner on to finding a mentor.
            "has_mentor": is_owner
            and Mentorship.objects.current().filter(mentee=plan.owner).exists(),
            "can_comment": is_owner or mentorship is not None,
            "comment_form": CommentForm(
                initial={"body": request.session.pop(f"comment_draft_{plan.pk}", "")}
            ),
            "feedback": plan_feedback(plan),
            "progress": plan.progress(),
        },
    )


@login_required
@require_POST
def plan_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_owner(user=request.user, pk=pk)
    if _editable(request, plan):
        try:
            with form_sent_once(
                user=request.user, token=request.POST.get(TOKEN_FIELD), content=request.POST
            ) as sending:
                services.plan_generate(owner=request.user, pathway=plan.pathway, actor=request.user)
                sending.leads_to = plan.get_absolute_url()
        except AlreadySent as repeat:
            return already_sent(request, repeat, fallback=plan.get_absolute_url())
        messages.success(
            request, "Suggestions updated from your latest ratings. Your own changes are kept."
        )
    return redirect(plan)


@login_required
@require_POST
def plan_status(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_owner(user=request.user, pk=pk)
    form = PlanStatusForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["status"])
        services.plan_set_status(plan=plan, actor=request.user, status=form.cleaned_data["status"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The plan is now {plan.get_status_display().lower()}.")
    return redirect(plan)


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
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_owner(user=request.user, pk=pk)
    if not _editable(request, plan):
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


def _edit_item(request: HttpRequest, *, item, plan: CareerPlan, kind: str, make_form, update):
    """The edit page of a goal or an action, with the version check: when someone saved
    first, nothing is saved and the page shows their version beside what was typed."""
    if not _editable(request, plan):
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


def _removed_page(request: HttpRequest, *, item, kind: str, plan: CareerPlan) -> HttpResponse:
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
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _goal_for_owner(request.user, pk)
    if goal.is_removed:
        return _removed_page(request, item=goal, kind="goal", plan=goal.plan)
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


def _confirm_page(request: HttpRequest, **context) -> HttpResponse:
    """The page that asks first (templates/confirm.html); its button POSTs back here."""
    return render(request, "confirm.html", context, status=context.pop("status", 200))


def _removed_message(request: HttpRequest, title: str, plan: CareerPlan) -> None:
    messages.success(
        request,
        format_html(
            'Removed “{}”. You can restore it from <a href="{}">the removed list</a>.',
            title,
            reverse("pathways:plan-removed", kwargs={"pk": plan.pk}),
        ),
    )


def _confirm_removal(
    request: HttpRequest,
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
    return _confirm_page(
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
def goal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks; POST removes the goal and its actions (restorable from the removed list)."""
    goal = _goal_for_owner(request.user, pk)
    plan = goal.plan
    if goal.is_removed:
        return _removed_page(request, item=goal, kind="goal", plan=plan)
    if not _editable(request, plan):
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
def goal_restore(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _goal_for_owner(request.user, pk)
    if not _editable(request, goal.plan):
        return redirect(goal.plan)
    if goal.is_removed:
        services.goal_restore(goal=goal, actor=request.user)
        messages.success(request, f"Restored “{goal.title}” to your plan.")
    else:
        messages.info(request, f"“{goal.title}” is in your plan already.")
    return redirect(f"{goal.plan.get_absolute_url()}#goal-{goal.pk}")


@login_required
@require_POST
def goal_move(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _goal_for_owner(request.user, pk)
    if goal.is_removed:
        return _removed_page(request, item=goal, kind="goal", plan=goal.plan)
    form = MoveForm(request.POST)
    if form.is_valid() and _editable(request, goal.plan):
        services.item_move(item=goal, actor=request.user, direction=form.cleaned_data["direction"])
    return redirect(f"{goal.plan.get_absolute_url()}#goal-{goal.pk}")


@login_required
@require_http_methods(["GET", "POST"])
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _goal_for_owner(request.user, pk)
    plan = goal.plan
    if goal.is_removed:
        return _removed_page(request, item=goal, kind="goal", plan=plan)
    if not _editable(request, plan):
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
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_for_owner(request.user, pk)
    plan = action.goal.plan
    if action.is_removed:
        return _removed_page(request, item=action, kind="action", plan=plan)
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
def action_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks; POST removes the action (restorable from the removed list)."""
    action = _action_for_owner(request.user, pk)
    plan = action.goal.plan
    if action.is_removed:
        return _removed_page(request, item=action, kind="action", plan=plan)
    if not _editable(request, plan):
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
def action_restore(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_for_owner(request.user, pk)
    plan = action.goal.plan
    if not _editable(request, plan):
        return redirect(plan)
    try:
        services.action_restore(action=action, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("pathways:plan-removed", pk=plan.pk)
    messages.success(request, f"Restored “{action.title}” to “{action.goal.title}”.")
    return redirect(f"{plan.get_absolute_url()}#action-{action.pk}")


@login_required
@require_GET
def plan_removed(request: HttpRequest, pk: int) -> HttpResponse:
    """The goals and actions the owner removed, newest first, each with Restore."""
    plan = selectors.plan_get_for_owner(user=request.user, pk=pk)
    return render(
        request,
        "pathways/plan_removed.html",
        {"plan": plan, "removed": selectors.plan_removed_items(plan)},
    )


@login_required
@require_POST
def action_move(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action_for_owner(request.user, pk)
    if action.is_removed:
        return _removed_page(request, item=action, kind="action", plan=action.goal.plan)
    form = MoveForm(request.POST)
    if form.is_valid() and _editable(request, action.goal.plan):
        services.item_move(
            item=action, actor=request.user, direction=form.cleaned_data["direction"]
        )
    return redirect(f"{action.goal.plan.get_absolute_url()}#action-{action.pk}")


@login_required
@require_GET
def plan_history(request: HttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_viewer(viewer=request.user, pk=pk)
    changes = plan.changes.select_related("actor__profile")[:500]
    return render(request, "pathways/plan_history.html", {"plan": plan, "changes": changes})


@login_required
@require_http_methods(["GET", "POST"])
def plan_calendar_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks; POST makes a new calendar link and the old one stops working."""
    plan = selectors.plan_get_for_owner(user=request.user, pk=pk)
    if request.method == "GET":
        return _confirm_page(
            request,
            title="Make a new calendar link?",
            eyebrow=f"Career plan: {plan.pathway.title}",
            consequences=[
                "The calendar link you have now stops working at once: every calendar "
                "subscribed to it stops showing your due dates.",
                "You get a new private link on the plan's page, to subscribe to again.",
            ],
            note="Do this if you shared the link by mistake.",
            confirm_label="Make a new link",
            keep_url=f"{plan.get_absolute_url()}#calendar-link",
            keep_label="Keep the current link",
        )
    services.plan_calendar_token_reset(plan=plan, actor=request.user)
    messages.success(
        request, "New calendar link made. Subscribe again with it; the old one stopped working."
    )
    return redirect(plan)
