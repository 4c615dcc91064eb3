"""The weekly (or monthly) digest: who is due, what each one says, composed in batches.

One sweep finds whose digest is due now (their next_digest_at has passed) and queues
batches of BATCH_SIZE user ids. A batch loads everything its digests need in a fixed
number of queries, however many users it holds, composes the emails into the email log
(unique per user and period, so a batch run twice composes each digest once), moves each
user's next_digest_at on, and queues the sends after the commit."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.loader import get_template

from assessments.models import TargetPathway
from cmo_portal import clock
from cmo_portal.notifications import schedule
from cmo_portal.notifications.emails import email_render
from cmo_portal.notifications.models import (
    DigestFrequency,
    EmailKind,
    EmailLog,
    EmailStatus,
    NotificationPreferences,
)
from cmo_portal.notifications.queue import email_logs_send_after_commit
from cmo_portal.notifications.services import email_to_payload
from cmo_portal.time_zones import time_zone_of
from mentors.models.feedback import PlanComment
from mentors.models.mentorships import Mentorship, MentorshipStatus
from mentors.models.profiles import MentorProfile
from mentors.selectors.feedback import plans_to_review
from pathways.models.opportunities import Opportunity
from pathways.models.plan import (
    CareerPlan,
    ItemStatus,
    PlanAction,
    PlanChange,
    PlanStatus,
)
from pathways.selectors.plan import plan_items_prefetch

from . import queue

BATCH_SIZE = 200
# How far ahead "what is due next" and "deadlines coming up" look.
DUE_AHEAD = datetime.timedelta(days=14)
DEADLINES_AHEAD = datetime.timedelta(days=30)
NEXT_ACTIONS = 3


def digests_due_sweep(*, now: datetime.datetime | None = None) -> int:
    """Queue a batch task for every BATCH_SIZE users whose digest is due. Returns the
    number of users queued. Safe to run twice: a batch composes only what is still due."""
    now = now or clock.now()
    ids = list(
        NotificationPreferences.objects.filter(next_digest_at__lte=now, user__is_active=True)
        .order_by("next_digest_at", "pk")
        .values_list("user_id", flat=True)
    )
    queue.batches_queue(queue.DIGEST_BATCH_COMPOSE, ids, size=BATCH_SIZE)
    return len(ids)


@dataclass
class Digest:
    """What one person's digest says; empty sections are left out of the email."""

    since: datetime.datetime
    plans: list = field(default_factory=list)  # (plan, progress, actions done since)
    next_actions: list = field(default_factory=list)
    comments: list = field(default_factory=list)
    new_opportunities: list = field(default_factory=list)
    deadlines: list = field(default_factory=list)
    mentee_activity: list = field(default_factory=list)  # (mentorship, plan)
    pending_requests: list = field(default_factory=list)
    plans_to_review: list = field(default_factory=list)
    is_mentor: bool = False

    @property
    def is_empty(self) -> bool:
        return not any(
            (
                self.plans,
                self.next_actions,
                self.comments,
                self.new_opportunities,
                self.deadlines,
                self.mentee_activity,
                self.pending_requests,
                self.plans_to_review,
            )
        )


class BatchData:
    """Everything the digests of one batch need, read in a fixed number of queries."""

    def __init__(self, user_ids: list[int], *, today: datetime.date, oldest: datetime.datetime):
        self.plans: dict[int, list[CareerPlan]] = defaultdict(list)
        for plan in (
            CareerPlan.objects.filter(owner__in=user_ids)
            .exclude(status=PlanStatus.COMPLETE)
            .select_related("pathway")
            .prefetch_related(plan_items_prefetch(actions=PlanAction.objects.order_by("due_date")))
        ):
            self.plans[plan.owner_id].append(plan)
        self.comments: dict[int, list[PlanComment]] = defaultdict(list)
        for comment in (
            PlanComment.objects.filter(plan__owner__in=user_ids, created_at__gte=oldest)
            .exclude(author_id=F("plan__owner_id"))  # what others said
            .select_related("author__profile", "plan__pathway", "goal", "action")
            .order_by("created_at")
        ):
            self.comments[comment.plan.owner_id].append(comment)
        pathways: dict[int, set[int]] = defaultdict(set)
        for user_id, pathway_id in TargetPathway.objects.filter(
            assessment__user__in=user_ids, assessment__completed_at__isnull=False
        ).values_list("assessment__user_id", "pathway_id"):
            pathways[user_id].add(pathway_id)
        for user_id, plans in self.plans.items():
            pathways[user_id].update(p.pathway_id for p in plans)
        self.pathways = pathways
        wanted = {p for ids in pathways.values() for p in ids}
        self.opportunity_pathways: dict[int, set[int]] = defaultdict(set)
        for opportunity_id, pathway_id in Opportunity.pathways.through.objects.filter(
            pathway_id__in=wanted
        ).values_list("opportunity_id", "pathway_id"):
            self.opportunity_pathways[opportunity_id].add(pathway_id)
        self.open_opportunities = {
            o.pk: o
            for o in Opportunity.objects.open(today).filter(pk__in=self.opportunity_pathways)
        }
        # Mentors in the batch: their requests, and their mentees' plans.
        self.mentor_profiles = {
            p.user_id: p for p in MentorProfile.objects.filter(user__in=user_ids)
        }
        mentorships = list(
            Mentorship.objects.filter(
                mentor__user__in=user_ids,
                status__in=(
                    MentorshipStatus.REQUESTED,
                    MentorshipStatus.NEEDS_INFO,
                    MentorshipStatus.ACTIVE,
                ),
            ).select_related("mentee__profile", "mentor")
        )
        self.pending: dict[int, list[Mentorship]] = defaultdict(list)
        self.mentees: dict[int, list[Mentorship]] = defaultdict(list)
        for mentorship in mentorships:
            if mentorship.mentor is None:  # cannot be: read by its mentor's user
                raise ValueError(f"Mentorship {mentorship.pk} read by its mentor has no mentor.")
            if mentorship.is_active:
                self.mentees[mentorship.mentor.user_id].append(mentorship)
            elif mentorship.status == MentorshipStatus.REQUESTED:  # waiting on the mentor
                self.pending[mentorship.mentor.user_id].append(mentorship)
        mentee_ids = [m.mentee_id for ms in self.mentees.values() for m in ms]
        self.mentee_plans: dict[int, list[CareerPlan]] = defaultdict(list)
        for plan in CareerPlan.objects.filter(owner__in=mentee_ids).select_related("pathway"):
            self.mentee_plans[plan.owner_id].append(plan)
        # When each mentee plan changed, so each mentor's digest counts from their own
        # last digest.
        self.change_times: dict[int, list[datetime.datetime]] = defaultdict(list)
        for plan_id, at in PlanChange.objects.filter(
            plan__owner__in=mentee_ids, at__gte=oldest
        ).values_list("plan_id", "at"):
            self.change_times[plan_id].append(at)
        self.plans_to_review = plans_to_review(list(self.mentor_profiles))


def _digest_for(prefs: NotificationPreferences, data: BatchData, *, now, today) -> Digest:
    user_id = prefs.user_id
    since = prefs.last_digest_at or now - (
        datetime.timedelta(days=31)
        if prefs.digest_frequency == DigestFrequency.MONTHLY
        else datetime.timedelta(days=7)
    )
    digest = Digest(since=since)
    upcoming = []
    for plan in data.plans.get(user_id, []):
        actions = [a for g in plan.goals.all() for a in g.actions.all()]
        done_since = sum(
            1 for a in actions if a.status == ItemStatus.DONE and a.updated_at >= since
        )
        digest.plans.append((plan, plan.progress(), done_since))
        upcoming += [
            (a, plan)
            for a in actions
            if a.status != ItemStatus.DONE and a.due_date and a.due_date <= today + DUE_AHEAD
        ]
    digest.next_actions = sorted(upcoming, key=lambda pair: (pair[0].due_date, pair[0].pk))[
        :NEXT_ACTIONS
    ]
    digest.comments = [c for c in data.comments.get(user_id, []) if c.created_at >= since]
    mine = data.pathways.get(user_id, set())
    relevant = [
        o for pk, o in data.open_opportunities.items() if data.opportunity_pathways[pk] & mine
    ]
    digest.new_opportunities = sorted(
        (o for o in relevant if o.created_at >= since), key=lambda o: o.title
    )[:5]
    digest.deadlines = sorted(  # real listings only: an example's date is a rough guide
        (
            o
            for o in relevant
            if o.deadline_to_act_on and o.deadline_to_act_on <= today + DEADLINES_AHEAD
        ),
        key=lambda o: (o.deadline, o.title),
    )[:5]
    if user_id in data.mentor_profiles:
        digest.is_mentor = True
        digest.pending_requests = data.pending.get(user_id, [])
        for mentorship in data.mentees.get(user_id, []):
            for plan in data.mentee_plans.get(mentorship.mentee_id, []):
                changes_since = sum(at >= since for at in data.change_times[plan.pk])
                plan.changes_since = changes_since  # type: ignore[attr-defined]  # the template reads it
                if changes_since:
                    digest.mentee_activity.append((mentorship, plan))
        digest.plans_to_review = data.plans_to_review.get(user_id, [])
    return digest


def digest_batch_compose(user_ids: list[int], *, now: datetime.datetime | None = None) -> int:
    """Compose the digests of these users that are due, once each. Returns how many were
    composed into the log (not counting users with nothing to say or who opted out)."""
    now = now or clock.now()
    with transaction.atomic():
        due = list(
            NotificationPreferences.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user__profile")
            .filter(user_id__in=user_ids, next_digest_at__lte=now, user__is_active=True)
        )
        if not due:
            return 0
        verified = set(
            EmailAddress.objects.filter(
                user__in=[p.user_id for p in due], verified=True
            ).values_list("user_id", flat=True)
        )
        oldest = min((p.last_digest_at or now - datetime.timedelta(days=31)) for p in due)
        # The earliest local date in the batch (zones run a day apart at most).
        today = min(schedule.local_date(now, time_zone_of(p.user)) for p in due)
        data = BatchData([p.user_id for p in due], today=today, oldest=oldest)
        logs = []
        sections = _Sections()
        for prefs in due:
            slot = prefs.next_digest_at
            if slot is None:  # cannot be: the batch reads the preferences due by now
                raise ValueError(f"Preferences {prefs.pk} read as due have no digest due.")
            frequency = prefs.digest_frequency
            if frequency != DigestFrequency.NEVER and prefs.user_id in verified:
                today = schedule.local_date(now, time_zone_of(prefs.user))
                digest = _digest_for(prefs, data, now=now, today=today)
                if not digest.is_empty:
                    logs.append(_log(prefs, digest, slot, sections))
            prefs.last_digest_at = now
            prefs.next_digest_at = schedule.next_digest_at(
                frequency=frequency,
                weekday=prefs.digest_weekday,
                time_zone=time_zone_of(prefs.user),
                after=max(now, slot),
            )
        EmailLog.objects.bulk_create(logs, ignore_conflicts=True)
        # Every digest of the batch was composed now: one plain UPDATE for that, and the
        # CASE of bulk_update only for the next slot, which differs from person to person.
        NotificationPreferences.objects.filter(pk__in=[p.pk for p in due]).update(
            last_digest_at=now
        )
        NotificationPreferences.objects.bulk_update(due, ["next_digest_at"])
        ids = list(
            EmailLog.objects.filter(
                kind=EmailKind.DIGEST,
                status=EmailStatus.PENDING,
                user__in=[log.user_id for log in logs],
                period_key__in={log.period_key for log in logs},
            ).values_list("pk", flat=True)
        )
        email_logs_send_after_commit(ids)
    return len(logs)


class _Sections:
    """The parts of the digest that read the same for many people, rendered once a batch
    for each mix: the opportunities (new ones and deadlines), which depend on nothing but
    the opportunities themselves (their deadlines are dates, the same in every time zone)."""

    def __init__(self) -> None:
        self._opportunities: dict[tuple, dict[str, str]] = {}

    def for_digest(self, digest: Digest) -> dict[str, str]:
        key = (
            tuple(o.pk for o in digest.new_opportunities),
            tuple(o.pk for o in digest.deadlines),
        )
        sections = self._opportunities.get(key)
        if sections is None:
            context = {"digest": digest, "site_url": settings.SITE_URL}
            sections = self._opportunities[key] = {
                f"opportunities_{kind}": get_template(
                    f"emails/digest_message.{extension}#opportunities"
                ).render(context)
                for kind, extension in (("text", "txt"), ("html", "html"))
            }
        return sections


def _log(
    prefs: NotificationPreferences, digest: Digest, slot: datetime.datetime, sections: _Sections
) -> EmailLog:
    user = prefs.user
    period = schedule.digest_period_key(
        frequency=prefs.digest_frequency, slot=slot, time_zone=time_zone_of(prefs.user)
    )
    message = email_render(
        "digest",
        to=user.email,
        context={
            "digest": digest,
            "recipient_name": user.get_full_name(),
            "monthly": prefs.digest_frequency == DigestFrequency.MONTHLY,
            "sections": sections.for_digest(digest),
        },
        user_id=user.pk,
        kind=EmailKind.DIGEST,
        time_zone=time_zone_of(prefs.user),
        unsubscribe_key=prefs.unsubscribe_key,
    )
    return EmailLog(
        user=user,
        to_email=user.email,
        kind=EmailKind.DIGEST,
        period_key=period,
        subject=message.subject[:300],
        payload=email_to_payload(message),
    )
