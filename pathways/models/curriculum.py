"""The curriculum: what a CMO career is made of. Edited by curriculum editors in admin,
shipped as TOML in pathways/curriculum/ and loaded by `manage.py load_curriculum`."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Self

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from cmo_portal.accounts.models import CareerStage

# The career stages in the order a physician passes through them.
STAGE_ORDER: tuple[str, ...] = tuple(CareerStage.values)


def stage_rank(stage: str) -> int:
    return STAGE_ORDER.index(stage)


class CurriculumItem(models.Model):
    """Shared by every curriculum row that the shipped curriculum may update.

    `edited_locally` is set when an editor saves the row in admin; from then on the
    loader leaves the row (and the rows edited inline with it) as the editor left it."""

    slug = models.SlugField(max_length=80, unique=True)
    edited_locally = models.BooleanField(
        "edited in admin",
        default=False,
        help_text="Set when an editor saves this in admin: the shipped curriculum then "
        "leaves it alone. Untick it to take the shipped version at the next load.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Setting(CurriculumItem):
    """A kind of organisation a physician executive works in."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('pathways:pathway-list')}?setting={self.slug}"


class RoleKind(CurriculumItem):
    """What kind of seat a role is: chief officer, advisor, consultant, advisory-board
    member, leadership-team member, board director. They differ in accountability,
    time and pay, and physicians often confuse them."""

    name = models.CharField(max_length=120, unique=True)
    summary = models.CharField(max_length=240)
    accountability = models.TextField(help_text="What the person in this seat answers for.")
    time_commitment = models.TextField()
    compensation = models.TextField(help_text="How this seat is usually paid, equity included.")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('pathways:role-kinds')}#{self.slug}"


class ProficiencyLevel(models.Model):
    """One step of the rubric scale shared by every competency (1 novice … 4 expert)."""

    number = models.PositiveSmallIntegerField(unique=True, validators=[MinValueValidator(1)])
    name = models.CharField(max_length=40, unique=True)
    summary = models.CharField(max_length=240)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


# The scale's numbers while a curriculum load runs (scale_fixed): the load validates
# hundreds of levels against a scale that does not change under it.
_fixed_scale: ContextVar[list[int] | None] = ContextVar("fixed_scale", default=None)


@contextmanager
def scale_fixed() -> Iterator[None]:
    """Within this block, levels are checked against the scale as it is now, read once."""
    token = _fixed_scale.set(list(ProficiencyLevel.objects.values_list("number", flat=True)))
    try:
        yield
    finally:
        _fixed_scale.reset(token)


def validate_on_scale(level: int) -> None:
    """A level must be one of the scale's numbers, which editors may change in admin."""
    numbers = _fixed_scale.get()
    if numbers is None:
        numbers = list(ProficiencyLevel.objects.values_list("number", flat=True))
    if numbers and level not in numbers:
        raise ValidationError(
            f"Level {level} is not on the rubric scale, which runs from {min(numbers)} "
            f"to {max(numbers)}.",
            code="off_scale",
        )


class CompetencyDomain(CurriculumItem):
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    source = models.CharField(
        max_length=160,
        blank=True,
        help_text="Where the domain comes from, e.g. the Healthcare Leadership Alliance "
        "competency directory.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('pathways:competency-list')}#{self.slug}"


class Competency(CurriculumItem):
    domain = models.ForeignKey(
        CompetencyDomain, on_delete=models.PROTECT, related_name="competencies"
    )
    name = models.CharField(max_length=120, unique=True)
    description = models.TextField()
    order = models.PositiveSmallIntegerField(default=0)

    # Every saved version, so an editor sees who changed what and can revert it in admin.
    history = HistoricalRecords()

    class Meta:
        ordering = ["domain__order", "order", "name"]
        verbose_name_plural = "competencies"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("pathways:competency-detail", kwargs={"slug": self.slug})


class RubricLevel(models.Model):
    """What a physician at `level` of this competency does: the behaviour they show."""

    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="levels")
    level = models.PositiveSmallIntegerField(validators=[validate_on_scale])
    descriptor = models.TextField()

    # Every saved version of the descriptor, revertible in admin (RubricLevelAdmin).
    history = HistoricalRecords()

    class Meta:
        ordering = ["competency", "level"]
        constraints = [
            models.UniqueConstraint(fields=["competency", "level"], name="rubric_level_unique")
        ]

    def __str__(self) -> str:
        return f"{self.competency}: level {self.level}"


class Degree(models.TextChoices):
    MBA = "mba", "MBA"
    MHA = "mha", "MHA (health administration)"
    MPH = "mph", "MPH (public health)"
    MMM = "mmm", "Master of medical management"
    INFORMATICS = "informatics", "Clinical informatics (board certification or master's)"
    MBE = "mbe", "Entrepreneurship or innovation programme"
    OTHER = "other", "Other"


class Expectation(models.TextChoices):
    EXPECTED = "expected", "Usually expected"
    HELPFUL = "helpful", "Helps"
    OPTIONAL = "optional", "Optional"


class Credential(models.TextChoices):
    """What an education module leads to: one of the degrees a physician records in the
    needs assessment (Degree), or a certification."""

    MBA = Degree.MBA.value, Degree.MBA.label
    MHA = Degree.MHA.value, Degree.MHA.label
    MPH = Degree.MPH.value, Degree.MPH.label
    MMM = Degree.MMM.value, Degree.MMM.label
    INFORMATICS = Degree.INFORMATICS.value, Degree.INFORMATICS.label
    MBE = Degree.MBE.value, Degree.MBE.label
    CPHQ = "cphq", "Certified Professional in Healthcare Quality (CPHQ)"
    BOARD = "board", "Board certification in your specialty"


class StagedQuerySet(models.QuerySet):
    def for_stage(self, stage: str) -> Self:
        """Those worth working on at `stage`."""
        rank = stage_rank(stage)
        return self.filter(earliest_stage_rank__lte=rank, latest_stage_rank__gte=rank)


class StageRange(models.Model):
    """The career stages at which a curriculum item is worth working on, from the
    earliest to the latest, with their ranks kept beside them so a stage filter is one
    indexed query."""

    earliest_stage = models.CharField(
        max_length=32,
        choices=CareerStage.choices,
        default=CareerStage.MEDICAL_STUDENT,
        help_text="The earliest career stage at which this is worth working on.",
    )
    latest_stage = models.CharField(
        max_length=32, choices=CareerStage.choices, default=CareerStage.PHYSICIAN_LEADER
    )
    earliest_stage_rank = models.PositiveSmallIntegerField(editable=False, default=0)
    latest_stage_rank = models.PositiveSmallIntegerField(editable=False, default=0)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.earliest_stage_rank = stage_rank(self.earliest_stage)
        self.latest_stage_rank = stage_rank(self.latest_stage)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if (
            self.earliest_stage
            and self.latest_stage
            and stage_rank(self.earliest_stage) > stage_rank(self.latest_stage)
        ):
            raise ValidationError(
                {"latest_stage": "The latest career stage cannot come before the earliest one."}
            )

    def suits_stage(self, stage: str) -> bool:
        if stage not in STAGE_ORDER:
            return True  # no stage given: nothing is ruled out
        return self.earliest_stage_rank <= stage_rank(stage) <= self.latest_stage_rank

    def suits_stage_labels(self) -> str:
        if self.earliest_stage == self.latest_stage:
            return self.get_earliest_stage_display()
        return f"{self.get_earliest_stage_display()} to {self.get_latest_stage_display().lower()}"


class Pathway(StageRange, CurriculumItem):
    """A target role in a setting, e.g. CMO of a digital-health start-up."""

    title = models.CharField(max_length=160, unique=True)
    setting = models.ForeignKey(Setting, on_delete=models.PROTECT, related_name="pathways")
    role_kind = models.ForeignKey(RoleKind, on_delete=models.PROTECT, related_name="pathways")
    summary = models.CharField(max_length=300)
    responsibilities = models.TextField(help_text="One responsibility per line.")
    years_clinical_min = models.PositiveSmallIntegerField(
        "typical years of clinical practice (from)", validators=[MaxValueValidator(40)]
    )
    years_clinical_max = models.PositiveSmallIntegerField(
        "typical years of clinical practice (to)", validators=[MaxValueValidator(40)]
    )
    education_note = models.TextField("education", blank=True)
    compensation = models.TextField(help_text="How pay and equity usually work in this role.")
    earliest_stage = models.CharField(
        max_length=32,
        choices=CareerStage.choices,
        help_text="The earliest career stage at which this pathway is worth working towards.",
    )
    competencies = models.ManyToManyField(
        Competency, through="PathwayCompetency", related_name="pathways"
    )

    objects = StagedQuerySet.as_manager()

    class Meta:
        ordering = ["setting__order", "title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("pathways:pathway-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if (
            self.years_clinical_min is not None
            and self.years_clinical_max is not None
            and self.years_clinical_min > self.years_clinical_max
        ):
            raise ValidationError(
                {
                    "years_clinical_max": "The upper end of the years of practice cannot be "
                    "below the lower end."
                }
            )

    @property
    def responsibility_list(self) -> list[str]:
        return [line.strip() for line in self.responsibilities.splitlines() if line.strip()]


class PathwayStep(models.Model):
    """A rung of the ladder that usually leads to the pathway's role."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=160)
    years_min = models.PositiveSmallIntegerField("typical years (from)", null=True, blank=True)
    years_max = models.PositiveSmallIntegerField("typical years (to)", null=True, blank=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["pathway", "order"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if (
            self.years_min is not None
            and self.years_max is not None
            and self.years_min > self.years_max
        ):
            raise ValidationError({"years_max": "The upper end cannot be below the lower end."})


class PathwayEducation(models.Model):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="education")
    degree = models.CharField(max_length=20, choices=Degree.choices)
    expectation = models.CharField(max_length=20, choices=Expectation.choices)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pathway", "expectation", "degree"]
        constraints = [
            models.UniqueConstraint(fields=["pathway", "degree"], name="pathway_degree_unique")
        ]
        verbose_name_plural = "education"

    def __str__(self) -> str:
        return f"{self.get_degree_display()} ({self.get_expectation_display().lower()})"


class Weight(models.IntegerChoices):
    USEFUL = 1, "Useful"
    IMPORTANT = 2, "Important"
    ESSENTIAL = 3, "Essential"


class PathwayCompetency(models.Model):
    """The level a pathway needs of a competency, and how much that competency counts."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="targets")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="targets")
    target_level = models.PositiveSmallIntegerField(validators=[validate_on_scale])
    weight = models.PositiveSmallIntegerField(choices=Weight.choices, default=Weight.IMPORTANT)

    class Meta:
        ordering = ["pathway", "-weight", "competency__domain__order", "competency__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "competency"], name="pathway_competency_unique"
            )
        ]
        verbose_name = "target level"

    def __str__(self) -> str:
        return f"{self.pathway}: {self.competency} at level {self.target_level}"
