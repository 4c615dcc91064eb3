"""Writes for requests and mentorships: asking, answering, accepting within capacity,
declining, withdrawing, ending, and the expiry of unanswered requests."""

import datetime
import statistics
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from cmo_portal import clock, page_cache
from cmo_portal.accounts.models import User
from mentors import emails
from mentors.models.mentorships import (
    MAX_OPEN_REQUESTS,
    OPEN_STATUSES,
    REQUEST_EXPIRES_AFTER,
    Mentorship,
    MentorshipStatus,
)
from mentors.models.profiles import MENTORS, MentorProfile
from pathways.models.plan import PlanGoal

# The usual response time is the median of this many of the mentor's latest answers.
RESPONSE_TIME_SAMPLE = 10


def _notify(event: str, mentorship: Mentorship) -> None:
    """Compose the email into the outbox now; it is sent after the commit."""
    emails.mentorship_event_queue(mentorship, event)


@transaction.atomic
def mentorship_request_create(
    *,
    mentee: User,
    mentor: MentorProfile,
    message: str,
    goals: Iterable[PlanGoal] = (),
    keep_other_requests: bool = False,
    now: datetime.datetime | None = None,
) -> Mentorship:
    """The physician asks a mentor. Refused, with the reason, when the mentor is the
    physician, not approved, paused or full; when the pair already has a request or a
    mentorship; after a recent decline; or when the physician has too many open.
    `keep_other_requests`: once this one is accepted, the others stay open."""
    now = now or clock.now()
    # One request at a time per physician, so two tabs cannot pass the limit together.
    User.objects.select_for_update().filter(pk=mentee.pk).first()
    mentor = MentorProfile.objects.with_load().select_related("user__profile").get(pk=mentor.pk)
    if mentor.user_id == mentee.pk:
        raise ValidationError("You cannot ask yourself to be your mentor.")
    if not mentor.is_approved or not mentor.user.is_active:
        raise ValidationError("This mentor is not taking requests.")
    if not mentor.accepting_requests:
        raise ValidationError(f"{mentor.display_name} has paused new requests for now.")
    if mentor.free_places() == 0:
        raise ValidationError(f"{mentor.display_name} has no free places at the moment.")
    mine = Mentorship.objects.filter(mentee=mentee)
    if mine.current().filter(mentor=mentor).exists():
        raise ValidationError(
            f"You already have a request or a mentorship with {mentor.display_name}."
        )
    declined = mine.filter(mentor=mentor).declined_within_cool_off(now).first()
    if declined is not None:
        again = declined.may_ask_again_from.date()
        raise ValidationError(
            f"{mentor.display_name} declined your last request. You can ask again from "
            f"{again:%-d %B %Y}."
        )
    if mine.open().count() >= MAX_OPEN_REQUESTS:
        raise ValidationError(
            f"You have {MAX_OPEN_REQUESTS} requests waiting for an answer. Wait for one, or "
            "withdraw one, before asking someone else."
        )
    goals = list(goals)
    if any(goal.plan.owner_id != mentee.pk for goal in goals):
        raise ValidationError("Choose goals from your own plans.")
    try:
        with transaction.atomic():
            mentorship = Mentorship.objects.create(
                mentee=mentee,
                mentor=mentor,
                message=message.strip(),
                keep_other_requests=keep_other_requests,
                requested_at=now,
                expires_at=now + REQUEST_EXPIRES_AFTER,
            )
    except IntegrityError as error:  # the same request sent twice at the same moment
        raise ValidationError(
            f"You already have a request or a mentorship with {mentor.display_name}."
        ) from error
    mentorship.goals.set(goals)
    _notify("requested", mentorship)
    return mentorship


def _locked(mentorship: Mentorship) -> Mentorship:
    return (
        Mentorship.objects.select_for_update(of=("self",))
        .select_related("mentor__user__profile", "mentee__profile")
        .get(pk=mentorship.pk)
    )


def _as_mentor(mentorship: Mentorship, user: User) -> None:
    if mentorship.mentor_user_id != user.pk:
        raise PermissionDenied("Only the mentor answers a request.")


def _must_be_open(mentorship: Mentorship, *statuses: str) -> None:
    if mentorship.status not in (statuses or OPEN_STATUSES):
        raise ValidationError(
            f"This request is {mentorship.get_status_display().lower()} and can no longer "
            "be answered."
        )


def _record_response_time(mentorship: Mentorship, now: datetime.datetime) -> None:
    """Keep the mentor's usual response time (median hours over the latest answers)."""
    if mentorship.mentor_id is None:  # cannot be: only the mentor answers
        raise ValueError(f"Mentorship {mentorship.pk} has no mentor to answer it.")
    responded_at = mentorship.responded_at or now
    mentorship.responded_at = responded_at
    latest = list(
        Mentorship.objects.filter(mentor=mentorship.mentor, responded_at__isnull=False)
        .exclude(pk=mentorship.pk)
        .order_by("-responded_at")
        .values_list("requested_at", "responded_at")[: RESPONSE_TIME_SAMPLE - 1]
    )
    latest.append((mentorship.requested_at, responded_at))
    hours = [
        max(0.0, (answered - asked).total_seconds() / 3600)
        for asked, answered in latest
        if answered is not None  # all are: the query asks only for answered requests
    ]
    MentorProfile.objects.filter(pk=mentorship.mentor_id).update(
        usual_response_hours=round(statistics.median(hours))
    )
    page_cache.topic_changed(MENTORS)


@transaction.atomic
def mentorship_accept(
    *, mentorship: Mentorship, user: User, now: datetime.datetime | None = None
) -> Mentorship:
    """The mentor accepts. The mentor's row is locked while the active mentorships are
    counted, so two accepts at the same moment can never pass the capacity. Unless the
    physician chose to keep them, their other open requests are withdrawn in the same
    transaction, and each of those mentors is told at once."""
    now = now or clock.now()
    if mentorship.mentor_id is None:  # the mentor's account is gone: no one can accept
        raise PermissionDenied("Only the mentor answers a request.")
    profile = MentorProfile.objects.select_for_update(of=("self",)).get(pk=mentorship.mentor_id)
    # Then the physician, before any of their requests: two mentors accepting two of
    # their requests at once take turns, and the second finds its request withdrawn.
    User.objects.select_for_update().filter(pk=mentorship.mentee_id).first()
    mentorship = _locked(mentorship)
    _as_mentor(mentorship, user)
    _must_be_open(mentorship)
    active = Mentorship.objects.active().filter(mentor=profile).count()
    if active >= profile.capacity:
        raise ValidationError(
            f"You already mentor {active} of the {profile.capacity} people you offered to. "
            "End a mentorship or raise your capacity before accepting."
        )
    mentorship.status = MentorshipStatus.ACTIVE
    mentorship.started_at = now
    _record_response_time(mentorship, now)
    mentorship.save(update_fields=["status", "started_at", "responded_at", "updated_at"])
    if not mentorship.keep_other_requests:
        _withdraw_others(mentorship)
    _notify("accepted", mentorship)  # it names the requests withdrawn
    return mentorship


def _withdraw_others(accepted: Mentorship) -> None:
    """Withdraw the physician's other open requests because `accepted` was; each mentor
    is told that the physician found a mentor (not who)."""
    others = list(
        Mentorship.objects.open()
        .filter(mentee_id=accepted.mentee_id)
        .exclude(pk=accepted.pk)
        .select_for_update(of=("self",))
        .select_related("mentor__user__profile", "mentee__profile")
    )
    for other in others:
        other.status = MentorshipStatus.WITHDRAWN
        other.withdrawn_for = accepted
        other.save(update_fields=["status", "withdrawn_for", "updated_at"])
        _notify("withdrawn", other)
    if others:
        page_cache.pages_changed_for([other.mentor_user_id for other in others])


@transaction.atomic
def mentorship_decline(
    *, mentorship: Mentorship, user: User, reason: str = "", now: datetime.datetime | None = None
) -> Mentorship:
    now = now or clock.now()
    mentorship = _locked(mentorship)
    _as_mentor(mentorship, user)
    _must_be_open(mentorship)
    mentorship.status = MentorshipStatus.DECLINED
    mentorship.decline_reason = reason.strip()
    mentorship.responded_at = now  # the decision: the cool-off counts from here
    _record_response_time(mentorship, now)
    mentorship.save(update_fields=["status", "decline_reason", "responded_at", "updated_at"])
    _notify("declined", mentorship)
    return mentorship


@transaction.atomic
def mentorship_ask_for_information(
    *, mentorship: Mentorship, user: User, question: str, now: datetime.datetime | None = None
) -> Mentorship:
    """The mentor asks before deciding; the expiry clock stops until the physician answers."""
    now = now or clock.now()
    mentorship = _locked(mentorship)
    _as_mentor(mentorship, user)
    _must_be_open(mentorship, MentorshipStatus.REQUESTED)
    if mentorship.question:
        raise ValidationError(
            "You asked a question already and have the answer: accept or decline now."
        )
    if not question.strip():
        raise ValidationError("Write the question you would like the physician to answer.")
    mentorship.status = MentorshipStatus.NEEDS_INFO
    mentorship.question = question.strip()
    _record_response_time(mentorship, now)
    mentorship.save(update_fields=["status", "question", "responded_at", "updated_at"])
    _notify("question", mentorship)
    return mentorship


@transaction.atomic
def mentorship_answer(
    *, mentorship: Mentorship, user: User, answer: str, now: datetime.datetime | None = None
) -> Mentorship:
    """The physician answers the mentor's question: the request waits on the mentor again,
    with a fresh three days."""
    now = now or clock.now()
    mentorship = _locked(mentorship)
    if mentorship.mentee_id != user.pk:
        raise PermissionDenied("Only the physician who asked answers the question.")
    _must_be_open(mentorship, MentorshipStatus.NEEDS_INFO)
    if not answer.strip():
        raise ValidationError("Write your answer to the mentor's question.")
    mentorship.status = MentorshipStatus.REQUESTED
    mentorship.answer = answer.strip()
    mentorship.expires_at = now + REQUEST_EXPIRES_AFTER
    mentorship.save(update_fields=["status", "answer", "expires_at", "updated_at"])
    _notify("answered", mentorship)
    return mentorship


@transaction.atomic
def mentorship_withdraw(*, mentorship: Mentorship, user: User) -> Mentorship:
    mentorship = _locked(mentorship)
    if mentorship.mentee_id != user.pk:
        raise PermissionDenied("Only the physician who asked withdraws a request.")
    _must_be_open(mentorship)
    mentorship.status = MentorshipStatus.WITHDRAWN
    mentorship.save(update_fields=["status", "updated_at"])
    _notify("withdrawn", mentorship)
    return mentorship


@transaction.atomic
def mentorship_end(
    *, mentorship: Mentorship, user: User, reason: str = "", now: datetime.datetime | None = None
) -> Mentorship:
    """Either side ends an active mentorship; the mentor's access ends with it."""
    mentorship = _locked(mentorship)
    if not mentorship.involves(user):
        raise PermissionDenied("Only the mentor or the mentee ends a mentorship.")
    if not mentorship.is_active:
        raise ValidationError("Only an active mentorship can be ended.")
    mentorship.status = MentorshipStatus.ENDED
    mentorship.ended_at = now or clock.now()
    mentorship.ended_by = user
    mentorship.end_reason = reason.strip()
    mentorship.save(update_fields=["status", "ended_at", "ended_by", "end_reason", "updated_at"])
    _notify("ended", mentorship)
    return mentorship


def mentorship_requests_expire(*, now: datetime.datetime | None = None, batch: int = 500) -> int:
    """Expire requests unanswered after three days. Each is claimed with a conditional
    UPDATE, so two sweeps at once, or a mentor answering at that moment, never expire
    a request twice or expire an answered one. Returns how many expired."""
    now = now or clock.now()
    expired = 0
    for pk in Mentorship.objects.overdue(now).values_list("pk", flat=True)[:batch]:
        with transaction.atomic():
            claimed = (
                Mentorship.objects.overdue(now)
                .filter(pk=pk)
                .update(status=MentorshipStatus.EXPIRED, updated_at=now)
            )
            if claimed:
                expired += 1
                mentorship = Mentorship.objects.select_related(
                    "mentee__profile", "mentor__user__profile"
                ).get(pk=pk)
                page_cache.pages_changed_for([mentorship.mentee_id, mentorship.mentor_user_id])
                page_cache.topic_changed(MENTORS)
                _notify("expired", mentorship)
    return expired
