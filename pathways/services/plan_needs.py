"""What the plan generator works from and proposes: the physician's needs (the needs
assessment and the gap analysis, `Needs`), the catalogue of modules and open
opportunities ranked for them (`Catalogue`, by pathways.plan_rules.rank), and the
suggested goals and actions. The sections that fill them are in plan_sections.py."""

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assessments.models import NeedsAssessment, Relocation, TimeHorizon
from assessments.scoring import CompetencyGap
from assessments.selectors import Results
from cmo_portal.accounts.models import CareerStage, User
from pathways import plan_rules
from pathways.models.curriculum import (
    Pathway,
    stage_rank,
)
from pathways.models.opportunities import (
    DeliveryFormat,
    LearningModule,
    Opportunity,
    OpportunityKind,
)
from pathways.models.plan import PlanSection

GOALS_FROM_GAPS = 5
MODULES_PER_GOAL = 2
# Applying for an opportunity takes time too; a module says its own effort.
OPPORTUNITY_HOURS = 6
MENTOR_HOURS = 2
DEFAULT_HOURS_PER_WEEK = 3
HORIZON_YEARS = {
    TimeHorizon.ONE_YEAR: 1,
    TimeHorizon.THREE_YEARS: 3,
    TimeHorizon.FIVE_YEARS: 5,
    TimeHorizon.TEN_YEARS: 10,
    TimeHorizon.LONGER: 15,
}
DEFAULT_HORIZON_YEARS = 3
# Weeks before the role starts that the first-90-days work may begin.
ENTRY_PREPARATION_WEEKS = 4

# The order work is planned in, by section: find a mentor and learn first, apply later.
# A degree comes after the shorter work, so it does not hold everything else back; with
# a year to go, the search comes straight after learning.
PHASES = {
    PlanSection.MENTORS: 0,
    PlanSection.LEARNING_OBJECTIVES: 1,
    PlanSection.NETWORKS: 1,
    PlanSection.EXPERIENTIAL: 2,
    PlanSection.EXCHANGE: 3,
    PlanSection.EDUCATION: 4,
    PlanSection.JOB_SEARCH: 5,
    PlanSection.FIRST_90_DAYS: 6,
}
# A degree that only helps (not expected) is suggested when it fits in this share of the
# hours the physician gives over their horizon.
HELPFUL_DEGREE_SHARE = 0.5
# The ways of meeting a mentor the needs assessment asks about, as delivery formats.
FORMATS_FROM_MENTORING = {
    "video": DeliveryFormat.ONLINE,
    "async": DeliveryFormat.ONLINE,
    "in_person": DeliveryFormat.IN_PERSON,
}
EARLY_STAGES = {CareerStage.MEDICAL_STUDENT, CareerStage.RESIDENT}
# What the plan asks of an example listing (there is none to apply to), by kind.
FIND_ONE_LIKE_IT = {
    OpportunityKind.INTERNSHIP: "Find and apply to an internship like this",
    OpportunityKind.FELLOWSHIP: "Find and apply to a fellowship like this",
    OpportunityKind.SCHOLARSHIP: "Find and apply for a scholarship like this",
    OpportunityKind.JOB: "Find and apply to a role like this",
    OpportunityKind.CME_EVENT: "Find and book an event like this",
    OpportunityKind.COMMUNITY: "Find and join a community like this",
    OpportunityKind.EXECUTIVE_SEARCH: "Find and contact a search firm like this",
}


@dataclass
class ActionSuggestion:
    key: str
    title: str
    effort_hours: int
    notes: str = ""
    module: LearningModule | None = None
    opportunity: Opportunity | None = None
    mentor_id: int | None = None
    not_before: int = 0
    due_date: datetime.date | None = None

    @property
    def deadline(self) -> datetime.date | None:
        return self.opportunity.deadline_to_act_on if self.opportunity else None


@dataclass
class GoalSuggestion:
    key: str
    section: str
    title: str
    notes: str
    competency_id: int | None = None
    target_level: int | None = None
    actions: list[ActionSuggestion] = field(default_factory=list)
    due_date: datetime.date | None = None


@dataclass(frozen=True)
class MentorPick:
    """A mentor the matching proposes (or the physician's own), for the Mentors section."""

    user_id: int
    topic: str  # what they would help with, for the action's title (never their name:
    # the title stays in the plan if the mentor deletes their account)
    reason: str
    is_current: bool = False


@dataclass
class Needs:
    """Everything the plan is drawn from."""

    owner: User
    pathway: Pathway
    results: Results
    assessment: NeedsAssessment | None
    start: datetime.date
    role_starts_on: datetime.date | None = None

    @property
    def stage(self) -> str:
        stage = self.assessment.career_stage if self.assessment else ""
        profile = getattr(self.owner, "profile", None)
        return stage or (profile.career_stage if profile else "")

    @property
    def stage_rank(self) -> int | None:
        return stage_rank(self.stage) if self.stage in CareerStage.values else None

    @property
    def hours_per_week(self) -> int:
        hours = self.assessment.hours_per_week if self.assessment else None
        return hours or DEFAULT_HOURS_PER_WEEK

    @property
    def horizon(self) -> str:
        return self.assessment.time_horizon if self.assessment else ""

    def phase(self, section: str) -> int:
        if section == PlanSection.JOB_SEARCH and self.horizon == TimeHorizon.ONE_YEAR:
            return PHASES[PlanSection.LEARNING_OBJECTIVES]
        return PHASES.get(section, len(PHASES))  # type: ignore[call-overload]

    @property
    def hours_to_horizon(self) -> int:
        return plan_rules.weeks_between(self.start, self.horizon_end) * self.hours_per_week

    @property
    def horizon_end(self) -> datetime.date:
        years = HORIZON_YEARS.get(self.horizon, DEFAULT_HORIZON_YEARS)  # type: ignore[call-overload]
        return self.start + datetime.timedelta(days=round(365.25 * years))

    def seeker(self, gaps: Sequence[CompetencyGap]) -> plan_rules.Seeker:
        formats = self.assessment.mentoring_formats if self.assessment else []
        return plan_rules.Seeker(
            stage_rank=self.stage_rank,
            priorities={g.competency_id: g.weighted_gap or 0 for g in gaps if g.weighted_gap},
            formats=frozenset(
                FORMATS_FROM_MENTORING[f] for f in formats if f in FORMATS_FROM_MENTORING
            ),
            will_move=not (
                self.assessment and self.assessment.willing_to_relocate == Relocation.NO
            ),
            today=self.start,
        )


def _candidate(item: LearningModule | Opportunity, key: str, hours: int) -> plan_rules.Candidate:
    opening = item if isinstance(item, Opportunity) else None
    return plan_rules.Candidate(
        key=key,
        hours=hours,
        builds=frozenset(c.pk for c in item.competencies.all()),
        earliest_stage_rank=item.earliest_stage_rank,
        latest_stage_rank=item.latest_stage_rank,
        format=item.format,
        is_job=opening is not None and opening.kind == OpportunityKind.JOB,
        is_remote=opening is not None and opening.is_remote,
        deadline=opening.deadline_to_act_on if opening else None,
    )


class Catalogue:
    """The modules and open opportunities, loaded once, ranked for one physician."""

    def __init__(self, needs: Needs, seeker: plan_rules.Seeker) -> None:
        self.seeker = seeker
        self.modules = {
            f"module:{m.pk}": m for m in LearningModule.objects.prefetch_related("competencies")
        }
        self.opportunities = {
            f"opportunity:{o.pk}": o
            for o in Opportunity.objects.open(needs.start).prefetch_related(
                "competencies", "pathways"
            )
        }
        self.taken: dict[str, ActionSuggestion] = {}

    def ranked(self, keep: Callable[[LearningModule | Opportunity], bool]) -> list[tuple]:
        items = {k: m for k, m in self.modules.items() if keep(m)} | {
            k: o for k, o in self.opportunities.items() if keep(o)
        }
        candidates = [_candidate(item, key, _hours(item)) for key, item in items.items()]
        return [(items[r.key], r) for r in plan_rules.rank(self.seeker, candidates)]

    def take(self, goal: GoalSuggestion, keep, *, count: int, verb: str = "") -> None:
        """Add the `count` best candidates to the goal; one already in the plan counts
        and is linked, not repeated."""
        for item, ranked in self.ranked(keep)[:count]:
            key = ranked.key
            if key not in self.taken:
                self.taken[key] = _action(item, key, ranked, verb=verb)
            goal.actions.append(self.taken[key])


def _hours(item: LearningModule | Opportunity) -> int:
    return item.effort_hours if isinstance(item, LearningModule) else OPPORTUNITY_HOURS


def _action(item, key: str, ranked: plan_rules.Ranked, *, verb: str) -> ActionSuggestion:
    why = "Suggested because it " + "; ".join(ranked.reasons) + "."
    if isinstance(item, LearningModule):
        return ActionSuggestion(key, item.title, item.effort_hours, notes=why, module=item)
    if item.is_example:  # no listing to apply to: find a real one like it, undated
        title = f"{FIND_ONE_LIKE_IT[item.kind]}: {item.title}"
        why += " It is an example: the opportunity's page says how to find real ones."
    else:
        title = f"{verb or 'Apply'}: {item.title}"
    return ActionSuggestion(key[:40], title[:200], OPPORTUNITY_HOURS, notes=why, opportunity=item)


def module_of(*kinds: str) -> Callable:
    return lambda item: isinstance(item, LearningModule) and item.kind in kinds


def opportunity_of(*kinds: str) -> Callable:
    return lambda item: isinstance(item, Opportunity) and item.kind in kinds


def builds(competency_id: int, keep: Callable) -> Callable:
    return lambda item: keep(item) and any(c.pk == competency_id for c in item.competencies.all())
