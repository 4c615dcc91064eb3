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


class Delivery(models.TextChoices):
    """Where a module is taken: on this site as a lesson, or elsewhere, by kind of provider.
    The site never presents a module delivered elsewhere as its own."""

    SITE = "site", "A lesson on this site"
    SOCIETY = "society", "A specialty or physician-leadership society"
    SCHOOL = "school", "A university or business school"
    CERTIFICATION = "certification", "A certification body"
    CME_PROVIDER = "cme_provider", "An accredited continuing-education provider"
    WORKPLACE = "workplace", "Your own organisation"
    COMPANY = "company", "A company that takes physicians on placement"
    COMMUNITY = "community", "A community, network or cluster"
    PEERS = "peers", "Mentors and peers you arrange it with"
    OTHER = "other", "Elsewhere"


class LearningModuleQuerySet(StagedQuerySet):
    def lessons(self) -> "LearningModuleQuerySet":
        """The modules taken here, as lessons."""
        return self.filter(delivery=Delivery.SITE)


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
    delivery = models.CharField(
        "where it is taken",
        max_length=20,
        choices=Delivery.choices,
        default=Delivery.OTHER,
        help_text="“A lesson on this site” needs its sections, reflection questions and "
        "self-check below; anything else is taken elsewhere and says how to find it.",
    )
    provider = models.CharField(
        max_length=160,
        blank=True,
        help_text="For a module taken elsewhere: the kind of provider, in plain words.",
    )
    how_to_find = models.TextField(
        "how to find a provider",
        blank=True,
        help_text="For a module taken elsewhere: how a physician finds a good provider.",
    )
    url = models.URLField(
        "link", blank=True, help_text="Only a stable public page of a real organisation."
    )
    leads_to = models.CharField(
        max_length=20,
        choices=Credential.choices,
        blank=True,
        help_text="For a degree or certification programme: what it leads to.",
    )

    objects = LearningModuleQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("pathways:module-detail", kwargs={"slug": self.slug})

    @property
    def is_lesson(self) -> bool:
        return self.delivery == Delivery.SITE

    def clean(self) -> None:
        super().clean()
        if not self.is_lesson and not (self.provider or self.how_to_find):
            raise ValidationError(
                {
                    "how_to_find": "A module taken elsewhere says who provides it or how "
                    "to find a provider."
                }
            )


class OpportunityKind(models.TextChoices):
    INTERNSHIP = "internship", "Internship"
    FELLOWSHIP = "fellowship", "Fellowship"
    SCHOLARSHIP = "scholarship", "Scholarship"
    JOB = "job", "Job"
    CME_EVENT = "cme_event", "Continuing-education event"
    COMMUNITY = "community", "Community or network"
    EXECUTIVE_SEARCH = "executive_search", "Executive-search contact"


class Listing(models.TextChoices):
    EXAMPLE = "example", "An example of its kind"
    REAL = "real", "A real listing"


class OpportunityQuerySet(StagedQuerySet):
    def open(self, today: datetime.date | None = None) -> "OpportunityQuerySet":
        """Those still open: no deadline (rolling) or a deadline today or later."""
        today = today or clock.today()
        return self.filter(Q(deadline__isnull=True) | Q(deadline__gte=today))

    def real(self) -> "OpportunityQuerySet":
        """Real listings: the only ones whose deadline is a date to act on."""
        return self.filter(listing=Listing.REAL)

    def soonest_first(self) -> "OpportunityQuerySet":
        """Dated ones by deadline, then the rolling ones, on every database."""
        return self.order_by(models.F("deadline").asc(nulls_last=True), "title")

    def closing_within(self, days: int, today: datetime.date | None = None):
        """Real listings whose deadline falls within `days` days."""
        today = today or clock.today()
        return self.real().filter(
            deadline__gte=today, deadline__lte=today + datetime.timedelta(days)
        )


class Opportunity(StageRange, CurriculumItem):
    title = models.CharField(max_length=160)
    kind = models.CharField(max_length=20, choices=OpportunityKind.choices)
    listing = models.CharField(
        max_length=10,
        choices=Listing.choices,
        default=Listing.EXAMPLE,
        help_text="An example shows the kind of opportunity and how to find real ones; only "
        "a real listing, with its link or contact, gets a dated action in plans.",
    )
    organisation = models.CharField(max_length=160)
    description = models.TextField()
    location = models.CharField(max_length=120, blank=True)
    is_remote = models.BooleanField("remote", default=False)
    format = models.CharField(max_length=20, choices=DeliveryFormat.choices)
    deadline = models.DateField(
        null=True,
        blank=True,
        help_text="Empty for rolling or open. For an example: about when listings like it close.",
    )
    url = models.URLField("link", blank=True)
    contact = models.CharField(
        max_length=200, blank=True, help_text="For a real listing: whom to ask, or how."
    )
    how_to_find = models.TextField(
        "how to find real ones",
        blank=True,
        help_text="For an example: where real opportunities of this kind are advertised.",
    )
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

    @property
    def is_example(self) -> bool:
        return self.listing == Listing.EXAMPLE

    @property
    def deadline_to_act_on(self) -> datetime.date | None:
        """The deadline a plan may date an action by: a real listing's only."""
        return None if self.is_example else self.deadline

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.listing == Listing.REAL and not (self.url or self.contact):
            errors["url"] = "A real listing needs its link or a contact, so a physician can apply."
        if self.listing == Listing.EXAMPLE and not self.how_to_find:
            errors["how_to_find"] = "An example says how to find real opportunities like it."
        if self._state.adding and self.deadline and self.deadline < clock.today():
            errors["deadline"] = (
                "This deadline has already passed: a new opportunity needs a deadline today "
                "or later, or none if it is rolling."
            )
        if errors:
            raise ValidationError(errors)
