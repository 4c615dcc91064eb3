"""Where a physician stands: the needs assessment, and dated, immutable sets of
competency ratings by the physician or by a mentor."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from cmo_portal.accounts.models import CareerStage
from pathways.models.curriculum import (
    Competency,
    Degree,
    Pathway,
    Setting,
    validate_on_scale,
)


class BoardCertification(models.TextChoices):
    CERTIFIED = "certified", "Board certified"
    IN_PROGRESS = "in_progress", "Working towards it"
    NOT_YET = "not_yet", "Not yet"


class TimeHorizon(models.TextChoices):
    ONE_YEAR = "1", "Within a year"
    THREE_YEARS = "3", "In one to three years"
    FIVE_YEARS = "5", "In three to five years"
    TEN_YEARS = "10", "In five to ten years"
    LONGER = "10+", "More than ten years from now"


class Relocation(models.TextChoices):
    YES = "yes", "Yes"
    MAYBE = "maybe", "For the right role"
    NO = "no", "No"


class MentoringFormat(models.TextChoices):
    VIDEO = "video", "Video calls"
    IN_PERSON = "in_person", "In person"
    ASYNC = "async", "Messages, at my own pace"


class MentoringFrequency(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    FORTNIGHTLY = "fortnightly", "Every two weeks"
    MONTHLY = "monthly", "Every month"
    QUARTERLY = "quarterly", "Every quarter"


def _validate_list_of(values: list, choices: type[models.TextChoices]) -> None:
    if not isinstance(values, list) or any(value not in choices.values for value in values):
        raise ValidationError("Choose only from the options listed.", code="invalid_choice")


def _labels(values: list, choices: type[models.TextChoices]) -> list[str]:
    names = dict(choices.choices)
    return [names.get(value, value) for value in values]


def validate_degrees(values: list) -> None:
    _validate_list_of(values, Degree)


def validate_mentoring_formats(values: list) -> None:
    _validate_list_of(values, MentoringFormat)


class NeedsAssessment(models.Model):
    """One pass through the needs assessment. Saved at every step; a finished one is
    never changed again: retaking it starts a new one, so answers can be compared."""

    STEPS = ("background", "goals", "mentoring", "review")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="needs_assessments"
    )
    step_reached = models.PositiveSmallIntegerField(
        default=1, help_text="The furthest step saved so far, where the physician resumes."
    )
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    # Background
    career_stage = models.CharField(max_length=32, choices=CareerStage.choices, blank=True)
    specialty = models.CharField(max_length=120, blank=True)
    years_since_residency = models.PositiveSmallIntegerField(
        "years of practice since residency",
        null=True,
        blank=True,
        validators=[MaxValueValidator(60)],
    )
    leadership_roles = models.TextField(
        "leadership roles held",
        blank=True,
        help_text="One per line, e.g. medical director of the stroke unit, 2021 to now.",
    )
    committees = models.TextField(
        blank=True, help_text="Committees you sit on or have chaired, one per line."
    )
    degrees_held = models.JSONField(default=list, blank=True, validators=[validate_degrees])
    degrees_planned = models.JSONField(default=list, blank=True, validators=[validate_degrees])
    certifications = models.TextField(
        "other certifications",
        blank=True,
        help_text="E.g. CPHQ, a clinical informatics board, a leadership certificate.",
    )
    board_certification = models.CharField(
        max_length=20, choices=BoardCertification.choices, blank=True
    )

    # Goals
    target_pathways = models.ManyToManyField(
        Pathway, through="TargetPathway", related_name="+", blank=True
    )
    time_horizon = models.CharField(
        "when you aim to get there", max_length=4, choices=TimeHorizon.choices, blank=True
    )
    hours_per_week = models.PositiveSmallIntegerField(
        "hours a week for your development",
        null=True,
        blank=True,
        validators=[MaxValueValidator(40)],
    )
    willing_to_relocate = models.CharField(max_length=10, choices=Relocation.choices, blank=True)
    settings_of_interest = models.ManyToManyField(Setting, related_name="+", blank=True)

    # Mentoring
    mentoring_goals = models.TextField(
        "what you want from mentoring",
        blank=True,
        help_text="The questions you would bring to a practising CMO.",
    )
    mentoring_formats = models.JSONField(
        default=list, blank=True, validators=[validate_mentoring_formats]
    )
    mentoring_frequency = models.CharField(
        "how often you would like to meet a mentor",
        max_length=20,
        choices=MentoringFrequency.choices,
        blank=True,
    )

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            # At most one assessment in progress per physician.
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(completed_at__isnull=True),
                name="one_open_needs_assessment",
            )
        ]

    def __str__(self) -> str:
        return f"Needs assessment of {self.user} started {self.started_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:detail", kwargs={"pk": self.pk})

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    @property
    def step_count(self) -> int:
        return len(self.STEPS)

    def degrees_held_labels(self) -> list[str]:
        return _labels(self.degrees_held, Degree)

    def degrees_planned_labels(self) -> list[str]:
        return _labels(self.degrees_planned, Degree)

    def mentoring_format_labels(self) -> list[str]:
        return _labels(self.mentoring_formats, MentoringFormat)

    def ranked_pathways(self) -> list[Pathway]:
        return [target.pathway for target in self.targets.all()]


class TargetPathway(models.Model):
    """A pathway the physician aims for, ranked: 1 is the one they want most."""

    assessment = models.ForeignKey(
        NeedsAssessment, on_delete=models.CASCADE, related_name="targets"
    )
    pathway = models.ForeignKey(Pathway, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["rank"]  # within one assessment; `assessment` would join assessments
        constraints = [
            models.UniqueConstraint(fields=["assessment", "pathway"], name="target_pathway_once"),
            models.UniqueConstraint(fields=["assessment", "rank"], name="target_rank_once"),
        ]

    def __str__(self) -> str:
        return f"{self.rank}. {self.pathway}"


class RaterRole(models.TextChoices):
    SELF = "self", "Self-rating"
    MENTOR = "mentor", "Mentor's rating"


class RatingSetQuerySet(models.QuerySet):
    def submitted(self) -> "RatingSetQuerySet":
        return self.filter(submitted_at__isnull=False)

    def drafts(self) -> "RatingSetQuerySet":
        return self.filter(submitted_at__isnull=True)


class RatingSet(models.Model):
    """A set of ratings of one physician's competencies by one rater. A draft may change;
    once submitted it is dated and never changes, so progress over time can be shown."""

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rating_sets"
    )
    # A mentor's rating stays with the mentee when the mentor's account is deleted,
    # shown as by "a former mentor".
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="ratings_given",
    )
    rater_role = models.CharField(max_length=10, choices=RaterRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = RatingSetQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "rater"],
                condition=Q(submitted_at__isnull=True),
                name="one_draft_rating_set_per_rater",
            ),
            models.CheckConstraint(
                condition=Q(rater_role="mentor") | Q(rater=models.F("subject")),
                name="self_rating_is_by_the_subject",
            ),
        ]

    def __str__(self) -> str:
        when = f"{self.submitted_at:%Y-%m-%d}" if self.submitted_at else "draft"
        return f"{self.get_rater_role_display()} of {self.subject} ({when})"

    def get_absolute_url(self) -> str:
        return reverse("assessments:rating-set", kwargs={"pk": self.pk})

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class RatingQuerySet(models.QuerySet):
    def in_rubric_order(self) -> "RatingQuerySet":
        """As the rubric lists the competencies: domain by domain, in their order."""
        return self.order_by("competency__domain__order", "competency__order", "pk")


class Rating(models.Model):
    rating_set = models.ForeignKey(RatingSet, on_delete=models.CASCADE, related_name="ratings")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="ratings")
    level = models.PositiveSmallIntegerField(validators=[validate_on_scale])
    evidence = models.TextField(blank=True, max_length=2000)

    objects = RatingQuerySet.as_manager()

    class Meta:
        # No foreign key in the default order: following the rating set and the competency
        # joined three tables into every ratings query. A page that lists a set's ratings
        # orders them by the rubric itself (in_rubric_order).
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rating_set", "competency"], name="one_rating_per_competency_per_set"
            )
        ]

    def __str__(self) -> str:
        return f"{self.competency}: {self.level}"


class StoredResults(models.Model):
    """A physician's gap analysis as last computed (selectors.results), so their pages
    read one row instead of the whole curriculum matrix and every rating set. It is only
    ever a copy: it holds what it was computed from (the latest finished needs assessment,
    the submitted rating sets and the curriculum's version), and a read whose inputs
    differ computes the results again and stores them. A stale row is slower, never
    wrong."""

    subject = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    assessment = models.ForeignKey(
        NeedsAssessment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # "<submitted rating sets>:<the highest id among them>:<those by a former member>";
    # sets never change once submitted (but for a rater's account going), so a new,
    # dropped or replaced set, or a mentor gone, changes it.
    rating_sets = models.CharField(max_length=40)
    curriculum_version = models.CharField(max_length=64)
    data = models.JSONField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "stored results"

    def __str__(self) -> str:
        return f"Results of {self.subject_id} computed {self.computed_at:%Y-%m-%d %H:%M}"
