"""Reads for a mentorship's agreement and end feedback, as the mentorship's page shows
them: a fixed number of queries, whatever the number of versions or goals."""

from dataclasses import dataclass

from django.db.models import Prefetch

from mentors.models.agreements import EndFeedback, MentorshipAgreement
from mentors.models.mentorships import Mentorship, MentorshipStatus
from pathways.models.plan import PlanGoal


@dataclass(frozen=True)
class AgreementState:
    """The versions (latest first), the one in force (the latest both confirmed), and
    for the reader's side: whether the latest waits on them and whether they may propose
    (a participant, while the mentorship is active)."""

    versions: list[MentorshipAgreement]
    side: str | None
    is_active: bool

    @property
    def latest(self) -> MentorshipAgreement | None:
        return self.versions[0] if self.versions else None

    @property
    def earlier(self) -> list[MentorshipAgreement]:
        return self.versions[1:]

    @property
    def in_force(self) -> MentorshipAgreement | None:
        return next((version for version in self.versions if version.is_confirmed), None)

    @property
    def waits_on_me(self) -> bool:
        latest = self.latest
        return bool(
            self.is_active
            and self.side
            and latest is not None
            and not latest.is_confirmed
            and latest.confirmed_at(self.side) is None
        )

    @property
    def may_propose(self) -> bool:
        return self.is_active and self.side is not None


def agreement_versions(mentorship: Mentorship) -> list[MentorshipAgreement]:
    """Every version, the latest first, with its goals (removed ones too: a version
    shows what was agreed then)."""
    return list(
        mentorship.agreements.prefetch_related(
            Prefetch(
                "goals",
                queryset=PlanGoal.objects.select_related("plan__pathway").plan_by_plan(),
            )
        )
    )


def agreement_state(mentorship: Mentorship, side: str | None) -> AgreementState:
    return AgreementState(
        versions=agreement_versions(mentorship), side=side, is_active=mentorship.is_active
    )


def end_feedback_of(mentorship: Mentorship, side: str | None) -> EndFeedback | None:
    """The side's own feedback on the ended mentorship, if given."""
    if side is None or mentorship.status != MentorshipStatus.ENDED:
        return None
    return EndFeedback.objects.filter(mentorship=mentorship, side=side).first()
