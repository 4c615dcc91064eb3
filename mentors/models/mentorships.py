"""Mentors: who offers to mentor and what they can teach, the mentorships between a
physician and a mentor, and what mentors leave on a mentee's plan (comments, reviews)."""

import datetime
import functools
import operator

from django.conf import global_settings, settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from cmo_portal import clock
from cmo_portal.accounts.models import FORMER_MENTOR, MENTOR_DELETED_REASON
from cmo_portal.time_zones import validate_time_zone
from pathways.models.curriculum import Competency, Pathway, Setting
from pathways.models.plan import CareerPlan, PlanAction, PlanGoal

# A request the mentor has not answered in this long expires; the physician is told and
# offered the next suggestion.
REQUEST_EXPIRES_AFTER = datetime.timedelta(days=3)
# After a mentor declines, the physician is not offered that mentor again for this long.
DECLINE_COOL_OFF = datetime.timedelta(days=90)
# A physician may wait on this many requests at once; asking everyone at once helps no one.
MAX_OPEN_REQUESTS = 3
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


class MentorProfileQuerySet(models.QuerySet):
    def approved(self) -> "MentorProfileQuerySet":
        return self.filter(status=ApplicationStatus.APPROVED, user__is_active=True)

    def with_load(self) -> "MentorProfileQuerySet":
        """Annotate each profile with its number of active mentees (`active_count`)."""
        return self.annotate(
            active_count=models.Count(
                "mentorships", filter=models.Q(mentorships__status=MentorshipStatus.ACTIVE)
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


class MentorshipStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    NEEDS_INFO = "needs_info", "More information asked"
    ACTIVE = "active", "Active"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"
    EXPIRED = "expired", "Expired (no answer)"
    ENDED = "ended", "Ended"


# A request still waiting on someone: the mentor (requested) or the physician (needs info).
OPEN_STATUSES = (MentorshipStatus.REQUESTED, MentorshipStatus.NEEDS_INFO)


class MentorshipQuerySet(models.QuerySet):
    def open(self) -> "MentorshipQuerySet":
        return self.filter(status__in=OPEN_STATUSES)

    def active(self) -> "MentorshipQuerySet":
        return self.filter(status=MentorshipStatus.ACTIVE)

    def current(self) -> "MentorshipQuerySet":
        """Open requests and active mentorships: at most one per pair."""
        return self.filter(status__in=(*OPEN_STATUSES, MentorshipStatus.ACTIVE))

    def overdue(self, now: datetime.datetime) -> "MentorshipQuerySet":
        return self.filter(status=MentorshipStatus.REQUESTED, expires_at__lte=now)

    def declined_within_cool_off(self, now: datetime.datetime) -> "MentorshipQuerySet":
        """Declined less than DECLINE_COOL_OFF ago: the physician may not ask that mentor
        again yet, and is not offered them."""
        return self.filter(
            status=MentorshipStatus.DECLINED, responded_at__gte=now - DECLINE_COOL_OFF
        )

    def expired_within_cool_off(self, now: datetime.datetime) -> "MentorshipQuerySet":
        """Left to expire less than DECLINE_COOL_OFF ago: the physician is not offered
        that mentor again yet (asking them directly is allowed)."""
        return self.filter(status=MentorshipStatus.EXPIRED, expires_at__gte=now - DECLINE_COOL_OFF)


def close_for_departing_mentor(collector, field, sub_objs, using) -> None:
    """What deleting a mentor's profile (with their account, or on its own) does to their
    mentorships: open requests are withdrawn and active mentorships ended, with the
    reason, and the mentor set to null; the rows stay, so the mentee keeps the history,
    the reviews and the advice, and every access rule reads right once the mentor is
    gone. No email: there is no one to name. Like SET_NULL it only tells the deletion
    what to change, so the admin's confirmation page and the personal-data walk, which
    collect the same way, change nothing."""
    rows = list(sub_objs)
    status_of = dict(
        Mentorship.objects.filter(pk__in=[row.pk for row in rows]).values_list("pk", "status")
    )
    withdrawn = [row for row in rows if status_of.get(row.pk) in OPEN_STATUSES]
    ended = [row for row in rows if status_of.get(row.pk) == MentorshipStatus.ACTIVE]
    now = clock.now()
    fields = Mentorship._meta
    for status, closing in (
        (MentorshipStatus.WITHDRAWN, withdrawn),
        (MentorshipStatus.ENDED, ended),
    ):
        if closing:
            collector.add_field_update(fields.get_field("status"), status, closing)
    if withdrawn or ended:
        for name, value in (
            ("ended_at", now),
            ("end_reason", MENTOR_DELETED_REASON),
            ("updated_at", now),
        ):
            collector.add_field_update(fields.get_field(name), value, [*withdrawn, *ended])
    models.SET_NULL(collector, field, rows, using)  # type: ignore[arg-type]  # a list works


class Mentorship(models.Model):
    """A physician's request to a mentor, and the mentorship it becomes.

    requested → active | declined | needs_info | withdrawn | expired;
    needs_info → requested (the physician answers) | withdrawn; active → ended."""

    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships"
    )
    # Kept, closed and with the mentor null ("a former mentor"), when the mentor's
    # profile or account is deleted (`close_for_departing_mentor`).
    mentor = models.ForeignKey(
        MentorProfile, on_delete=close_for_departing_mentor, null=True, related_name="mentorships"
    )
    status = models.CharField(
        max_length=12, choices=MentorshipStatus.choices, default=MentorshipStatus.REQUESTED
    )
    message = models.TextField()
    goals = models.ManyToManyField(PlanGoal, blank=True, related_name="+")
    question = models.TextField(blank=True, help_text="What the mentor asked to know more about.")
    answer = models.TextField(blank=True)
    decline_reason = models.TextField(blank=True)
    end_reason = models.TextField(blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    # The physician has been told the request expired (set when the email is queued).
    expiry_noticed = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # No duplicate requests: one open request or active mentorship per pair.
            models.UniqueConstraint(
                fields=["mentee", "mentor"],
                condition=models.Q(status__in=["requested", "needs_info", "active"]),
                name="one_current_mentorship_per_pair",
            ),
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.mentee} with {self.mentor or FORMER_MENTOR}"

    def get_absolute_url(self) -> str:
        return reverse("mentors:mentorship", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_active(self) -> bool:
        return self.status == MentorshipStatus.ACTIVE

    @property
    def may_ask_again_from(self) -> datetime.datetime | None:
        """After a decline: when the cool-off ends and the physician may ask again."""
        if self.status != MentorshipStatus.DECLINED or self.responded_at is None:
            return None
        return self.responded_at + DECLINE_COOL_OFF

    @property
    def mentor_user_id(self) -> int | None:
        """The mentor's user id; None once the mentor's account is deleted."""
        return self.mentor.user_id if self.mentor is not None else None

    def involves(self, user) -> bool:
        return user.pk is not None and user.pk in (self.mentee_id, self.mentor_user_id)


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
