"""Reads for feedback on a plan: its comments and reviews, grouped where they sit, the
latest comments a mentee received, and the plans a mentor has to review."""

import datetime
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Max

from cmo_portal.accounts.models import User
from mentors.models.feedback import PlanComment, PlanReview
from mentors.models.mentorships import Mentorship
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


# --- Plans to review -------------------------------------------------------------------


def plan_needs_review(
    *, last_change: datetime.datetime | None, last_review: datetime.datetime | None
) -> bool:
    """The rule for a mentor's "plans to review": a plan of an active mentee that this
    mentor has never reviewed, or that changed since their last review. Whether the
    mentee asked for a review does not matter: the request is a change, and a plan
    reviewed without a change of status is not asked of the mentor again."""
    return last_review is None or (last_change is not None and last_change > last_review)


def plans_to_review(
    mentor_user_ids: Collection[int],
) -> dict[int, list[tuple[Mentorship, CareerPlan]]]:
    """For each of these mentors (by user id), the plans they have to review, each with
    its active mentorship: for home, the digest and (through `plan_needs_review`) the
    mentor's dashboard. Three queries, however many mentors, mentees and plans."""
    mentorships = list(
        Mentorship.objects.active()
        .filter(mentor__user__in=mentor_user_ids)
        .select_related("mentor", "mentee__profile")
    )
    if not mentorships:
        return {}
    mentee_ids = {m.mentee_id for m in mentorships}
    # Each mentee's plans, with when each last changed.
    plans_of: dict[int, list[tuple[CareerPlan, datetime.datetime | None]]] = defaultdict(list)
    for annotated in (
        CareerPlan.objects.filter(owner__in=mentee_ids)
        .select_related("pathway")
        .annotate(last_change=Max("changes__at"))
    ):
        plans_of[annotated.owner_id].append((annotated, annotated.last_change))
    last_reviews = {
        (plan_id, mentor_id): at
        for plan_id, mentor_id, at in PlanReview.objects.filter(
            plan__owner__in=mentee_ids, mentorship__mentor__in={m.mentor_id for m in mentorships}
        )
        .order_by()
        .values("plan_id", "mentorship__mentor_id")
        .annotate(at=Max("created_at"))
        .values_list("plan_id", "mentorship__mentor_id", "at")
    }
    found: dict[int, list[tuple[Mentorship, CareerPlan]]] = defaultdict(list)
    for mentorship in mentorships:
        for plan, last_change in plans_of[mentorship.mentee_id]:
            last_review = last_reviews.get((plan.pk, mentorship.mentor_id))
            if plan_needs_review(last_change=last_change, last_review=last_review):
                found[mentorship.mentor.user_id].append((mentorship, plan))
    return dict(found)
