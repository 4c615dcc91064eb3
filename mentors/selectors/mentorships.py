"""Reads for mentorships: who mentors whom, a mentorship's page for its participants, and
the mentor's dashboard."""

from dataclasses import dataclass

from django.db.models import Max, Prefetch, Q
from django.http import Http404

from cmo_portal.accounts.access import user_can_view_data_of
from cmo_portal.accounts.models import DataKind, User
from mentors.models.mentorships import Mentorship
from mentors.models.profiles import MentorProfile
from mentors.selectors.feedback import plan_needs_review
from pathways.models.plan import CareerPlan, PlanAction, PlanGoal
from pathways.selectors.plan import plan_items_prefetch


def is_active_mentor_of(viewer: User, owner: User) -> bool:
    return Mentorship.objects.active().filter(mentee=owner, mentor__user=viewer).exists()


def active_mentorship(*, mentor_user: User, mentee: User) -> Mentorship | None:
    return (
        Mentorship.objects.active()
        .select_related("mentor__user__profile", "mentee__profile")
        .filter(mentee=mentee, mentor__user=mentor_user)
        .first()
    )


def mentorship_get_for_participant(*, user: User, pk: int) -> Mentorship:
    """The mentorship, for its mentee, its mentor or, through the access rule, support
    (the mentorship is the mentee's data); 404 for anyone else."""
    mentorship = (
        Mentorship.objects.select_related("mentee__profile", "mentor__user__profile", "ended_by")
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=PlanGoal.objects.not_removed()
                .select_related("plan__pathway")
                .plan_by_plan(),
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


def mentees_of(request, *args, **kwargs) -> list[int]:
    """Everyone who asked the reader, or has them, as a mentor: the mentor's dashboard
    shows their data, so it is cached under their versions too (cmo_portal.page_cache)."""
    return list(
        Mentorship.objects.filter(mentor__user=request.user).values_list("mentee_id", flat=True)
    )


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
    changed_of: dict[int, list[CareerPlan]] = {}
    for plan in plans:
        changed = plan_needs_review(last_change=plan.last_change, last_review=plan.last_review)
        plan.changed = changed  # type: ignore[attr-defined]  # for the dashboard's badge
        by_owner.setdefault(plan.owner_id, []).append(plan)
        if changed:
            changed_of.setdefault(plan.owner_id, []).append(plan)
    rows = [
        MenteeRow(
            mentorship=m,
            plans=by_owner.get(m.mentee_id, []),
            changed_plans=changed_of.get(m.mentee_id, []),
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
