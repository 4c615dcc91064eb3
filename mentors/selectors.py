"""Reads for mentors, with their access checks. Every page's reads run a fixed number of
queries, whatever the number of mentors, mentees or comments."""

import datetime
import zoneinfo
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import F, Max, Prefetch, Q, QuerySet
from django.http import Http404

from assessments.selectors import Results, results_for
from cmo_portal import clock
from cmo_portal.accounts.access import user_can_view_data_of
from cmo_portal.accounts.models import DataKind, User
from pathways.models.curriculum import Pathway, Setting
from pathways.models.plan import CareerPlan, PlanAction, PlanGoal
from pathways.selectors.plan import plan_items_prefetch

from . import matching
from .models import (
    DECLINE_COOL_OFF,
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    PlanComment,
    PlanReview,
    TeachableCompetency,
)

# How many of the physician's largest gaps the matching looks at.
TOP_GAPS = 5
# The order of MentorProfile's offers_video, offers_in_person, offers_async flags.
FORMAT_CODES = ("video", "in_person", "async")


def is_active_mentor_of(viewer: User, owner: User) -> bool:
    return Mentorship.objects.active().filter(mentee=owner, mentor__user=viewer).exists()


def active_mentorship(*, mentor_user: User, mentee: User) -> Mentorship | None:
    return (
        Mentorship.objects.active()
        .select_related("mentor__user__profile", "mentee__profile")
        .filter(mentee=mentee, mentor__user=mentor_user)
        .first()
    )


def mentor_profile_of(user: User) -> MentorProfile | None:
    return MentorProfile.objects.filter(user=user).first() if user.is_authenticated else None


# --- The directory ---------------------------------------------------------------------


def _with_details(profiles: QuerySet[MentorProfile]) -> QuerySet[MentorProfile]:
    return profiles.select_related("user__profile").prefetch_related(
        "settings_known",
        "pathways_known",
        Prefetch("teaches", queryset=TeachableCompetency.objects.select_related("competency")),
    )


def mentor_directory(
    *, setting=None, pathway=None, competency=None, with_room: bool = False, q: str = ""
) -> QuerySet[MentorProfile]:
    """Approved mentors, each with `active_count`, filtered; ordered by name."""
    mentors = MentorProfile.objects.approved().with_load()
    if setting is not None:
        mentors = mentors.filter(settings_known=setting)
    if pathway is not None:
        mentors = mentors.filter(pathways_known=pathway)
    if competency is not None:
        mentors = mentors.filter(teaches__competency=competency)
    if with_room:
        mentors = mentors.filter(accepting_requests=True, active_count__lt=F("capacity"))
    if q:
        mentors = mentors.filter(
            Q(user__profile__full_name__icontains=q)
            | Q(headline__icontains=q)
            | Q(current_role__icontains=q)
        )
    # The mentee count groups the query, and Django drops Meta.ordering on a grouped
    # query: order explicitly so pages never repeat or skip a mentor.
    return _with_details(mentors.distinct()).order_by("user__profile__full_name", "pk")


def mentor_get_for_viewer(*, viewer: User, pk: int) -> MentorProfile:
    """An approved mentor's page is seen by any signed-in user; one that is not listed (an
    application not approved, a deactivated account) is the mentor's own data, seen by its
    author and, through the access rule, support. Staff review applications in the admin."""
    mentor = _with_details(MentorProfile.objects.with_load()).filter(pk=pk).first()
    listed = mentor is not None and mentor.is_approved and mentor.user.is_active
    if mentor is None or not (
        listed or user_can_view_data_of(viewer, mentor.user, what=DataKind.MENTOR_PROFILE)
    ):
        raise Http404("No such mentor.")
    return mentor


# --- Suggestions -----------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _utc_offset_hours(time_zone: str, hour: datetime.datetime) -> float | None:
    try:
        offset = hour.astimezone(zoneinfo.ZoneInfo(time_zone)).utcoffset()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return offset.total_seconds() / 3600 if offset is not None else None


def utc_offset_hours(time_zone: str | None, now: datetime.datetime | None = None) -> float | None:
    if not time_zone:
        return None
    now = (now or clock.now()).replace(minute=0, second=0, microsecond=0)
    return _utc_offset_hours(time_zone, now)


def excluded_mentor_ids(mentee: User, *, now: datetime.datetime | None = None) -> set[int]:
    """Mentors the physician is not offered: those asked already (open or active) and
    those who declined, or let a request expire, within the cool-off."""
    now = now or clock.now()
    return set(
        Mentorship.objects.filter(mentee=mentee)
        .filter(
            Q(status__in=(MentorshipStatus.REQUESTED, MentorshipStatus.NEEDS_INFO))
            | Q(status=MentorshipStatus.ACTIVE)
            | Q(status=MentorshipStatus.DECLINED, responded_at__gte=now - DECLINE_COOL_OFF)
            | Q(status=MentorshipStatus.EXPIRED, expires_at__gte=now - DECLINE_COOL_OFF)
        )
        .values_list("mentor_id", flat=True)
    )


@dataclass
class Suggestion:
    mentor: MentorProfile
    match: matching.Match
    reasons: list[str]


@dataclass
class Suggestions:
    results: Results
    needs: matching.MenteeNeeds
    items: list[Suggestion] = field(default_factory=list)
    candidates: int = 0


def mentee_needs(
    results: Results, *, formats: frozenset[str] = frozenset()
) -> matching.MenteeNeeds:
    """What the matching looks for, from the physician's gap analysis."""
    subject = results.subject
    profile = getattr(subject, "profile", None)
    if not formats and results.assessment is not None:
        formats = frozenset(results.assessment.mentoring_formats)  # from the needs assessment
    return matching.MenteeNeeds(
        gaps=tuple(
            matching.GapNeed(g.competency_id, g.name, g.target, g.weighted_gap)
            for g in results.top_gaps[:TOP_GAPS]
        ),
        setting_ids=frozenset(p.setting_id for p in results.target_pathways),
        pathway_ids=frozenset(p.pk for p in results.target_pathways),
        utc_offset_hours=utc_offset_hours(profile.time_zone if profile else None),
        formats=formats,
    )


def candidates(
    *, needs: matching.MenteeNeeds, mentee: User, exclude: set[int]
) -> list[matching.Candidate]:
    """Every approved mentor with room, as plain values for the matching, in four
    queries however many there are. Only the teachable competencies that matter to the
    physician's top gaps are loaded."""
    rows = list(
        MentorProfile.objects.with_room()
        .exclude(user=mentee)
        .exclude(pk__in=exclude)
        .values_list(
            "pk",
            "time_zone",
            "offers_video",
            "offers_in_person",
            "offers_async",
            "active_count",
            "capacity",
        )
    )
    ids = [row[0] for row in rows]
    teaches: dict[int, dict[int, int]] = {pk: {} for pk in ids}
    gap_ids = [g.competency_id for g in needs.gaps]
    if gap_ids:
        # Rows of mentors who are not candidates are skipped here rather than joined away
        # in SQL: cheaper than counting every mentor's mentees a second time.
        for mentor_id, competency_id, level in TeachableCompetency.objects.filter(
            competency__in=gap_ids
        ).values_list("mentor_id", "competency_id", "level"):
            if mentor_id in teaches:
                teaches[mentor_id][competency_id] = level
    known_settings: dict[int, set[int]] = {pk: set() for pk in ids}
    for mentor_id, setting_id in MentorProfile.settings_known.through.objects.filter(
        setting_id__in=needs.setting_ids
    ).values_list("mentorprofile_id", "setting_id"):
        if mentor_id in known_settings:
            known_settings[mentor_id].add(setting_id)
    known_pathways: dict[int, set[int]] = {pk: set() for pk in ids}
    for mentor_id, pathway_id in MentorProfile.pathways_known.through.objects.filter(
        pathway_id__in=needs.pathway_ids
    ).values_list("mentorprofile_id", "pathway_id"):
        if mentor_id in known_pathways:
            known_pathways[mentor_id].add(pathway_id)
    now = clock.now()
    # A few dozen time zones and seven mixes of formats serve thousands of mentors.
    offsets = {tz: utc_offset_hours(tz, now) for tz in {row[1] for row in rows}}
    formats = {
        flags: frozenset(code for on, code in zip(flags, FORMAT_CODES, strict=True) if on)
        for flags in {row[2:5] for row in rows}
    }
    return [
        matching.Candidate(
            mentor_id=pk,
            teaches=teaches[pk],
            setting_ids=frozenset(known_settings[pk]),
            pathway_ids=frozenset(known_pathways[pk]),
            utc_offset_hours=offsets[time_zone],
            formats=formats[(video, in_person, asynch)],
            active=active,
            capacity=capacity,
        )
        for pk, time_zone, video, in_person, asynch, active, capacity in rows
    ]


def mentor_suggestions(
    *,
    mentee: User,
    pathway_slug: str | None = None,
    formats: frozenset[str] = frozenset(),
    limit: int = 10,
) -> Suggestions:
    """The approved mentors with room, best first, each with its reasons."""
    results = results_for(subject=mentee, pathway_slug=pathway_slug)
    needs = mentee_needs(results, formats=formats)
    exclude = excluded_mentor_ids(mentee)
    pool = candidates(needs=needs, mentee=mentee, exclude=exclude)
    matches = matching.rank(needs, pool, exclude=frozenset(exclude), limit=limit)
    profiles = _with_details(MentorProfile.objects.with_load()).in_bulk(
        [m.mentor_id for m in matches]
    )
    setting_names = dict(Setting.objects.filter(pk__in=needs.setting_ids).values_list("pk", "name"))
    pathway_names = dict(
        Pathway.objects.filter(pk__in=needs.pathway_ids).values_list("pk", "title")
    )
    return Suggestions(
        results=results,
        needs=needs,
        candidates=len(pool),
        items=[
            Suggestion(
                mentor=profiles[m.mentor_id],
                match=m,
                reasons=matching.explain(
                    m, setting_names=setting_names, pathway_names=pathway_names
                ),
            )
            for m in matches
        ],
    )


def next_suggestion(mentee: User) -> Suggestion | None:
    """The best mentor to ask next, for the email that says a request expired."""
    suggestions = mentor_suggestions(mentee=mentee, limit=1)
    return suggestions.items[0] if suggestions.items else None


# --- Mentorships -----------------------------------------------------------------------


def mentorship_get_for_participant(*, user: User, pk: int) -> Mentorship:
    """The mentorship, for its mentee, its mentor or, through the access rule, support
    (the mentorship is the mentee's data); 404 for anyone else."""
    mentorship = (
        Mentorship.objects.select_related("mentee__profile", "mentor__user__profile", "ended_by")
        .prefetch_related(
            Prefetch(
                "goals", queryset=PlanGoal.objects.not_removed().select_related("plan__pathway")
            )
        )
        .filter(pk=pk)
        .first()
    )
    if mentorship is None or not (
        mentorship.involves(user)
        or user_can_view_data_of(user, mentorship.mentee, what=DataKind.MENTORSHIP)
    ):
        raise Http404("No such mentorship.")
    return mentorship


def mentorship_plans_for_viewer(*, mentorship: Mentorship, viewer: User) -> list[CareerPlan]:
    """The mentee's plans as listed on the mentorship's page: for its mentor while it is
    active, or support; the mentee finds their own plans on their dashboard."""
    if not mentorship.is_active or viewer.pk == mentorship.mentee_id:
        return []
    if not user_can_view_data_of(viewer, mentorship.mentee, what=DataKind.PLAN):
        return []
    return list(mentorship.mentee.career_plans.select_related("pathway"))


def mentorships_of_mentee(mentee: User) -> list[Mentorship]:
    return list(Mentorship.objects.filter(mentee=mentee).select_related("mentor__user__profile"))


@dataclass
class MenteeRow:
    mentorship: Mentorship
    plans: list[CareerPlan]
    changed_plans: list[CareerPlan]


@dataclass
class MentorDashboard:
    profile: MentorProfile
    pending: list[Mentorship]
    mentees: list[MenteeRow]
    to_review: list[CareerPlan]
    past: list[Mentorship]


def mentor_dashboard(profile: MentorProfile) -> MentorDashboard:
    """The mentor's mentees with their plans and progress, the requests waiting, and the
    plans changed since this mentor last reviewed them (or never reviewed)."""
    mentorships = list(Mentorship.objects.filter(mentor=profile).select_related("mentee__profile"))
    pending = [m for m in mentorships if m.is_open]
    active = [m for m in mentorships if m.is_active]
    past = [m for m in mentorships if not m.is_open and not m.is_active][:20]
    plans = list(
        CareerPlan.objects.filter(owner__in=[m.mentee_id for m in active])
        .select_related("pathway")
        .annotate(
            last_change=Max("changes__at"),
            last_review=Max("reviews__created_at", filter=Q(reviews__mentorship__mentor=profile)),
        )
        .prefetch_related(
            plan_items_prefetch(
                actions=PlanAction.objects.only("pk", "goal_id", "status", "removed_at")
            )
        )
    )
    by_owner: dict[int, list[CareerPlan]] = {}
    for plan in plans:
        plan.changed = plan.last_review is None or (
            plan.last_change is not None and plan.last_change > plan.last_review
        )
        by_owner.setdefault(plan.owner_id, []).append(plan)
    rows = [
        MenteeRow(
            mentorship=m,
            plans=by_owner.get(m.mentee_id, []),
            changed_plans=[p for p in by_owner.get(m.mentee_id, []) if p.changed],
        )
        for m in active
    ]
    return MentorDashboard(
        profile=profile,
        pending=pending,
        mentees=rows,
        to_review=[p for row in rows for p in row.changed_plans],
        past=past,
    )


# --- Feedback on a plan ----------------------------------------------------------------


@dataclass
class PlanFeedback:
    comments: list[PlanComment]
    reviews: list[PlanReview]
    by_goal: dict[int, list[PlanComment]]
    by_action: dict[int, list[PlanComment]]
    on_plan: list[PlanComment]


def plan_feedback(plan: CareerPlan) -> PlanFeedback:
    """The comments and reviews on a plan, in two queries, grouped by where they sit."""
    comments = list(
        PlanComment.objects.filter(plan=plan).select_related("author__profile", "goal", "action")
    )
    reviews = list(
        PlanReview.objects.filter(plan=plan).select_related("mentorship__mentor__user__profile")
    )
    by_goal: dict[int, list[PlanComment]] = {}
    by_action: dict[int, list[PlanComment]] = {}
    on_plan = []
    for comment in comments:
        if comment.action_id:
            by_action.setdefault(comment.action_id, []).append(comment)
        elif comment.goal_id:
            by_goal.setdefault(comment.goal_id, []).append(comment)
        else:
            on_plan.append(comment)
    return PlanFeedback(comments, reviews, by_goal, by_action, on_plan)


def latest_comments_for_mentee(mentee: User, *, limit: int = 5) -> list[PlanComment]:
    return list(
        PlanComment.objects.filter(plan__owner=mentee)
        .exclude(author=mentee)
        .select_related("author__profile", "plan__pathway", "goal", "action")
        .order_by("-created_at")[:limit]
    )
