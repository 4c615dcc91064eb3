"""Meetings of a mentorship: the times the mentee proposes, the one the mentor picks, the
invitation both receive (its UID and SEQUENCE), and the notes after the meeting with the
action items they hold."""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from cmo_portal import clock
from pathways.models.plan import PlanAction, PlanGoal

from .mentorships import Mentorship

# The mentee proposes up to this many times for one meeting.
MAX_PROPOSED_TIMES = 3
MEETING_LENGTH = datetime.timedelta(hours=1)


class MeetingStatus(models.TextChoices):
    PROPOSED = "proposed", "Times proposed"
    OTHER_TIMES = "other_times", "Other times asked for"
    SCHEDULED = "scheduled", "Scheduled"
    CANCELLED = "cancelled", "Cancelled"


class Side(models.TextChoices):
    MENTEE = "mentee", "The mentee"
    MENTOR = "mentor", "The mentor"


class MeetingQuerySet(models.QuerySet):
    def waiting(self) -> "MeetingQuerySet":
        """Proposed, or sent back for other times: not yet on anyone's calendar."""
        return self.filter(status__in=(MeetingStatus.PROPOSED, MeetingStatus.OTHER_TIMES))


class Meeting(models.Model):
    """One meeting: proposed → scheduled | other_times; other_times → proposed (new times);
    scheduled → scheduled (moved: the sequence grows) | cancelled.

    `uid` names the meeting in every calendar it reaches, so an update or a cancellation
    replaces the event instead of adding one; `sequence` counts the changes of time."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="meetings")
    status = models.CharField(
        max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.PROPOSED
    )
    topic = models.CharField(max_length=200, help_text="What the meeting is for, in a line.")
    starts_at = models.DateTimeField(null=True, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    # Times proposed again after the mentor asked for others: each round is told once.
    proposal_round = models.PositiveSmallIntegerField(default=1)
    other_times_note = models.TextField(blank=True)
    cancelled_by = models.CharField(max_length=6, choices=Side.choices, blank=True)
    proposed_at = models.DateTimeField(default=clock.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-pk"]

    def __str__(self) -> str:
        return self.topic

    def get_absolute_url(self) -> str:
        return reverse("mentors:meeting", kwargs={"pk": self.pk})

    @property
    def ends_at(self) -> datetime.datetime | None:
        return self.starts_at + MEETING_LENGTH if self.starts_at else None

    @property
    def ical_uid(self) -> str:
        return f"meeting-{self.uid}@cmo-pathways"

    @property
    def is_scheduled(self) -> bool:
        return self.status == MeetingStatus.SCHEDULED

    @property
    def is_waiting(self) -> bool:
        return self.status in (MeetingStatus.PROPOSED, MeetingStatus.OTHER_TIMES)


class ProposedTime(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="times")
    starts_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M} UTC"


def keep_shared_notes(collector, field, sub_objs, using) -> None:
    """What deleting an author's account does to their notes: a private note goes with
    them; a shared one stays with the author set to null, as a comment does, so the
    other side keeps what was shared with them."""
    rows = list(sub_objs)
    private = [note for note in rows if not note.shared]
    shared = [note for note in rows if note.shared]
    if private:
        models.CASCADE(collector, field, private, using)  # type: ignore[arg-type]  # a list works
    if shared:
        models.SET_NULL(collector, field, shared, using)  # type: ignore[arg-type]


class MeetingNote(models.Model):
    """A note after a meeting, by one side: private to its author, or shared with the
    other side. After the mentorship ends the mentee still reads the notes shared with
    them; the mentor reads nothing."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=keep_shared_notes, null=True, related_name="+"
    )
    body = models.TextField()
    shared = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]

    def readable_by(self, user) -> bool:
        """The author reads their note while they take part: the mentor while the
        mentorship is active, the mentee always. A shared note is the other side's to
        read on the same terms: after the end the mentee keeps what was shared, the
        mentor keeps nothing. Nobody else reads a note, support included."""
        mentorship = self.meeting.mentorship
        if user.pk is None:
            return False
        if user.pk == mentorship.mentee_id or (
            user.pk == mentorship.mentor_user_id and mentorship.is_active
        ):
            return self.author_id == user.pk or self.shared
        return False


class ActionItem(models.Model):
    """An action item of a note; once added to the mentee's plan, the action it became."""

    note = models.ForeignKey(MeetingNote, on_delete=models.CASCADE, related_name="items")
    title = models.CharField(max_length=200)
    action = models.ForeignKey(
        PlanAction, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    goal = models.ForeignKey(
        PlanGoal, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title
