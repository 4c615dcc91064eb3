"""What mentors leave on a mentee's plan: comments and reviews."""

from django.conf import settings
from django.db import models

from pathways.models.plan import CareerPlan, PlanAction, PlanGoal

from .mentorships import Mentorship


class PlanComment(models.Model):
    """A comment on a plan, or on one of its goals or actions, by the owner or an active
    mentor. Kept when the mentorship ends: the mentee keeps the advice."""

    plan = models.ForeignKey(CareerPlan, on_delete=models.CASCADE, related_name="comments")
    goal = models.ForeignKey(
        PlanGoal, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    action = models.ForeignKey(
        PlanAction, on_delete=models.CASCADE, null=True, blank=True, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def subject(self) -> str:
        if self.action is not None:  # None, without a query, when action_id is None
            return f"Action: {self.action.title}"
        if self.goal is not None:
            return f"Goal: {self.goal.title}"
        return "The whole plan"


class ReviewOutcome(models.TextChoices):
    APPROVED = "approved", "Looks good: start the plan"
    CHANGES = "changes", "Needs changes: back to draft"
    NOTED = "noted", "Reviewed, no change of status"


class PlanReview(models.Model):
    """A mentor marked the plan reviewed, with a summary for the mentee."""

    plan = models.ForeignKey(CareerPlan, on_delete=models.CASCADE, related_name="reviews")
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="reviews")
    outcome = models.CharField(max_length=12, choices=ReviewOutcome.choices)
    summary = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Review of {self.plan} on {self.created_at:%Y-%m-%d}"
