"""What the plan generator proposes, section by section, from the whole needs assessment
and the gaps: learning objectives from the largest gaps, education when the target
pathway's degrees and the physician's differ, mentors from the matching, networks,
experiential learning, international exchange, the job search when the role is near, and
the first 90 days once a role is accepted. Every goal says why it is there.

Each module or opportunity appears once in the suggestions, under the first goal that
takes it and linked to the others it serves (plan_needs.Catalogue.take).
"""

from django.conf import settings
from django.utils.module_loading import import_string

from assessments.models import BoardCertification, NeedsAssessment, TimeHorizon
from assessments.scoring import CompetencyGap
from cmo_portal.accounts.models import CareerStage, User
from pathways import plan_rules
from pathways.models.curriculum import Credential, Expectation, Pathway, Weight
from pathways.models.opportunities import ModuleKind, OpportunityKind
from pathways.models.plan import PlanSection

from .plan_needs import (
    EARLY_STAGES,
    ENTRY_PREPARATION_WEEKS,
    GOALS_FROM_GAPS,
    HELPFUL_DEGREE_SHARE,
    MENTOR_HOURS,
    MODULES_PER_GOAL,
    ActionSuggestion,
    Catalogue,
    GoalSuggestion,
    MentorPick,
    Needs,
    builds,
    module_of,
    opportunity_of,
)

# --- The sections ----------------------------------------------------------------------


def learning_goals(needs: Needs, catalogue: Catalogue, gaps: list[CompetencyGap]) -> list:
    goals: list[GoalSuggestion] = []
    weights = dict(Weight.choices)
    for gap in gaps:
        goal = GoalSuggestion(
            key=f"competency:{gap.competency_id}",
            section=PlanSection.LEARNING_OBJECTIVES,
            title=f"Reach level {gap.target} in {gap.name}",
            competency_id=gap.competency_id,
            target_level=gap.target,
            notes=f"{needs.pathway.title} needs level {gap.target} in {gap.name} "
            f"({str(weights.get(gap.weight, '')).lower()}); your latest rating is level "
            f"{gap.current}. Done when a new rating reaches it.",
        )
        keep = builds(gap.competency_id, module_of(ModuleKind.COURSE, ModuleKind.CME))
        catalogue.take(goal, keep, count=MODULES_PER_GOAL)
        goals.append(goal)
    return goals


def _holds(assessment: NeedsAssessment | None, credential: str) -> bool:
    if assessment is None:
        return False
    if credential == Credential.BOARD:
        return assessment.board_certification == BoardCertification.CERTIFIED
    if credential == Credential.CPHQ:
        return "cphq" in assessment.certifications.lower()
    return credential in assessment.degrees_held


def _listing(words: list[str], joiner: str = "or") -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {joiner} {words[-1]}"


def education_goals(needs: Needs, catalogue: Catalogue, gaps: list[CompetencyGap]) -> list:
    assessment, goals = needs.assessment, list[GoalSuggestion]()
    labels = dict(Credential.choices)
    rows = list(needs.pathway.education.all())
    for expectation in (Expectation.EXPECTED, Expectation.HELPFUL):
        degrees = [row.degree for row in rows if row.expectation == expectation]
        degrees = [d for d in degrees if d in labels]
        if not degrees or any(_holds(assessment, d) for d in degrees):
            continue
        programme = lambda m, wanted=frozenset(degrees): (  # noqa: E731
            module_of(ModuleKind.EDUCATION)(m) and m.leads_to in wanted
        )
        if expectation == Expectation.HELPFUL:
            hours = min((item.effort_hours for item, _ in catalogue.ranked(programme)), default=0)
            if goals or not hours or hours > HELPFUL_DEGREE_SHARE * needs.hours_to_horizon:
                continue  # a degree that only helps is worth it when there is time for it
        names = [labels[d].split(" (")[0] for d in degrees]
        planned = [d for d in degrees if assessment and d in assessment.degrees_planned]
        asks = "usually asks for" if expectation == Expectation.EXPECTED else "is helped by"
        notes = (
            f"Your target, {needs.pathway.title}, {asks} {_listing(names)}, and you have "
            f"{'neither' if len(names) == 2 else 'none of them' if len(names) > 2 else 'not got it yet'}."
        )
        planned_names = [labels[d].split(" (")[0] for d in planned]
        if planned:
            notes += f" You plan {_listing(planned_names, 'and')}."
        elif len(names) > 1:
            notes += " One is enough: the programme suggested fits you best."
        goal = GoalSuggestion(
            key=f"education:{'+'.join(sorted(degrees))}"[:40],
            section=PlanSection.EDUCATION,
            title=f"Complete the {planned_names[0]} you plan"
            if planned
            else f"Earn {_listing(names)}",
            notes=notes,
        )
        catalogue.take(
            goal,
            lambda m, wanted=frozenset(planned or degrees): (
                module_of(ModuleKind.EDUCATION)(m) and m.leads_to in wanted
            ),
            count=1,
        )
        goals.append(goal)
    gapped = {g.competency_id for g in gaps}
    if needs.stage not in (CareerStage.MEDICAL_STUDENT, "") and not _holds(assessment, "board"):
        said = assessment.get_board_certification_display().lower() if assessment else ""
        goal = GoalSuggestion(
            key="education:board",
            section=PlanSection.EDUCATION,
            title="Complete board certification in your specialty",
            notes="Almost every physician executive is board certified, and boards of "
            f"directors check it{f'; you said: {said}' if said else ''}.",
        )
        catalogue.take(
            goal, lambda m: module_of(ModuleKind.EDUCATION)(m) and m.leads_to == "board", count=1
        )
        goals.append(goal)
    for credential in (Credential.CPHQ, Credential.INFORMATICS):
        keep = lambda m, c=credential: (  # noqa: E731
            module_of(ModuleKind.EDUCATION)(m)
            and m.leads_to == c
            and any(x.pk in gapped for x in m.competencies.all())
        )
        if _holds(assessment, credential) or not catalogue.ranked(keep):
            continue
        name = labels[credential].split(" (")[0]
        goal = GoalSuggestion(
            key=f"education:{credential}",
            section=PlanSection.EDUCATION,
            title=f"Consider {name}",
            notes=f"{name} builds competencies among your largest gaps, and you do not hold it.",
        )
        catalogue.take(goal, keep, count=1)
        goals.append(goal)
    return goals


def mentor_goals(needs: Needs, catalogue: Catalogue, gaps: list[CompetencyGap]) -> list:
    picks = mentor_picks(needs.owner, needs.pathway)
    current = [p for p in picks if p.is_current]
    if current:
        goal = GoalSuggestion(
            key="mentors",
            section=PlanSection.MENTORS,
            title="Work through this plan with your mentor",
            notes="A mentor who reviews the plan and meets you regularly keeps it honest.",
        )
        goal.actions += [
            ActionSuggestion(
                f"mentor:{p.user_id}",
                "Review this plan with your mentor",
                MENTOR_HOURS,
                notes=p.reason,
                mentor_id=p.user_id,
            )
            for p in current
        ]
    else:
        goal = GoalSuggestion(
            key="mentors",
            section=PlanSection.MENTORS,
            title="Find a mentor who knows the role",
            notes="A mentor who holds or works beside the role you aim for shortens the "
            "path; those suggested teach your largest gaps.",
        )
        goal.actions += [
            ActionSuggestion(
                f"mentor:{p.user_id}",
                f"Ask a mentor who knows {p.topic} to mentor you"[:200],
                MENTOR_HOURS,
                notes=p.reason,
                mentor_id=p.user_id,
            )
            for p in picks[:2]
        ]
    catalogue.take(goal, module_of(ModuleKind.MENTORING), count=1)
    return [goal] if goal.actions else []


def mentor_picks(owner: User, pathway: Pathway) -> list[MentorPick]:
    """The mentors to suggest, from the app that matches them (settings.PLAN_MENTOR_PICKS
    names the function: the plan sits below the mentors app and does not import it)."""
    path = getattr(settings, "PLAN_MENTOR_PICKS", "")
    return list(import_string(path)(owner=owner, pathway=pathway)) if path else []


def network_goals(needs: Needs, catalogue: Catalogue, gaps: list[CompetencyGap]) -> list:
    early = needs.stage in EARLY_STAGES
    goal = GoalSuggestion(
        key="networks",
        section=PlanSection.NETWORKS,
        title="Join a community of physician leaders"
        if early
        else f"Build your network in {needs.pathway.setting}",
        notes="Leadership interest groups and societies let you meet the people who hire "
        "and mentor physician executives long before you need them."
        if early
        else "Executive roles are often filled through people who already know your work: "
        "societies, the local innovation community and conversations with people in the role.",
    )
    catalogue.take(goal, module_of(ModuleKind.NETWORKING), count=2)
    catalogue.take(
        goal,
        opportunity_of(OpportunityKind.COMMUNITY, OpportunityKind.CME_EVENT),
        count=1,
        verb="Join",
    )
    return [goal] if goal.actions else []


def experiential_goals(needs: Needs, catalogue: Catalogue, gaps: list[CompetencyGap]) -> list:
    roles = needs.assessment.leadership_roles.strip() if needs.assessment else ""
    top = gaps[0].name if gaps else "your largest gap"
    goal = GoalSuggestion(
        key="experiential",
        section=PlanSection.EXPERIENTIAL,
        title=f"Lead real work that shows {top}",
        notes=(
            "You listed leadership roles already; a project, committee or side role in "
            "your largest gap turns them into evidence for the next step."
            if roles
            else "You listed no leadership role yet. Committees, projects and side roles "
            "are where physicians first show they can lead."
        ),
    )
    catalogue.take(goal, module_of(ModuleKind.EXPERIENTIAL), count=2)
    catalogue.take(
        goal,
        opportunity_of(
            OpportunityKind.INTERNSHIP, OpportunityKind.FELLOWSHIP, OpportunityKind.SCHOLARSHIP
        ),
        count=1,
    )
    return [goal] if goal.actions else []


def exchange_goals(needs: Needs, catalogue: Catalogue, gaps: list[CompetencyGap]) -> list:
    if needs.horizon == TimeHorizon.ONE_YEAR:
        return []  # with a year to go, the search comes first
    goal = GoalSuggestion(
        key="exchange",
        section=PlanSection.EXCHANGE,
        title="Learn how health systems abroad solve your problems",
        notes="Seeing another country's system at work, and presenting your own, widens "
        "what you can propose as an executive.",
    )
    catalogue.take(goal, module_of(ModuleKind.EXCHANGE), count=1)
    return [goal] if goal.actions else []


def job_search_goals(needs: Needs, catalogue: Catalogue, gaps: list[CompetencyGap]) -> list:
    near = needs.horizon in (TimeHorizon.ONE_YEAR, TimeHorizon.THREE_YEARS)
    if not near or needs.stage in EARLY_STAGES or needs.role_starts_on:
        return []
    goal = GoalSuggestion(
        key="job_search",
        section=PlanSection.JOB_SEARCH,
        title=f"Prepare your search for a {needs.pathway.role_kind.name.lower()} role",
        notes=f"You aim to get there {needs.assessment.get_time_horizon_display().lower() if needs.assessment else 'soon'}: "
        "search firms, a clear personal brand and the right openings take months.",
    )
    catalogue.take(goal, module_of(ModuleKind.JOB_SEARCH), count=2)
    catalogue.take(goal, opportunity_of(OpportunityKind.EXECUTIVE_SEARCH), count=1, verb="Contact")
    if needs.horizon == TimeHorizon.ONE_YEAR:
        pathway_id = needs.pathway.pk
        catalogue.take(
            goal,
            lambda o: (
                opportunity_of(OpportunityKind.JOB)(o)
                and any(p.pk == pathway_id for p in o.pathways.all())
            ),
            count=2,
        )
    return [goal] if goal.actions else []


def first_90_days_goals(needs: Needs, catalogue: Catalogue, gaps: list[CompetencyGap]) -> list:
    if needs.role_starts_on is None:
        return []
    goal = GoalSuggestion(
        key="first_90_days",
        section=PlanSection.FIRST_90_DAYS,
        title="Plan your first 90 days in the role",
        notes=f"Your role starts on {needs.role_starts_on:%-d %B %Y}: an entry plan agreed "
        "with your chief executive sets what the first months are judged on.",
    )
    catalogue.take(goal, module_of(ModuleKind.FIRST_90_DAYS), count=2)
    weeks = plan_rules.week_of(needs.start, needs.role_starts_on)
    for action in goal.actions:
        action.not_before = max(0, weeks - ENTRY_PREPARATION_WEEKS)
    return [goal] if goal.actions else []


SECTIONS = (
    learning_goals,
    education_goals,
    mentor_goals,
    network_goals,
    experiential_goals,
    exchange_goals,
    job_search_goals,
    first_90_days_goals,
)


def plan_suggestions(needs: Needs) -> list[GoalSuggestion]:
    """Every section's goals, each with its actions (a module or opportunity once, in
    the first goal that takes it)."""
    gaps = needs.results.top_gaps[:GOALS_FROM_GAPS]
    if not needs.results.has_ratings:
        return []
    catalogue = Catalogue(needs, needs.seeker(needs.results.gaps))
    return [goal for section in SECTIONS for goal in section(needs, catalogue, gaps)]
