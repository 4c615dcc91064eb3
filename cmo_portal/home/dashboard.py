"""A signed-in person's home page: their journey (onboarding.py) until it is done, and
their dashboard, what matters now. It sits above the domain apps and reads them."""

import datetime
from dataclasses import dataclass, field

from assessments import charts
from assessments.models import NeedsAssessment
from assessments.selectors import Results, results_for
from cmo_portal import clock
from cmo_portal.accounts.models import Intent, Profile, User
from cmo_portal.accounts.selectors import profile_of
from mentors.models.mentorships import Mentorship, MentorshipStatus
from mentors.models.profiles import MentorProfile
from mentors.selectors.feedback import latest_comments_for_mentee, plans_to_review
from pathways.models.lessons import LessonProgress
from pathways.models.opportunities import Opportunity
from pathways.models.plan import (
    CareerPlan,
    ItemStatus,
    PlanAction,
    PlanGoal,
    PlanStatus,
)
from pathways.selectors.plan import plan_items_prefetch

from .onboarding import Journey, Step, mentor_steps, physician_steps

DEADLINES_AHEAD_DAYS = 45
# The readiness chart shows the latest self-ratings only, so the page does not grow with
# the years of them; the results page has them all.
HISTORY_POINTS = 6


@dataclass
class Dashboard:
    user: User
    profile: Profile | None
    journey: Journey
    results: Results | None = None
    plans: list[CareerPlan] = field(default_factory=list)
    next_actions: list[tuple[PlanAction, CareerPlan]] = field(default_factory=list)
    # Per plan still open, the goals a new rating reached, waiting for a yes or a no.
    met_proposals: list[tuple[CareerPlan, list[PlanGoal]]] = field(default_factory=list)
    mentorships: list[Mentorship] = field(default_factory=list)
    comments: list = field(default_factory=list)
    deadlines: list[Opportunity] = field(default_factory=list)
    lesson_under_way: LessonProgress | None = None  # the lesson begun last, not finished
    readiness_chart: charts.LineChart | None = None
    history: list = field(default_factory=list)  # the latest HISTORY_POINTS of results'
    mentor_profile: MentorProfile | None = None
    mentor_counts: dict = field(default_factory=dict)

    @property
    def history_hidden(self) -> bool:
        """Whether there are more self-ratings than the chart shows."""
        return self.results is not None and len(self.results.history) > len(self.history)

    @property
    def active_mentors(self) -> list[Mentorship]:
        return [m for m in self.mentorships if m.is_active]

    @property
    def open_requests(self) -> list[Mentorship]:
        return [m for m in self.mentorships if m.is_open]


def _profiles_of(user: User) -> tuple[Profile | None, MentorProfile | None]:
    """The person's profile and mentor profile in one query, left cached on `user` so the
    navigation reads its roles from them (cmo_portal.home.navigation.roles_of)."""
    row = User.objects.select_related("profile", "mentor_profile").filter(pk=user.pk).first()
    if row is not None:
        for name in ("profile", "mentor_profile"):
            user._state.fields_cache[name] = row._state.fields_cache.get(name)
    return profile_of(user), getattr(user, "mentor_profile", None)


def dashboard_for(user: User, *, today: datetime.date | None = None) -> Dashboard:
    """The home page of a signed-in person: their journey, and what matters now. A fixed
    number of queries, whatever the number of plans, actions or mentorships."""
    today = today or clock.today()
    profile, mentor_profile = _profiles_of(user)
    onboarding = profile.onboarding if profile else {}
    intent = profile.intent if profile else Intent.GROW
    board = Dashboard(
        user=user, profile=profile, journey=Journey([]), mentor_profile=mentor_profile
    )

    grows = intent in (Intent.GROW, Intent.BOTH)
    if grows and profile is not None:
        board.results = results_for(subject=user, full=False)
        board.plans = list(
            CareerPlan.objects.filter(owner=user)
            .select_related("pathway")
            .prefetch_related(
                plan_items_prefetch(actions=PlanAction.objects.order_by("due_date", "pk"))
            )
        )
        board.mentorships = list(
            Mentorship.objects.filter(mentee=user)
            .exclude(status=MentorshipStatus.WITHDRAWN)
            .select_related("mentor__user__profile")
        )
        board.comments = latest_comments_for_mentee(user, limit=3)
        board.lesson_under_way = (
            LessonProgress.objects.filter(user=user, completed_at__isnull=True)
            .select_related("module")
            .order_by("-updated_at", "-pk")
            .first()
        )
        actions = [
            (action, plan)
            for plan in board.plans
            if plan.status != PlanStatus.COMPLETE
            for goal in plan.goals.all()
            for action in goal.actions.all()
            if action.status != ItemStatus.DONE and action.due_date
        ]
        board.next_actions = sorted(actions, key=lambda p: (p[0].due_date, p[0].pk))[:3]
        board.met_proposals = [
            (plan, proposed)
            for plan in board.plans
            if plan.status != PlanStatus.COMPLETE
            and (
                proposed := [
                    goal
                    for goal in plan.goals.all()
                    if goal.met_proposed_at and goal.status != ItemStatus.DONE
                ]
            )
        ]
        pathway_ids = {p.pk for p in board.results.target_pathways} | {
            p.pathway_id for p in board.plans
        }
        if pathway_ids:
            board.deadlines = list(
                Opportunity.objects.open(today)
                .closing_within(DEADLINES_AHEAD_DAYS, today)
                .filter(pathways__in=pathway_ids)
                .distinct()
                .soonest_first()[:5]
            )
        board.history = board.results.history[-HISTORY_POINTS:]
        if board.history:
            board.readiness_chart = charts.readiness_over_time(
                board.history, {p.pk: p.title for p in board.results.target_pathways}
            )
    steps: list[Step] = []
    if grows:
        steps = physician_steps(
            profile=profile,
            # Only the step's own words use it, while no assessment is done.
            assessment_open=profile is not None
            and (board.results is None or board.results.assessment is None)
            and NeedsAssessment.objects.filter(user=user, completed_at__isnull=True).exists(),
            results=board.results,
            plans=board.plans,
            mentorships=board.mentorships,
            onboarding=onboarding,
        )
    if intent in (Intent.MENTOR, Intent.BOTH) or mentor_profile is not None:
        if not grows:
            steps = physician_steps(
                profile=profile,
                assessment_open=False,
                results=None,
                plans=[],
                mentorships=[],
                onboarding={},
            )[:1]
        steps += mentor_steps(profile=profile, mentor_profile=mentor_profile)
    board.journey = Journey(steps)
    if mentor_profile is not None:
        counts = {"pending": 0, "active": 0}
        for status in Mentorship.objects.filter(mentor=mentor_profile).values_list(
            "status", flat=True
        ):
            if status == MentorshipStatus.REQUESTED:
                counts["pending"] += 1
            elif status == MentorshipStatus.ACTIVE:
                counts["active"] += 1
        counts["to_review"] = len(plans_to_review([user.pk]).get(user.pk, []))
        board.mentor_counts = counts
    return board
