"""The career plan's pages: owned and edited by the physician, read by the physician's
active mentors, who also comment and review (mentors/views/reviews.py), and by support
(cmo_portal/accounts/access.py)."""

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from assessments.selectors import latest_completed_assessment
from cmo_portal import clock, page_cache
from cmo_portal.accounts.requests import AuthenticatedHttpRequest
from cmo_portal.page_cache import cached_for_reader
from cmo_portal.submissions.services import TOKEN_FIELD, AlreadySent, form_sent_once
from cmo_portal.submissions.views import already_sent
from pathways.forms.plan import PlanCreateForm, PlanStatusForm, RoleStartForm
from pathways.models.plan import (
    CareerPlan,
    ItemStatus,
    PlanSection,
)
from pathways.selectors import plan as selectors
from pathways.selectors.curriculum import CURRICULUM
from pathways.services import plan as services
from pathways.services import plan_items


def plan_editable(request: AuthenticatedHttpRequest, plan: CareerPlan) -> bool:
    """A complete plan is kept as it was; the owner reopens it to change it."""
    if plan.is_complete:
        messages.warning(request, "This plan is complete. Reopen it to make changes.")
        return False
    return True


def back_to(request: AuthenticatedHttpRequest, default: str) -> str:
    """Where the button was: `next` when it is a path of this site, else `default`."""
    target = request.POST.get("next", "")
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


@login_required
@require_safe
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
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
def plan_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PlanCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
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


def _goal_in_full(request: AuthenticatedHttpRequest) -> int | None:
    """The goal `?goal=<pk>` asks to see in full; None for anything else (bad input only
    falls back to the usual page)."""
    value = request.GET.get("goal", "")
    return int(value) if value.isdigit() and len(value) < 12 else None


@login_required
@require_safe
@cached_for_reader(CURRICULUM, owner_only=True)
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The plan, each goal with its next few open actions (selectors.goal_actions_listed);
    `?goal=<pk>` shows one goal's actions in full, `?show=all` every goal's. The exports
    and the print view keep the whole list."""
    plan = selectors.plan_get_for_page(viewer=request.user, pk=pk)
    selectors.plan_owner_known(request, plan)  # the navigation asks it
    if plan.owner_id == request.user.pk:
        page_cache.page_is_readers_own(request)
    show_all = request.GET.get("show") == "all"
    in_full = _goal_in_full(request)
    goals = list(plan.goals.all())
    listed_ids: set[int] = set()
    hidden = 0
    for goal in goals:
        goal.listing = selectors.goal_actions_listed(  # type: ignore[attr-defined]
            goal, in_full=show_all or goal.pk == in_full
        )
        listed_ids.update(item.action.pk for item in goal.listing.listed)  # type: ignore[attr-defined]
        hidden += goal.listing.hidden  # type: ignore[attr-defined]
    # The goals come in section order (plan_get_for_page).
    by_section = {section: list(items) for section, items in groupby(goals, lambda g: g.section)}
    sections = [(value, label, by_section.get(value, [])) for value, label in PlanSection.choices]
    is_owner = plan.owner_id == request.user.pk
    # The owner of a plan for one of their target roles may say they accepted such a role.
    role_form = None
    if is_owner and (plan.role_starts_on or selectors.plan_targets_owners_pathway(plan)):
        role_form = RoleStartForm(initial={"starts_on": plan.role_starts_on})
    # Where a one-click button comes back to: this page as it is shown.
    if show_all:
        here = f"{request.path}?show=all"
    elif in_full is not None:
        here = f"{request.path}?goal={in_full}"
    else:
        here = request.path
    return render(
        request,
        "pathways/plan_detail.html",
        {
            "plan": plan,
            "sections": sections,
            # What mentors add (feedback, comments, their bar) comes from the template's
            # mentoring tags: mentors read the plan, the plan does not import mentors.
            "is_owner": is_owner,
            "progress": plan.progress(),
            "pace": selectors.plan_pace(plan, today=clock.today()),
            "met_proposed": [
                goal for goal in goals if goal.met_proposed_at and goal.status != ItemStatus.DONE
            ],
            "role_form": role_form,
            "show_all": show_all,
            "hidden_actions": hidden,
            "listed_ids": listed_ids,
            "here": here,
        },
    )


@login_required
@require_POST
def plan_regenerate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_owner(user=request.user, pk=pk)
    if plan_editable(request, plan):
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
def plan_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = selectors.plan_get_for_owner(user=request.user, pk=pk)
    form = PlanStatusForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(list(form.errors["status"]))
        services.plan_set_status(plan=plan, actor=request.user, status=form.cleaned_data["status"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The plan is now {plan.get_status_display().lower()}.")
    return redirect(plan)


def confirm_page(request: AuthenticatedHttpRequest, **context) -> HttpResponse:
    """The page that asks first (templates/confirm.html); its button POSTs back here."""
    return render(request, "confirm.html", context, status=context.pop("status", 200))


@login_required
@require_http_methods(["GET", "POST"])
def plan_calendar_reset(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET asks; POST makes a new calendar link and the old one stops working."""
    plan = selectors.plan_get_for_owner(user=request.user, pk=pk)
    if request.method == "GET":
        return confirm_page(
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


ROLE_ANCHOR = "#section-first_90_days"


@login_required
@require_http_methods(["GET", "POST"])
def plan_role(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The day a role the physician accepted starts: the plan then plans the first 90
    days from it. The plan page holds the form too; this page shows it again with what
    was typed when it needs correcting."""
    plan = selectors.plan_get_for_owner(user=request.user, pk=pk)
    if not plan_editable(request, plan):
        return redirect(plan)
    form = RoleStartForm(request.POST or None, initial={"starts_on": plan.role_starts_on})
    if request.method == "POST" and form.is_valid():
        starts_on = form.cleaned_data["starts_on"]
        if plan_items.plan_role_start_set(plan=plan, actor=request.user, starts_on=starts_on):
            messages.success(
                request,
                f"Congratulations on the new role. Your plan is updated for a start on "
                f"{date_format(starts_on, 'j F Y')}: see the first 90 days in the role.",
            )
        else:
            messages.info(request, "That is the start day your plan has already: nothing changed.")
        return redirect(f"{plan.get_absolute_url()}{ROLE_ANCHOR}")
    return render(
        request,
        "pathways/plan_role.html",
        {"plan": plan, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_role_clear(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET asks; POST forgets the day the role starts and updates the plan."""
    plan = selectors.plan_get_for_owner(user=request.user, pk=pk)
    if not plan_editable(request, plan):
        return redirect(plan)
    if request.method == "GET":
        if plan.role_starts_on is None:
            messages.info(request, "Your plan has no new role lined up.")
            return redirect(plan)
        return confirm_page(
            request,
            title="No longer have this role lined up?",
            eyebrow=f"Career plan: {plan.pathway.title}",
            consequences=[
                f"Your plan forgets that a new role starts on "
                f"{date_format(plan.role_starts_on, 'j F Y')}.",
                "The suggestions are updated: what you have started, done or edited in the "
                "first 90 days stays as it is.",
                "You can give a start day again at any time.",
            ],
            confirm_label="Yes, no role lined up",
            keep_url=f"{plan.get_absolute_url()}{ROLE_ANCHOR}",
            keep_label="Keep the role",
        )
    if plan_items.plan_role_start_set(plan=plan, actor=request.user, starts_on=None):
        messages.success(request, "Noted: no new role lined up. Your plan is updated.")
    else:
        messages.info(request, "Your plan has no new role lined up: nothing changed.")
    return redirect(f"{plan.get_absolute_url()}{ROLE_ANCHOR}")
