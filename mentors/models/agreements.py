"""What a mentorship is for and how it closes: the agreement the two people make at the
start (kept version by version as it is revised), and the short feedback each side gives
at the end.

Neither model points at a user: the side ("mentee" or "mentor") names the person through
the mentorship. So a mentee's account deletion takes these rows with the mentorship, and
a mentor's leaves them with the mentorship, the mentor shown as "a former mentor"; the
personal-data download finds them under the person's mentorships."""

from django.db import models

from pathways.models.plan import PlanGoal

from .mentorships import Mentorship
from .profiles import MeetingFormat


class Side(models.TextChoices):
    MENTEE = "mentee", "Mentee"
    MENTOR = "mentor", "Mentor"

    @classmethod
    def of(cls, mentorship: Mentorship, user) -> "Side | None":
        """The user's side in the mentorship; None for anyone else (support reads, never
        acts)."""
        if user.pk is None:
            return None
        if user.pk == mentorship.mentee_id:
            return cls.MENTEE
        if user.pk == mentorship.mentor_user_id:
            return cls.MENTOR
        return None


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "every week"
    FORTNIGHTLY = "fortnightly", "every two weeks"
    MONTHLY = "monthly", "every month"
    AS_NEEDED = "as_needed", "when either of us asks"


class MentorshipAgreement(models.Model):
    """One version of a mentorship's agreement. Either side proposes a version (which
    counts as their confirmation); it holds once the other side confirms too. A revision
    is a new version that needs both again; earlier versions are kept, and the latest one
    both confirmed stays in force until a revision is confirmed."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="agreements")
    version = models.PositiveSmallIntegerField()
    goals = models.ManyToManyField(PlanGoal, blank=True, related_name="+")
    cadence = models.CharField(max_length=12, choices=Cadence.choices)
    meeting_format = models.CharField(max_length=12, choices=MeetingFormat.choices)
    confidentiality = models.TextField()
    ends_on = models.DateField()
    proposed_by = models.CharField(max_length=6, choices=Side.choices)
    proposed_at = models.DateTimeField()
    mentee_confirmed_at = models.DateTimeField(null=True, blank=True)
    mentor_confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["mentorship", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "version"], name="one_agreement_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"Agreement {self.version} of {self.mentorship}"

    def confirmed_at(self, side: str) -> object:
        return self.mentee_confirmed_at if side == Side.MENTEE else self.mentor_confirmed_at

    @property
    def is_confirmed(self) -> bool:
        """Both sides confirmed this version."""
        return self.mentee_confirmed_at is not None and self.mentor_confirmed_at is not None


class Helped(models.TextChoices):
    YES = "yes", "Yes"
    PARTLY = "partly", "In part"
    NO = "no", "No"


class EndFeedback(models.Model):
    """What one side says when the mentorship has ended: did it help, on which goals,
    would they do it again, a comment. Once per side. The mentee's may be shown, without
    their name, on the mentor's profile if the mentee says so (`show_on_profile`)."""

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="end_feedback"
    )
    side = models.CharField(max_length=6, choices=Side.choices)
    helped = models.CharField(max_length=6, choices=Helped.choices)
    goals = models.ManyToManyField(PlanGoal, blank=True, related_name="+")
    would_again = models.BooleanField()
    comment = models.TextField(blank=True)
    show_on_profile = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "side"], name="one_feedback_per_side"),
            # Only a mentee's feedback is ever shown on the mentor's profile.
            models.CheckConstraint(
                condition=models.Q(side="mentee") | models.Q(show_on_profile=False),
                name="only_mentees_feedback_is_shown",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()}'s feedback on {self.mentorship}"


class MentoringFigures(Mentorship):
    """The staff's aggregate figures on mentoring (mentors.selectors.endings), as a page
    of the admin: a proxy so the page has a permission of its own,
    `mentors.view_mentoringfigures`, which shows totals and never a person's row."""

    class Meta:
        proxy = True
        default_permissions = ("view",)
        verbose_name = "mentoring figures"
        verbose_name_plural = "mentoring figures"
