"""Reads for feedback on a plan: its comments and reviews, grouped where they sit, and
the latest comments a mentee received."""

from dataclasses import dataclass

from cmo_portal.accounts.models import User
from mentors.models import PlanComment, PlanReview
from pathways.models.plan import CareerPlan


@dataclass
class PlanFeedback:
    comments: list[PlanComment]
    reviews: list[PlanReview]
    by_goal: dict[int, list[PlanComment]]
    by_action: dict[int, list[PlanComment]]
    on_plan: list[PlanComment]


def plan_feedback(plan: CareerPlan) -> PlanFeedback:
    """The comments and reviews on a plan, in two queries, grouped by where they sit."""
    comments = list(
        PlanComment.objects.filter(plan=plan).select_related("author__profile", "goal", "action")
    )
    reviews = list(
        PlanReview.objects.filter(plan=plan).select_related("mentorship__mentor__user__profile")
    )
    by_goal: dict[int, list[PlanComment]] = {}
    by_action: dict[int, list[PlanComment]] = {}
    on_plan = []
    for comment in comments:
        if comment.action_id:
            by_action.setdefault(comment.action_id, []).append(comment)
        elif comment.goal_id:
            by_goal.setdefault(comment.goal_id, []).append(comment)
        else:
            on_plan.append(comment)
    return PlanFeedback(comments, reviews, by_goal, by_action, on_plan)


def latest_comments_for_mentee(mentee: User, *, limit: int = 5) -> list[PlanComment]:
    return list(
        PlanComment.objects.filter(plan__owner=mentee)
        .exclude(author=mentee)
        .select_related("author__profile", "plan__pathway", "goal", "action")
        .order_by("-created_at")[:limit]
    )
