"""Writes for feedback on a mentee's plan: comments and reviews, by the owner or an
active mentor."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cmo_portal.accounts.models import User
from mentors import emails
from mentors.models.feedback import PlanComment, PlanReview, ReviewOutcome
from mentors.selectors.mentorships import active_mentorship, is_active_mentor_of
from pathways.models.plan import CareerPlan, PlanAction, PlanGoal, PlanStatus
from pathways.services.plan import plan_set_status


def _may_comment(plan: CareerPlan, user: User) -> bool:
    return plan.owner_id == user.pk or is_active_mentor_of(user, plan.owner)


@transaction.atomic
def plan_comment_add(
    *,
    plan: CareerPlan,
    author: User,
    body: str,
    goal: PlanGoal | None = None,
    action: PlanAction | None = None,
) -> PlanComment:
    """A comment on the plan, one of its goals or one of its actions, by the owner or an
    active mentor; the other side is told by email."""
    if not _may_comment(plan, author):
        raise PermissionDenied("Only the physician and their active mentors comment.")
    if goal is not None and goal.plan_id != plan.pk:
        raise ValidationError("That goal is not part of this plan.")
    if action is not None:
        if action.goal.plan_id != plan.pk:
            raise ValidationError("That action is not part of this plan.")
        goal = action.goal
    body = body.strip()
    if not body:
        raise ValidationError("Write a comment before sending it.")
    comment = PlanComment.objects.create(
        plan=plan, goal=goal, action=action, author=author, body=body
    )
    emails.plan_comment_queue(comment)
    return comment


@transaction.atomic
def plan_review_submit(*, plan: CareerPlan, user: User, outcome: str, summary: str) -> PlanReview:
    """An active mentor marks the plan reviewed. "Looks good" starts a plan waiting for
    review; "needs changes" sends it back to draft; either is a no-op on a plan whose
    status does not allow it, and the review is recorded all the same."""
    mentorship = active_mentorship(mentor_user=user, mentee=plan.owner)
    if mentorship is None:
        raise PermissionDenied("Only an active mentor reviews this plan.")
    if outcome not in ReviewOutcome.values:
        raise ValidationError("Choose what your review concludes.")
    if not summary.strip():
        raise ValidationError("Write a short summary for your mentee.")
    plan = CareerPlan.objects.select_for_update().get(pk=plan.pk)
    status_for: dict[str, PlanStatus] = {
        ReviewOutcome.APPROVED: PlanStatus.ACTIVE,
        ReviewOutcome.CHANGES: PlanStatus.DRAFT,
    }
    wanted = status_for.get(outcome)
    if wanted and plan.status == PlanStatus.WAITING_FOR_REVIEW:
        plan_set_status(plan=plan, actor=user, status=PlanStatus.IN_REVIEW, as_mentor=True)
    if wanted and plan.can_move_to(wanted, as_mentor=True):
        plan_set_status(plan=plan, actor=user, status=wanted, as_mentor=True)
    review = PlanReview.objects.create(
        plan=plan, mentorship=mentorship, outcome=outcome, summary=summary.strip()
    )
    emails.plan_review_queue(review)
    return review
