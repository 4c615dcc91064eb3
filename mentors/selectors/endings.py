"""Reads for the end of mentorships: the goals a side's feedback may name, what mentees
agreed to show on a mentor's profile, and the staff's aggregate figures."""

import datetime
from dataclasses import dataclass

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q

from mentors.models.agreements import EndFeedback, Helped, MentorshipAgreement, Side
from mentors.models.mentorships import Mentorship, MentorshipStatus
from mentors.models.profiles import MentorProfile
from pathways.models.plan import PlanGoal

# The mentor's profile shows this many of the latest consented comments.
PROFILE_FEEDBACK_SHOWN = 10


def feedback_goal_choices(mentorship: Mentorship) -> list[PlanGoal]:
    """The goals the mentorship worked on: those of the request and of every version of
    the agreement, still in the mentee's plans."""
    in_request = Mentorship.goals.through.objects.filter(mentorship=mentorship).values(
        "plangoal_id"
    )
    agreed = MentorshipAgreement.goals.through.objects.filter(
        mentorshipagreement__mentorship=mentorship
    ).values("plangoal_id")
    return list(
        PlanGoal.objects.not_removed()
        .filter(Q(pk__in=in_request) | Q(pk__in=agreed))
        .select_related("plan__pathway")
        .plan_by_plan()
    )


def mentor_public_feedback(profile: MentorProfile) -> list[EndFeedback]:
    """What mentees said of this mentor and agreed to show, latest first. Without the
    mentee's name or goals: those are the mentee's own, and the profile is read by all."""
    return list(
        EndFeedback.objects.filter(
            mentorship__mentor=profile, side=Side.MENTEE, show_on_profile=True
        ).only("pk", "helped", "would_again", "comment", "created_at")[:PROFILE_FEEDBACK_SHOWN]
    )


@dataclass(frozen=True)
class SideFigures:
    side: str
    given: int
    helped: int
    helped_partly: int
    not_helped: int
    would_again: int

    def share(self, count: int) -> int | None:
        """Per cent of the feedback given, or None when there is none."""
        return round(100 * count / self.given) if self.given else None

    @property
    def helped_share(self) -> int | None:
        return self.share(self.helped)

    @property
    def would_again_share(self) -> int | None:
        return self.share(self.would_again)


@dataclass(frozen=True)
class MentoringFigures:
    started: int
    active: int
    ended: int
    average_length: datetime.timedelta | None
    feedback: list[SideFigures]

    @property
    def average_days(self) -> int | None:
        return round(self.average_length.total_seconds() / 86400) if self.average_length else None


def mentoring_figures() -> MentoringFigures:
    """Counts over every mentorship, in three queries whatever their number: how many
    started (were accepted), are active, ended; the average length of the ended ones,
    from acceptance to end; and per side, the feedback given and what it said."""
    counts = Mentorship.objects.aggregate(
        started=Count("pk", filter=Q(started_at__isnull=False)),
        active=Count("pk", filter=Q(status=MentorshipStatus.ACTIVE)),
        ended=Count("pk", filter=Q(status=MentorshipStatus.ENDED)),
    )
    length = (
        Mentorship.objects.filter(
            status=MentorshipStatus.ENDED, started_at__isnull=False, ended_at__isnull=False
        )
        .annotate(
            length=ExpressionWrapper(F("ended_at") - F("started_at"), output_field=DurationField())
        )
        .aggregate(average=Avg("length"))["average"]
    )
    by_side: dict[str, dict] = {
        row["side"]: dict(row)
        for row in EndFeedback.objects.values("side").annotate(
            count_given=Count("pk"),
            count_helped=Count("pk", filter=Q(helped=Helped.YES)),
            count_helped_partly=Count("pk", filter=Q(helped=Helped.PARTLY)),
            count_not_helped=Count("pk", filter=Q(helped=Helped.NO)),
            count_would_again=Count("pk", filter=Q(would_again=True)),
        )
    }
    feedback = []
    for side in Side:
        row = by_side.get(side.value, {})
        feedback.append(
            SideFigures(
                side=side.label,
                given=row.get("count_given", 0),
                helped=row.get("count_helped", 0),
                helped_partly=row.get("count_helped_partly", 0),
                not_helped=row.get("count_not_helped", 0),
                would_again=row.get("count_would_again", 0),
            )
        )
    return MentoringFigures(**counts, average_length=length, feedback=feedback)
