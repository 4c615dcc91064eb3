"""What the site sends and when: each user's email preferences and schedule, and the
email log, the outbox every email goes through."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from cmo_portal import clock


class EmailKind(models.TextChoices):
    ACCOUNT = "account", "Account (sign-in, address, password)"
    MENTORING = "mentoring", "Mentoring (requests, answers, comments, reviews)"
    ACTION_REMINDER = "action_reminder", "Plan actions due soon or overdue"
    REASSESSMENT = "reassessment", "Time to reassess your competencies"
    REQUEST_REMINDER = "request_reminder", "Mentorship requests waiting for your answer"
    PLAN_NUDGE = "plan_nudge", "A nudge when your plan has been quiet for 30 days"
    DIGEST = "digest", "Your weekly or monthly digest"


# Which preference turns each kind off. Account emails cannot be turned off: they are
# how a person gets into their account.
PREFERENCE_FOR_KIND: dict[str, str] = {
    EmailKind.MENTORING: "mentoring_emails",
    EmailKind.ACTION_REMINDER: "action_reminders",
    EmailKind.REASSESSMENT: "reassessment_reminders",
    EmailKind.REQUEST_REMINDER: "request_reminders",
    EmailKind.PLAN_NUDGE: "plan_nudges",
    EmailKind.DIGEST: "digest_frequency",
}


class Topic(models.TextChoices):
    """What an in-site notice (and its email) is about: one preference each."""

    MESSAGE = "message", "New messages from your mentor or mentee"
    RATING = "rating", "Your mentor rated you on the rubric"
    COMMENT = "comment", "A comment on your plan, or on your mentee's"
    REVIEW = "review", "Your mentor reviewed your plan"
    PLAN_CHANGE = "plan_change", "Your mentee's plan changed after your review"
    MEETING = "meeting", "Meetings proposed, confirmed, moved or cancelled"
    AGREEMENT = "agreement", "The mentorship agreement and the end feedback"
    REQUEST = "request", "Mentorship requests and their answers"


class NoticeChoice(models.TextChoices):
    """One preference per topic, shared by the site and email."""

    SITE_AND_EMAIL = "site_email", "On the site and by email"
    SITE_ONLY = "site", "On the site only"
    OFF = "off", "Off"


def topic_field(topic: str) -> str:
    """The NotificationPreferences field that holds the choice for `topic`."""
    return f"notice_{topic}"


def _notice_choice_field(topic: Topic) -> models.CharField:
    return models.CharField(
        topic.label,
        max_length=10,
        choices=NoticeChoice.choices,
        default=NoticeChoice.SITE_AND_EMAIL,
    )


class DigestFrequency(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    MONTHLY = "monthly", "Every month (the first chosen weekday of the month)"
    NEVER = "never", "Never"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


def new_unsubscribe_key() -> str:
    """A random key, unguessable and unrelated to the user: what an unsubscribe link
    names instead of the user's id or address."""
    return secrets.token_urlsafe(24)


class NotificationPreferences(models.Model):
    """One user's choices, and the next times their digest and reminders are due, in UTC,
    computed from their local time (see schedule.py) in their profile's time zone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    # The time zone is the person's one, their profile's (cmo_portal/time_zones.py).
    digest_frequency = models.CharField(
        max_length=8, choices=DigestFrequency.choices, default=DigestFrequency.WEEKLY
    )
    digest_weekday = models.PositiveSmallIntegerField(
        "digest day", choices=Weekday.choices, default=Weekday.MONDAY
    )
    mentoring_emails = models.BooleanField(
        "mentoring emails (requests, answers, comments, reviews)", default=True
    )
    action_reminders = models.BooleanField(
        "reminders of plan actions due in 7 days, tomorrow, or overdue", default=True
    )
    reassessment_reminders = models.BooleanField(
        "a reminder when it is time to reassess", default=True
    )
    request_reminders = models.BooleanField(
        "a reminder of mentorship requests waiting for my answer", default=True
    )
    plan_nudges = models.BooleanField(
        "a nudge when my plan has been quiet for 30 days", default=True
    )
    reassessment_months = models.PositiveSmallIntegerField(
        "reassess every (months)",
        null=True,
        blank=True,
        help_text="Leave empty for the default: 6 months in training, 12 in practice.",
    )
    notice_message = _notice_choice_field(Topic.MESSAGE)
    notice_rating = _notice_choice_field(Topic.RATING)
    notice_comment = _notice_choice_field(Topic.COMMENT)
    notice_review = _notice_choice_field(Topic.REVIEW)
    notice_plan_change = _notice_choice_field(Topic.PLAN_CHANGE)
    notice_meeting = _notice_choice_field(Topic.MEETING)
    notice_agreement = _notice_choice_field(Topic.AGREEMENT)
    notice_request = _notice_choice_field(Topic.REQUEST)
    next_digest_at = models.DateTimeField(null=True, blank=True, db_index=True)
    next_reminders_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_digest_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Named by the signed token of every unsubscribe link (tokens.py), so a link carries
    # no user id or address.
    unsubscribe_key = models.CharField(
        max_length=64, unique=True, default=new_unsubscribe_key, editable=False
    )

    class Meta:
        verbose_name_plural = "notification preferences"

    def __str__(self) -> str:
        return f"Email preferences of {self.user}"

    def wants(self, kind: str) -> bool:
        name = PREFERENCE_FOR_KIND.get(kind)
        if name is None:
            return True
        value = getattr(self, name)
        return value != DigestFrequency.NEVER if name == "digest_frequency" else bool(value)

    def notice_choice(self, topic: str) -> str:
        return getattr(self, topic_field(topic), NoticeChoice.SITE_AND_EMAIL)


class EmailStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    RETRYING = "retrying", "Failed for now, will retry"
    FAILED = "failed", "Failed for good"
    SKIPPED = "skipped", "Not sent (unsubscribed, address not verified or undeliverable)"
    UNKNOWN = "unknown", "Unknown: cut off while sending, not sent again"


# An email's payload once its message is no longer needed. The columns keep who it was
# for, its kind, subject, status and times; the body, and every link in it, are gone.
MESSAGE_REMOVED = {"message_removed": True}


class EmailLogQuerySet(models.QuerySet):
    def message_kept(self) -> "EmailLogQuerySet":
        return self.filter(payload__has_key="body")

    def message_removed(self) -> "EmailLogQuerySet":
        return self.exclude(payload__has_key="body")


class EmailLog(models.Model):
    """One email, from the moment it is composed: the outbox a worker claims from, and the
    record that stops a second send. (user, kind, period key) is unique, so composing the
    same reminder or digest twice creates one row, and one send.

    The payload holds the rendered message only while it may still be sent. An account
    email's message (a confirmation, sign-in or password-reset link) is removed in the
    same UPDATE that records it sent, failed for good, skipped or unknown."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="email_log",
    )
    to_email = models.EmailField()
    kind = models.CharField(max_length=20, choices=EmailKind.choices)
    # What makes this email one of a kind: "2026-W12" for a weekly digest, "2026-03-09"
    # for a day's action reminders, "mentorship:7:accepted" for a mentoring event.
    period_key = models.CharField(max_length=80)
    subject = models.CharField(max_length=300)
    payload = models.JSONField(
        help_text="The rendered message, as the worker sends it; removed once it is not needed."
    )
    status = models.CharField(
        max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = EmailLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "period_key"], name="one_email_per_user_kind_period"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = "email"
        verbose_name_plural = "email log"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.to_email} ({self.period_key})"

    @property
    def message_kept(self) -> bool:
        return isinstance(self.payload, dict) and "body" in self.payload


class UndeliverableReason(models.TextChoices):
    BOUNCED = "bounced", "Bounced for good (no such mailbox, say)"
    COMPLAINED = "complained", "Reported as spam by the recipient"
    REJECTED = "rejected", "Refused by the provider (on its suppression list, say)"


# The last error of an email not sent to an undeliverable address.
NOT_SENT_UNDELIVERABLE = (
    "Not sent: the email provider reported this address undeliverable (admin: "
    "Notifications > Undeliverable addresses; delete it there once the mailbox works)."
)


class UndeliverableAddressQuerySet(models.QuerySet):
    def covering(self, address: str) -> "UndeliverableAddressQuerySet":
        """The row that stops sending to `address`, matched without regard to case."""
        return self.filter(email=address.strip().lower())


class UndeliverableAddress(models.Model):
    """An address the email provider reported it cannot or should not deliver to (a hard
    bounce, a spam complaint, a refusal), through its webhook (bounces.py). The outbox
    sends nothing more to it, account emails included, until support deletes the row
    once the person has fixed their mailbox. The row goes with the account of the person
    whose address it was when it was reported."""

    # Lower-cased, so that one address has one row however the provider spells it.
    email = models.EmailField(unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="undeliverable_addresses",
        help_text="Whose address it was when the provider reported it, if anyone's.",
    )
    reason = models.CharField(max_length=10, choices=UndeliverableReason.choices)
    provider = models.CharField(max_length=40)
    detail = models.CharField(
        max_length=500, blank=True, help_text="What the provider said, as it said it."
    )
    last_event_id = models.CharField(
        max_length=200, blank=True, help_text="The provider's id of its latest report."
    )
    events = models.PositiveIntegerField("reports", default=1)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()

    objects = UndeliverableAddressQuerySet.as_manager()

    class Meta:
        ordering = ["-last_seen_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="undeliverable_email_lower_case"
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.get_reason_display()})"


class NoticeQuerySet(models.QuerySet):
    def unread(self) -> "NoticeQuerySet":
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    """One in-site notification: something that happened for the person, with a link to
    it. One per (user, event): the same event told again while unread refreshes the
    notice (a burst of messages is one notice), and once read adds nothing."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    topic = models.CharField(max_length=20, choices=Topic.choices)
    # What makes the notice one of a kind: "review:12", "messages:7:301".
    event = models.CharField(max_length=80)
    text = models.CharField(max_length=300)
    url = models.CharField("link", max_length=500, help_text="A path on this site.")
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="one_notice_per_user_event")
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notice_user_unread")]

    def __str__(self) -> str:
        return self.text
