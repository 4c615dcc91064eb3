"""Where a person stands on their way through the site, and their dashboard.

Onboarding is read from what the person has done, not from a separate state: a profile,
a finished needs assessment, submitted ratings, a plan, a mentorship. So a person who
stops can come back at the step they left, on any device. Two steps leave no other
trace and are kept in Profile.onboarding: the results seen, and the mentor step skipped.

A physician's steps: profile, needs assessment, rubric, results, plan, mentor.
A mentor's steps (intent "mentor"): profile, mentor profile, approval.
Someone here for both has the physician's steps, then the mentor profile."""

import datetime
from dataclasses import dataclass, field

from django.urls import reverse

from assessments import charts
from assessments.models import NeedsAssessment
from assessments.selectors import Results, results_for
from cmo_portal import clock
from mentors.models import MentorProfile, Mentorship, MentorshipStatus
from mentors.selectors import latest_comments_for_mentee
from pathways.models.opportunities import Opportunity
from pathways.models.plan import (
    CareerPlan,
    ItemStatus,
    PlanAction,
    PlanStatus,
)
from pathways.selectors.plan import plan_items_prefetch

from .accounts.models import Intent, Profile, User
from .accounts.selectors import profile_of

DEADLINES_AHEAD_DAYS = 45


@dataclass
class Step:
    key: str
    title: str
    why: str
    url: str
    action: str  # the button's words when this is the current step
    done: bool = False
    started: bool = False  # begun but not finished (an assessment in progress)


@dataclass
class Journey:
    steps: list[Step]

    @property
    def current(self) -> Step | None:
        return next((step for step in self.steps if not step.done), None)

    @property
    def finished(self) -> bool:
        return self.current is None

    @property
    def done_count(self) -> int:
        return sum(step.done for step in self.steps)

    @property
    def percent(self) -> int:
        return round(100 * self.done_count / len(self.steps)) if self.steps else 100


@dataclass
class Dashboard:
    user: User
    profile: Profile | None
    journey: Journey
    results: Results | None = None
    plans: list[CareerPlan] = field(default_factory=list)
    next_actions: list[PlanAction] = field(default_factory=list)
    mentorships: list[Mentorship] = field(default_factory=list)
    comments: list = field(default_factory=list)
    deadlines: list[Opportunity] = field(default_factory=list)
    readiness_chart: dict | None = None
    mentor_profile: MentorProfile | None = None
    mentor_counts: dict = field(default_factory=dict)

    @property
    def active_mentors(self) -> list[Mentorship]:
        return [m for m in self.mentorships if m.is_active]

    @property
    def open_requests(self) -> list[Mentorship]:
        return [m for m in self.mentorships if m.is_open]


def _physician_steps(
    *, profile, assessment_open, results, plans, mentorships, onboarding
) -> list[Step]:
    assessment_done = results is not None and results.assessment is not None
    rated = results is not None and results.has_ratings
    return [
        Step(
            "profile",
            "Your profile",
            "Career stage, specialty, where you work and your time zone.",
            reverse("accounts:profile-edit"),
            "Complete your profile",
            done=profile is not None,
        ),
        Step(
            "assessment",
            "Needs assessment",
            "Your background and the CMO roles you aim for, in four short steps.",
            reverse("assessments:start"),
            "Continue the needs assessment" if assessment_open else "Take the needs assessment",
            done=assessment_done,
            started=assessment_open and not assessment_done,
        ),
        Step(
            "rubric",
            "Rate your competencies",
            "Pick the level that describes you today on what your target roles need.",
            reverse("assessments:rubric"),
            "Rate your competencies",
            done=rated,
        ),
        Step(
            "results",
            "See where you stand",
            "Your readiness for each target role and your largest gaps.",
            reverse("assessments:results"),
            "See your results",
            done=rated and (bool(onboarding.get("results_seen")) or bool(plans)),
        ),
        Step(
            "plan",
            "Build your plan",
            "Goals from your largest gaps, with actions and due dates.",
            reverse("pathways:plan-list"),
            "Build your plan",
            done=bool(plans),
        ),
        Step(
            "mentor",
            "Find a mentor",
            "Mentors ranked by how well they cover your gaps, each with the reasons.",
            reverse("mentors:suggestions"),
            "See your mentor suggestions",
            done=bool(mentorships) or bool(onboarding.get("mentors_skipped")),
        ),
    ]


def _mentor_steps(*, profile, mentor_profile) -> list[Step]:
    return [
        Step(
            "mentor-profile",
            "Your mentor profile",
            "What you can teach and at what level, the settings you know, your capacity.",
            reverse("mentors:profile-edit"),
            "Apply to mentor",
            done=mentor_profile is not None,
        ),
        Step(
            "approval",
            "Approval",
            "Our team reads every application; you hear by email.",
            reverse("mentors:dashboard"),
            "See your mentor dashboard",
            done=mentor_profile is not None and mentor_profile.is_approved,
            started=mentor_profile is not None,
        ),
    ]


def dashboard_for(user: User, *, today: datetime.date | None = None) -> Dashboard:
    """The home page of a signed-in person: their journey, and what matters now. A fixed
    number of queries, whatever the number of plans, actions or mentorships."""
    today = today or clock.today()
    profile = profile_of(user)
    onboarding = profile.onboarding if profile else {}
    intent = profile.intent if profile else Intent.GROW
    mentor_profile = MentorProfile.objects.filter(user=user).first()
    board = Dashboard(
        user=user, profile=profile, journey=Journey([]), mentor_profile=mentor_profile
    )

    grows = intent in (Intent.GROW, Intent.BOTH)
    if grows and profile is not None:
        board.results = results_for(subject=user)
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
        actions = [
            (action, plan)
            for plan in board.plans
            if plan.status != PlanStatus.COMPLETE
            for goal in plan.goals.all()
            for action in goal.actions.all()
            if action.status != ItemStatus.DONE and action.due_date
        ]
        board.next_actions = [
            pair for pair in sorted(actions, key=lambda p: (p[0].due_date, p[0].pk))[:3]
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
        if board.results.history:
            board.readiness_chart = charts.readiness_over_time(
                board.results.history, {p.pk: p.title for p in board.results.target_pathways}
            )
    steps: list[Step] = []
    if grows:
        steps = _physician_steps(
            profile=profile,
            assessment_open=profile is not None
            and NeedsAssessment.objects.filter(user=user, completed_at__isnull=True).exists(),
            results=board.results,
            plans=board.plans,
            mentorships=board.mentorships,
            onboarding=onboarding,
        )
    if intent in (Intent.MENTOR, Intent.BOTH) or mentor_profile is not None:
        if not grows:
            steps = _physician_steps(
                profile=profile,
                assessment_open=False,
                results=None,
                plans=[],
                mentorships=[],
                onboarding={},
            )[:1]
        steps += _mentor_steps(profile=profile, mentor_profile=mentor_profile)
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
        counts["to_review"] = CareerPlan.objects.filter(
            owner__mentorships__mentor=mentor_profile,
            owner__mentorships__status=MentorshipStatus.ACTIVE,
            status=PlanStatus.WAITING_FOR_REVIEW,
        ).count()
        board.mentor_counts = counts
    return board
