"""What builds the curriculum's competencies: learning modules (courses, projects,
mentoring, networking, exchanges, continuing education) and opportunities (internships,
fellowships, scholarships, jobs, events, communities), some with deadlines."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from cmo_portal import clock

from .curriculum import (
    Competency,
    Credential,
    CurriculumItem,
    Pathway,
    StagedQuerySet,
    StageRange,
)


class ModuleKind(models.TextChoices):
    COURSE = "course", "Course"
    EDUCATION = "education", "Degree or certification"
    EXPERIENTIAL = "experiential", "Experiential project"
    MENTORING = "mentoring", "Mentoring"
    NETWORKING = "networking", "Networking"
    EXCHANGE = "exchange", "International exchange"
    CME = "cme", "Continuing education"
    JOB_SEARCH = "job_search", "Job search"
    FIRST_90_DAYS = "first_90_days", "First 90 days in the role"


class DeliveryFormat(models.TextChoices):
    ONLINE = "online", "Online"
    IN_PERSON = "in_person", "In person"
    HYBRID = "hybrid", "Hybrid"


class LearningModule(StageRange, CurriculumItem):
    title = models.CharField(max_length=160, unique=True)
    objective = models.CharField(
        "learning objective",
        max_length=300,
        help_text="What the physician can do after it, starting with a verb.",
    )
    description = models.TextField()
    competencies = models.ManyToManyField(Competency, related_name="modules")
    kind = models.CharField(max_length=20, choices=ModuleKind.choices)
    format = models.CharField(max_length=20, choices=DeliveryFormat.choices)
    effort_hours = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(2000)]
    )
    provider = models.CharField(max_length=160, blank=True)
    url = models.URLField("link", blank=True)
    leads_to = models.CharField(
        max_length=20,
        choices=Credential.choices,
        blank=True,
        help_text="For a degree or certification programme: what it leads to.",
    )

    objects = StagedQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("pathways:module-detail", kwargs={"slug": self.slug})


class OpportunityKind(models.TextChoices):
    INTERNSHIP = "internship", "Internship"
    FELLOWSHIP = "fellowship", "Fellowship"
    SCHOLARSHIP = "scholarship", "Scholarship"
    JOB = "job", "Job"
    CME_EVENT = "cme_event", "Continuing-education event"
    COMMUNITY = "community", "Community or network"
    EXECUTIVE_SEARCH = "executive_search", "Executive-search contact"


class OpportunityQuerySet(StagedQuerySet):
    def open(self, today: datetime.date | None = None) -> "OpportunityQuerySet":
        """Those still open: no deadline (rolling) or a deadline today or later."""
        today = today or clock.today()
        return self.filter(Q(deadline__isnull=True) | Q(deadline__gte=today))

    def soonest_first(self) -> "OpportunityQuerySet":
        """Dated ones by deadline, then the rolling ones, on every database."""
        return self.order_by(models.F("deadline").asc(nulls_last=True), "title")

    def closing_within(self, days: int, today: datetime.date | None = None):
        today = today or clock.today()
        return self.filter(deadline__gte=today, deadline__lte=today + datetime.timedelta(days))


class Opportunity(StageRange, CurriculumItem):
    title = models.CharField(max_length=160)
    kind = models.CharField(max_length=20, choices=OpportunityKind.choices)
    organisation = models.CharField(max_length=160)
    description = models.TextField()
    location = models.CharField(max_length=120, blank=True)
    is_remote = models.BooleanField("remote", default=False)
    format = models.CharField(max_length=20, choices=DeliveryFormat.choices)
    deadline = models.DateField(null=True, blank=True, help_text="Empty for rolling or open.")
    url = models.URLField("link", blank=True)
    pathways = models.ManyToManyField(Pathway, related_name="opportunities", blank=True)
    competencies = models.ManyToManyField(Competency, related_name="opportunities", blank=True)

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        ordering = ["deadline", "title"]
        verbose_name_plural = "opportunities"
        indexes = [models.Index(fields=["kind", "deadline"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("pathways:opportunity-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        super().clean()
        if self._state.adding and self.deadline and self.deadline < clock.today():
            raise ValidationError(
                {
                    "deadline": "This deadline has already passed: a new opportunity needs "
                    "a deadline today or later, or none if it is rolling."
                }
            )
