"""The physician's career development plan: goals in the sections of an executive's
development plan, each with actions, generated from the gaps and then owned by the
physician."""

import datetime
import secrets
from typing import ClassVar, Self, TypeVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cmo_portal import clock

from .curriculum import Competency, Pathway
from .opportunities import LearningModule, Opportunity


def new_calendar_token() -> str:
    return secrets.token_urlsafe(32)


# How far ahead a person may set a due date: a career plan spans years, not centuries.
DUE_DATE_YEARS_AHEAD = 20


def _years_after(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


class PlanSection(models.TextChoices):
    LEARNING_OBJECTIVES = "learning_objectives", "Learning objectives"
    EDUCATION = "education", "Education and training"
    MENTORS = "mentors", "Mentors"
    NETWORKS = "networks", "Networks"
    EXPERIENTIAL = "experiential", "Experiential learning"
    EXCHANGE = "exchange", "International knowledge exchange"
    JOB_SEARCH = "job_search", "Job search"
    FIRST_90_DAYS = "first_90_days", "The first 90 days in the role"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    WAITING_FOR_REVIEW = "waiting_for_review", "Waiting for review"
    IN_REVIEW = "in_review", "In review"
    ACTIVE = "active", "Active"
    COMPLETE = "complete", "Complete"


# Which status may follow which. The physician asks for a review (or withdraws the
# request), starts, completes and reopens the plan.
PLAN_TRANSITIONS: dict[str, set[str]] = {
    PlanStatus.DRAFT: {PlanStatus.WAITING_FOR_REVIEW, PlanStatus.ACTIVE},
    PlanStatus.WAITING_FOR_REVIEW: {PlanStatus.DRAFT},
    PlanStatus.IN_REVIEW: set(),
    PlanStatus.ACTIVE: {PlanStatus.WAITING_FOR_REVIEW, PlanStatus.COMPLETE},
    PlanStatus.COMPLETE: {PlanStatus.ACTIVE},
}
# A reviewing mentor (the mentors app) starts the review, then passes the plan (active)
# or sends it back with comments (draft).
MENTOR_TRANSITIONS: dict[str, set[str]] = {
    PlanStatus.WAITING_FOR_REVIEW: {PlanStatus.IN_REVIEW},
    PlanStatus.IN_REVIEW: {PlanStatus.ACTIVE, PlanStatus.DRAFT},
}


class ItemStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    BLOCKED = "blocked", "Blocked"


class CareerPlan(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="career_plans"
    )
    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=24, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    calendar_token = models.CharField(max_length=64, unique=True, default=new_calendar_token)
    # Keys of generated suggestions the physician removed: regeneration leaves them out.
    dismissed_keys = models.JSONField(default=list, blank=True)
    generated_at = models.DateTimeField(null=True, blank=True)
    # The pace the plan was scheduled at, from the needs assessment when it was last
    # generated: the weekly hours, the end of the horizon, and how many weeks the work
    # still planned needs at that pace (more than the horizon: the targets are out of reach).
    hours_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    horizon_end = models.DateField(null=True, blank=True)
    weeks_needed = models.PositiveIntegerField(null=True, blank=True)
    # The day the physician starts a role they accepted: the plan then adds the first 90 days.
    role_starts_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "pathway"], name="one_plan_per_pathway")
        ]

    def __str__(self) -> str:
        return f"Plan of {self.owner} for {self.pathway}"

    def get_absolute_url(self) -> str:
        return reverse("pathways:plan-detail", kwargs={"pk": self.pk})

    def due_date_range(self) -> tuple[datetime.date, datetime.date]:
        """The due dates a person may give a goal or action of this plan: from the day
        the plan was made to DUE_DATE_YEARS_AHEAD years after today."""
        today = clock.today()
        made = timezone.localdate(self.created_at) if self.created_at else today
        return min(made, today), _years_after(today, DUE_DATE_YEARS_AHEAD)

    def can_move_to(self, status: str, *, as_mentor: bool = False) -> bool:
        transitions = MENTOR_TRANSITIONS if as_mentor else PLAN_TRANSITIONS
        return status in transitions.get(self.status, set())

    def next_statuses(self) -> list[tuple[str, str]]:
        """The owner's possible next statuses, in the order of the list."""
        allowed = PLAN_TRANSITIONS.get(self.status, set())
        return [(value, label) for value, label in PlanStatus.choices if value in allowed]

    @property
    def is_complete(self) -> bool:
        return self.status == PlanStatus.COMPLETE

    def progress(self) -> int:
        """Per cent of the plan done: every action counts once, and so does each goal
        that has no actions; removed items do not count. Uses prefetched goals and actions."""
        done = total = 0
        for goal in self.goals.all():
            if goal.is_removed:
                continue
            actions = [action for action in goal.actions.all() if not action.is_removed]
            if actions:
                total += len(actions)
                done += sum(action.status == ItemStatus.DONE for action in actions)
            else:
                total += 1
                done += goal.status == ItemStatus.DONE
        return round(100 * done / total) if total else 0


_Item = TypeVar("_Item", bound="PlanItem")


class PlanItemQuerySet(models.QuerySet[_Item]):
    def not_removed(self) -> Self:
        """The items in the plan: what every page, export, digest and count reads."""
        return self.filter(removed_at__isnull=True)

    def removed(self) -> Self:
        return self.filter(removed_at__isnull=False)


class PlanGoalQuerySet(PlanItemQuerySet["PlanGoal"]):
    def in_section_order(self) -> "PlanGoalQuerySet":
        """Goals as the plan reads: section by section in the order of PlanSection (not
        the alphabetical order of their codes), then in their order within a section."""
        sections = models.Case(
            *(models.When(section=value, then=index) for index, value in enumerate(PlanSection))
        )
        return self.order_by(sections, "order", "pk")

    def plan_by_plan(self) -> "PlanGoalQuerySet":
        """Goals of several plans, a plan's goals together, the plan changed last first:
        the order the default ordering gave before it stopped following the plan."""
        return self.order_by("-plan__updated_at", "plan_id", "section", "order", "pk")


# PlanGoalQuerySet.as_manager() as a class, so the goal's manager can be declared a
# ClassVar like the one it overrides.
PlanGoalManager = models.Manager.from_queryset(PlanGoalQuerySet)


class PlanItem(models.Model):
    """What goals and actions share: an order, a status, a due date, notes, and a
    version that tells a save whether someone else saved first. Removing an item sets
    `removed_at` and keeps the row, so the physician can restore it."""

    title = models.CharField(max_length=200)
    notes = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=ItemStatus.choices, default=ItemStatus.NOT_STARTED
    )
    due_date = models.DateField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    # "competency:12" or "module:7" for generated items, empty for the physician's own.
    generated_key = models.CharField(max_length=40, blank=True)
    # Set the first time the physician changes the item: regeneration then leaves it.
    edited = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)
    # When the physician removed it (a goal's actions are removed with it).
    removed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanItemQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_generated(self) -> bool:
        return bool(self.generated_key)

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None


class PlanGoal(PlanItem):
    plan = models.ForeignKey(CareerPlan, on_delete=models.CASCADE, related_name="goals")
    section = models.CharField(max_length=24, choices=PlanSection.choices)
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target_level = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The measure of done: the rubric level to reach."
    )
    # Set when a new rating reaches the target: the physician confirms it met or keeps
    # it open; kept open, it is proposed again only after a later rating set.
    met_proposed_at = models.DateTimeField(null=True, blank=True)
    kept_open_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[PlanGoalManager["PlanGoal"]] = PlanGoalManager()

    class Meta:
        # No foreign key in the default order: following `plan` joined the plans (and
        # their order) into every goal query. Goals of several plans say their order
        # (plan_by_plan); one plan's goals read the same either way.
        ordering = ["section", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "generated_key"],
                condition=~models.Q(generated_key=""),
                name="one_goal_per_suggestion",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def progress(self) -> int:
        """Per cent done: a done goal is 100, else the share of its actions done.
        Uses prefetched actions."""
        if self.status == ItemStatus.DONE:
            return 100
        actions = [action for action in self.actions.all() if not action.is_removed]
        if not actions:
            return 0
        return round(100 * sum(a.status == ItemStatus.DONE for a in actions) / len(actions))


class ActionSource(models.TextChoices):
    MODULE = "module", "Module"
    OPPORTUNITY = "opportunity", "Opportunity"
    MENTOR = "mentor", "Mentor"
    OWN = "own", "Your own"


class PlanAction(PlanItem):
    # The goal it is listed under; `serves` holds the other goals it also serves, so a
    # module or opportunity is in a plan once however many gaps it closes.
    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="actions")
    serves = models.ManyToManyField(PlanGoal, related_name="served_by", blank=True)
    evidence = models.TextField(blank=True, help_text="What shows it is done.")
    effort_hours = models.PositiveSmallIntegerField(null=True, blank=True)
    module = models.ForeignKey(
        LearningModule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A mentor the matching suggests meeting (an action of the Mentors section).
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Removed because its goal was: restoring the goal restores it, and only those.
    removed_with_goal = models.BooleanField(default=False)

    class Meta:
        # No foreign key in the default order: following `goal` joined goals and plans
        # into every action query. Actions of several goals say their order.
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "generated_key"],
                condition=~models.Q(generated_key=""),
                name="one_action_per_suggestion",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def source(self) -> str:
        """Where the action comes from: a module, an opportunity, a mentor, or the
        physician's own."""
        if self.module_id:
            return ActionSource.MODULE
        if self.opportunity_id:
            return ActionSource.OPPORTUNITY
        if self.mentor_id:
            return ActionSource.MENTOR
        return ActionSource.OWN


class PlanChange(models.Model):
    """One line of the plan's history: what changed, when, by whom."""

    plan = models.ForeignKey(CareerPlan, on_delete=models.CASCADE, related_name="changes")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    summary = models.CharField(max_length=300)
    # {"field": [before, after]} for edits, so the owner sees exactly what moved.
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return self.summary


class PdfStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be prepared"
    RENDERING = "rendering", "Being prepared"
    READY = "ready", "Ready"
    FAILED = "failed", "Could not be prepared"


class PlanPdf(models.Model):
    """The plan's PDF, rendered by a Celery task and kept for one version of the plan
    (its items as they stand, on one day: overdue marks change with the date). A page
    never waits on WeasyPrint: it asks for the version and shows "being prepared" until
    the row is ready."""

    plan = models.ForeignKey(CareerPlan, on_delete=models.CASCADE, related_name="pdfs")
    version = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=PdfStatus.choices, default=PdfStatus.PENDING)
    content = models.BinaryField(blank=True, default=b"", editable=False)
    error = models.TextField(blank=True)
    requested_at = models.DateTimeField(default=clock.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "version"], name="one_pdf_per_plan_version")
        ]
        verbose_name = "plan PDF"
        verbose_name_plural = "plan PDFs"

    def __str__(self) -> str:
        return f"PDF of {self.plan} ({self.version[:12]}, {self.get_status_display()})"

    @property
    def is_ready(self) -> bool:
        return self.status == PdfStatus.READY
