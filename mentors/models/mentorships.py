"""The mentorships between a physician and a mentor: the request, its answer, the
mentorship it becomes and how it ends."""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse

from cmo_portal import clock
from cmo_portal.accounts.models import FORMER_MENTOR, MENTOR_DELETED_REASON
from pathways.models.plan import PlanGoal

# A request the mentor has not answered in this long expires; the physician is told and
# offered the next suggestion.
REQUEST_EXPIRES_AFTER = datetime.timedelta(days=3)
# After a mentor declines, the physician is not offered that mentor again for this long.
DECLINE_COOL_OFF = datetime.timedelta(days=90)
# A physician may wait on this many requests at once; asking everyone at once helps no one.
MAX_OPEN_REQUESTS = 3


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
        "mentors.MentorProfile",
        on_delete=close_for_departing_mentor,
        null=True,
        related_name="mentorships",
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
    # The physician's choice when asking: once this request is accepted, their other
    # open requests stay open (True) or are withdrawn, and those mentors told (False).
    keep_other_requests = models.BooleanField(default=False)
    # Set on a request withdrawn because another mentor accepted: that mentorship.
    withdrawn_for = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="withdrawn_requests"
    )
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
