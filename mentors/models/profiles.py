"""Who offers to mentor: a mentor's profile (what they bring, how they meet, how many
mentees they take on) and the competencies they can teach."""

import functools
import operator

from django.conf import global_settings, settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from cmo_portal.time_zones import validate_time_zone
from pathways.models.curriculum import Competency, Pathway, Setting

from .mentorships import MentorshipStatus

# The most mentees a mentor may take on at once.
MAX_CAPACITY = 12

LANGUAGE_CHOICES = sorted(
    ((code, name) for code, name in global_settings.LANGUAGES if "-" not in code),
    key=lambda choice: str(choice[1]),
)


def validate_languages(value) -> None:
    known = {code for code, _ in LANGUAGE_CHOICES}
    if not isinstance(value, list) or not value or any(code not in known for code in value):
        raise ValidationError("Choose at least one language from the list.")


class MeetingFormat(models.TextChoices):
    """The ways a mentor meets mentees: the one definition of their codes and words. Each
    is a flag on the mentor profile (`field_name`). The needs assessment asks the
    physician for the same codes (assessments.models.MentoringFormat), so the matching can
    compare the two."""

    VIDEO = "video", "video call"
    IN_PERSON = "in_person", "in person"
    ASYNC = "async", "asynchronous (messages, documents)"

    @property
    def field_name(self) -> str:
        return f"offers_{self.value}"


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Not approved"


# The cached pages that show the mentors on offer depend on this topic
# (cmo_portal.page_cache): a saved profile, teachable competency or mentorship changes it.
MENTORS = "mentors"


class MentorProfileQuerySet(models.QuerySet):
    def approved(self) -> "MentorProfileQuerySet":
        return self.filter(status=ApplicationStatus.APPROVED, user__is_active=True)

    def with_load(self) -> "MentorProfileQuerySet":
        """Annotate each profile with its number of active mentees (`active_count`).
        Counted distinct, so that it stays true in a query that joins more rows per profile
        (the matching joins what each mentor teaches)."""
        return self.annotate(
            active_count=models.Count(
                "mentorships",
                filter=models.Q(mentorships__status=MentorshipStatus.ACTIVE),
                distinct=True,
            )
        )

    def with_room(self) -> "MentorProfileQuerySet":
        """Approved, taking requests, and below capacity."""
        return (
            self.approved()
            .filter(accepting_requests=True)
            .with_load()
            .filter(active_count__lt=models.F("capacity"))
        )


class MentorProfile(models.Model):
    """A user's offer to mentor. Staff approve it before it is listed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile"
    )
    status = models.CharField(
        max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.PENDING
    )
    headline = models.CharField(
        max_length=160, help_text="One line: for example, CMO of a 400-bed teaching hospital."
    )
    bio = models.TextField(help_text="Your path, what you enjoy helping with, how you work.")
    current_role = models.CharField(max_length=150)
    past_roles = models.TextField(blank=True, help_text="One role per line.")
    settings_known = models.ManyToManyField(
        Setting, blank=True, related_name="mentors", verbose_name="settings you know"
    )
    pathways_known = models.ManyToManyField(
        Pathway, blank=True, related_name="mentors", verbose_name="pathways you know"
    )
    capacity = models.PositiveSmallIntegerField(
        "mentees at once",
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
    )
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    offers_video = models.BooleanField(MeetingFormat.VIDEO.label, default=True)
    offers_in_person = models.BooleanField(MeetingFormat.IN_PERSON.label, default=False)
    offers_async = models.BooleanField(MeetingFormat.ASYNC.label, default=False)
    languages = models.JSONField(default=list, validators=[validate_languages])
    accepting_requests = models.BooleanField(
        default=True,
        help_text="Untick to pause new requests (on leave, full); current mentees stay.",
    )
    pause_note = models.CharField(max_length=160, blank=True)
    # The median hours the mentor took to answer their last requests; None until one.
    usual_response_hours = models.PositiveIntegerField(null=True, blank=True, editable=False)
    review_note = models.TextField(
        blank=True, help_text="Why the application was not approved, shown to the applicant."
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MentorProfileQuerySet.as_manager()

    class Meta:
        ordering = ["user__profile__full_name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gte=1, capacity__lte=MAX_CAPACITY),
                name="mentor_capacity_in_range",
            ),
            models.CheckConstraint(
                condition=functools.reduce(
                    operator.or_, (models.Q(**{f.field_name: True}) for f in MeetingFormat)
                ),
                name="mentor_offers_a_format",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("mentors:detail", kwargs={"pk": self.pk})

    def clean(self) -> None:
        super().clean()
        if not self.format_codes:
            raise ValidationError("Choose at least one way of meeting your mentees.")

    @property
    def display_name(self) -> str:
        return self.user.get_full_name()

    @property
    def is_approved(self) -> bool:
        return self.status == ApplicationStatus.APPROVED

    @property
    def formats(self) -> list[str]:
        """The ways this mentor meets mentees, in words."""
        return [f.label for f in MeetingFormat if getattr(self, f.field_name)]

    @property
    def format_codes(self) -> frozenset[str]:
        return frozenset(f.value for f in MeetingFormat if getattr(self, f.field_name))

    @property
    def language_names(self) -> list[str]:
        names = dict(LANGUAGE_CHOICES)
        return [str(names.get(code, code)) for code in self.languages]

    def free_places(self, active_count: int | None = None) -> int:
        """Places left; pass `active_count` from `with_load()` to avoid a query."""
        if active_count is None:
            active_count = getattr(self, "active_count", None)
        if active_count is None:
            active_count = self.mentorships.filter(status=MentorshipStatus.ACTIVE).count()
        return max(0, self.capacity - active_count)


class TeachableCompetency(models.Model):
    """A competency a mentor can teach, and up to which rubric level."""

    mentor = models.ForeignKey(MentorProfile, on_delete=models.CASCADE, related_name="teaches")
    competency = models.ForeignKey(Competency, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(
        help_text="The rubric level you can bring a mentee up to."
    )

    class Meta:
        ordering = ["mentor", "competency__domain__order", "competency__order"]
        constraints = [
            models.UniqueConstraint(fields=["mentor", "competency"], name="teach_once"),
        ]

    def __str__(self) -> str:
        return f"{self.competency} up to level {self.level}"
