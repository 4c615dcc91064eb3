"""What an active mentor does with a mentee's plan and results: comment, mark the plan
reviewed, rate the mentee on the rubric. The physician comments back on their own plan."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from assessments.models import RaterRole
from assessments.views import rubric_page
from cmo_portal.accounts.requests import AuthenticatedHttpRequest
from cmo_portal.submissions.services import TOKEN_FIELD, AlreadySent, form_sent_once
from cmo_portal.submissions.views import already_sent
from mentors.forms import CommentForm, ReviewForm
from mentors.selectors.mentorships import active_mentorship, mentorship_get_for_participant
from mentors.services.feedback import plan_comment_add, plan_review_submit
from mentors.templatetags.mentoring import comment_draft_keep
from pathways.models.plan import PlanAction, PlanGoal
from pathways.selectors.plan import plan_get_for_viewer


def _plan_for_mentor(request: AuthenticatedHttpRequest, pk: int):
    """The plan, for an active mentor of its owner: 404 for anyone else."""
    plan = plan_get_for_viewer(viewer=request.user, pk=pk)
    mentorship = active_mentorship(mentor_user=request.user, mentee=plan.owner)
    if mentorship is None:
        raise Http404("No such plan.")
    return plan, mentorship


def _back_to_the_form(request: AuthenticatedHttpRequest, plan) -> HttpResponse:
    """Back to the comment form, with the goal that was chosen still chosen (the typed
    text waits in the session)."""
    goal = request.POST.get("goal", "")
    query = f"?{urlencode({'comment_goal': goal})}" if goal.isdigit() else ""
    return redirect(f"{plan.get_absolute_url()}{query}#comments")


@login_required
@require_POST
def comment_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A comment from the owner or an active mentor; support reads but does not comment."""
    plan = plan_get_for_viewer(viewer=request.user, pk=pk)
    is_owner = plan.owner_id == request.user.pk
    if not is_owner and active_mentorship(mentor_user=request.user, mentee=plan.owner) is None:
        raise Http404("No such plan.")
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Your comment was empty or too long, so it was not sent.")
        comment_draft_keep(request, plan, request.POST.get("body", ""))
        return _back_to_the_form(request, plan)
    data = form.cleaned_data
    goals = PlanGoal.objects.not_removed()
    goal = goals.filter(pk=data["goal"], plan=plan).first() if data["goal"] else None
    action = (
        PlanAction.objects.not_removed()
        .select_related("goal")
        .filter(pk=data["action"], goal__plan=plan)
        .first()
        if data["action"]
        else None
    )
    if (data["goal"] and goal is None) or (data["action"] and action is None):
        messages.error(request, "That goal or action is not part of this plan any more.")
        comment_draft_keep(request, plan, data["body"])
        return _back_to_the_form(request, plan)
    try:
        with form_sent_once(
            user=request.user, token=request.POST.get(TOKEN_FIELD), content=request.POST
        ) as sending:
            comment = plan_comment_add(
                plan=plan, author=request.user, body=data["body"], goal=goal, action=action
            )
            sending.leads_to = plan.get_absolute_url() + f"#comment-{comment.pk}"
    except AlreadySent as repeat:
        return already_sent(request, repeat, fallback=plan.get_absolute_url() + "#comments")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        comment_draft_keep(request, plan, data["body"])
        return _back_to_the_form(request, plan)
    messages.success(
        request,
        "Comment sent to your mentee." if not is_owner else "Comment sent to your mentor.",
    )
    return redirect(sending.leads_to)


@login_required
@require_http_methods(["GET", "POST"])
def plan_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan, mentorship = _plan_for_mentor(request, pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            token = request.POST.get(TOKEN_FIELD)
            try:
                with form_sent_once(
                    user=request.user, token=token, content=request.POST
                ) as sending:
                    review = plan_review_submit(
                        plan=plan,
                        user=request.user,
                        outcome=form.cleaned_data["outcome"],
                        summary=form.cleaned_data["summary"],
                    )
                    sending.leads_to = plan.get_absolute_url() + f"#review-{review.pk}"
            except AlreadySent as repeat:
                return already_sent(request, repeat, fallback=plan.get_absolute_url() + "#reviews")
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Review saved. Your mentee has been told.")
                return redirect(plan.get_absolute_url() + "#reviews")
        messages.error(request, "Your review was not saved: please correct what is marked below.")
    return render(
        request,
        "mentors/review_form.html",
        {"plan": plan, "mentorship": mentorship, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def mentee_rubric(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The mentor rates the mentee on the rubric; the ratings show beside the mentee's."""
    mentorship = mentorship_get_for_participant(user=request.user, pk=pk)
    if mentorship.mentor_user_id != request.user.pk or not mentorship.is_active:
        raise Http404("No such mentorship.")
    return rubric_page(
        request,
        subject=mentorship.mentee,
        role=RaterRole.MENTOR,
        submitted_url=reverse("assessments:results-for", kwargs={"user_id": mentorship.mentee_id}),
    )
