"""Writes for a mentorship's agreement: either side proposes a version (a first one or
a revision), the other confirms it. Each change is made with the mentorship's row
locked, so two proposals at once get two versions in order, never the same number."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from cmo_portal import clock
from cmo_portal.accounts.models import User
from mentors import emails
from mentors.models.agreements import MentorshipAgreement, Side
from mentors.models.mentorships import Mentorship
from pathways.models.plan import PlanGoal


def _locked_for(mentorship: Mentorship, user: User) -> tuple[Mentorship, str]:
    """The mentorship, locked, and the user's side in it; refused unless it is active."""
    mentorship = (
        Mentorship.objects.select_for_update(of=("self",))
        .select_related("mentee__profile", "mentor__user__profile")
        .get(pk=mentorship.pk)
    )
    side = Side.of(mentorship, user)
    if side is None:
        raise PermissionDenied("Only the mentee and the mentor make the agreement.")
    if not mentorship.is_active:
        raise ValidationError("The agreement is made while the mentorship is active.")
    return mentorship, side


@transaction.atomic
def agreement_propose(
    *,
    mentorship: Mentorship,
    user: User,
    goals: Iterable[PlanGoal],
    cadence: str,
    meeting_format: str,
    confidentiality: str,
    ends_on: datetime.date,
    now: datetime.datetime | None = None,
) -> MentorshipAgreement:
    """A new version of the agreement, confirmed by its proposer; the other side is asked
    to confirm it by email. The goals come from the mentee's plans."""
    now = now or clock.now()
    mentorship, side = _locked_for(mentorship, user)
    goals = list(goals)
    if any(goal.plan.owner_id != mentorship.mentee_id or goal.is_removed for goal in goals):
        raise ValidationError("Choose goals from the mentee's career plans.")
    if not goals:
        raise ValidationError("Choose at least one goal to work on together.")
    starts = (mentorship.started_at or now).date()
    if ends_on <= starts:
        raise ValidationError("The end date comes after the mentorship started.")
    if not confidentiality.strip():
        raise ValidationError("Say what stays between you.")
    latest = mentorship.agreements.aggregate(latest=Max("version"))["latest"] or 0
    agreement = MentorshipAgreement.objects.create(
        mentorship=mentorship,
        version=latest + 1,
        cadence=cadence,
        meeting_format=meeting_format,
        confidentiality=confidentiality.strip(),
        ends_on=ends_on,
        proposed_by=side,
        proposed_at=now,
        mentee_confirmed_at=now if side == Side.MENTEE else None,
        mentor_confirmed_at=now if side == Side.MENTOR else None,
    )
    agreement.goals.set(goals)
    emails.agreement_event_queue(agreement, "proposed")
    return agreement


@transaction.atomic
def agreement_confirm(
    *, mentorship: Mentorship, user: User, version: int, now: datetime.datetime | None = None
) -> MentorshipAgreement:
    """The user confirms `version`, which must be the latest: a version that a revision
    replaced cannot be confirmed. Claimed with a conditional UPDATE, so confirming twice
    changes nothing the second time (and says so). When both have confirmed, the
    proposer is told."""
    now = now or clock.now()
    mentorship, side = _locked_for(mentorship, user)
    agreement = mentorship.agreements.order_by("-version").first()
    if agreement is None or agreement.version != version:
        raise ValidationError(
            "A newer version of the agreement was proposed: read it and confirm that one."
        )
    field = "mentee_confirmed_at" if side == Side.MENTEE else "mentor_confirmed_at"
    claimed = MentorshipAgreement.objects.filter(pk=agreement.pk, **{f"{field}__isnull": True})
    if not claimed.update(**{field: now}):
        raise ValidationError("You have already confirmed this version of the agreement.")
    agreement.refresh_from_db()
    if agreement.is_confirmed:
        emails.agreement_event_queue(agreement, "confirmed")
    return agreement
