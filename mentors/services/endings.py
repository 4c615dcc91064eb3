"""Writes for the end of a mentorship: each side's short feedback, given once, and the
mentee's consent to show theirs on the mentor's profile, which they can take back."""

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from cmo_portal import clock, page_cache
from cmo_portal.accounts.models import User
from mentors import emails
from mentors.models.agreements import EndFeedback, Side
from mentors.models.mentorships import Mentorship, MentorshipStatus
from mentors.models.profiles import MENTORS
from mentors.selectors.endings import feedback_goal_choices
from pathways.models.plan import PlanGoal

ALREADY_GIVEN = "You have already given your feedback on this mentorship: thank you."


@transaction.atomic
def end_feedback_give(
    *,
    mentorship: Mentorship,
    user: User,
    helped: str,
    would_again: bool,
    goals: Iterable[PlanGoal] = (),
    comment: str = "",
    show_on_profile: bool = False,
    now: datetime.datetime | None = None,
) -> EndFeedback:
    """The user's feedback on an ended mentorship, once per side (the unique constraint
    refuses a second, even sent at the same moment). Only the mentee's may be shown on the
    mentor's profile. The other side is invited to give theirs, if they have not."""
    side = Side.of(mentorship, user)
    if side is None:
        raise PermissionDenied("Only the mentee and the mentor give feedback.")
    if mentorship.status != MentorshipStatus.ENDED:
        raise ValidationError("Feedback is given once the mentorship has ended.")
    goals = list(goals)
    allowed = {goal.pk for goal in feedback_goal_choices(mentorship)}
    if any(goal.pk not in allowed for goal in goals):
        raise ValidationError("Choose goals this mentorship worked on.")
    try:
        with transaction.atomic():
            feedback = EndFeedback.objects.create(
                mentorship=mentorship,
                side=side,
                helped=helped,
                would_again=would_again,
                comment=comment.strip(),
                show_on_profile=show_on_profile and side == Side.MENTEE,
                created_at=now or clock.now(),
            )
    except IntegrityError as error:
        raise ValidationError(ALREADY_GIVEN) from error
    feedback.goals.set(goals)
    if feedback.show_on_profile:
        page_cache.topic_changed(MENTORS)
    if not EndFeedback.objects.filter(mentorship=mentorship).exclude(side=side).exists():
        emails.end_feedback_invite_queue(mentorship, given_by=side)
    return feedback


@transaction.atomic
def end_feedback_hide(*, mentorship: Mentorship, user: User) -> bool:
    """The mentee takes back their consent: their feedback leaves the mentor's profile.
    Returns whether anything changed (a second click changes nothing)."""
    if user.pk != mentorship.mentee_id:
        raise PermissionDenied("Only the mentee decides whether their feedback is shown.")
    changed = EndFeedback.objects.filter(
        mentorship=mentorship, side=Side.MENTEE, show_on_profile=True
    ).update(show_on_profile=False)
    if changed:
        page_cache.topic_changed(MENTORS)
    return bool(changed)
