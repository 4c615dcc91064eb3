"""The journeys of the demo physicians (personas.py), made through the same services a
physician and a mentor use on the site: the needs assessment, a first self-rating some
weeks ago, the plan generated from its gaps, part of the plan done, an active mentorship
with feedback, and a second self-rating today that shows the progress.

Only the dates the services set from the clock are moved back afterwards (the assessment
and the first rating), and the mentorship is asked and accepted at a past moment through
the services' own `now`. A persona whose assessment is finished already has a journey: it
is left exactly as it is, so loading twice creates and changes nothing."""

import datetime

from django.db import transaction
from django.db.models import Max

from assessments.models import NeedsAssessment, RatingSet
from assessments.scoring import CompetencyGap
from assessments.selectors import competencies_to_rate, results_for
from assessments.services import (
    assessment_complete,
    assessment_save_step,
    assessment_start_or_resume,
    rating_draft_get_or_create,
    rating_draft_save,
    rating_set_submit,
)
from cmo_portal import clock
from cmo_portal.accounts.models import User
from mentors.models.feedback import ReviewOutcome
from mentors.models.profiles import MentorProfile
from mentors.services.feedback import plan_comment_add, plan_review_submit
from mentors.services.mentorships import mentorship_accept, mentorship_request_create
from pathways.models.curriculum import Pathway, ProficiencyLevel, Setting
from pathways.models.opportunities import LearningModule
from pathways.models.plan import CareerPlan, ItemStatus, PlanAction, PlanSection, PlanStatus
from pathways.services.lessons import lesson_check_submit, lesson_section_read
from pathways.services.plan import plan_generate, plan_set_status
from pathways.services.plan_items import action_update

from .personas import PERSONAS, Persona

EVIDENCE = (
    "Finished it; my notes and the two things I will try next are in my learning log.",
    "Done, and talked it through with my mentor at our last call.",
    "Completed; I used it straight away in this month's committee work.",
    "Finished; I shared a one-page summary with my team.",
)


def persona_pathways(persona: Persona) -> list[Pathway]:
    """The persona's target pathways, best first: of those that suit their career stage,
    for a resident the one made for the earliest stages (a track for students and
    residents, when the curriculum has one), else the first of their listed slugs; then
    the next listed slug that suits them. Any pathway at all when none suits the stage."""
    stage = persona.account.profile["career_stage"]
    pool = list(Pathway.objects.for_stage(stage)) or list(Pathway.objects.all())
    preference = {slug: rank for rank, slug in enumerate(persona.pathways)}

    def listed(pathway: Pathway) -> tuple[int, str]:
        return preference.get(pathway.slug, len(preference)), pathway.title

    def early_first(pathway: Pathway) -> tuple:
        return pathway.latest_stage_rank, pathway.earliest_stage_rank, *listed(pathway)

    ranked = sorted(pool, key=early_first if persona.early_track else listed)
    if not ranked:
        return []
    best = ranked[0]
    second = next((p for p in sorted(pool, key=listed) if p != best), None)
    if second is not None and second.slug in preference:
        return [best, second]
    return [best]


def _assessment(user: User, persona: Persona, targets: list[Pathway], at: datetime.datetime):
    answers = {**persona.answers, "career_stage": persona.account.profile["career_stage"]}
    assessment = assessment_start_or_resume(user=user)
    settings = list(Setting.objects.filter(slug__in=persona.settings))
    for step in (1, 2, 3):
        data = {**answers, "target_pathways": targets, "settings_of_interest": settings}
        assessment_save_step(assessment=assessment, step=step, data=data)
    assessment_complete(assessment=assessment)
    NeedsAssessment.objects.filter(pk=assessment.pk).update(
        started_at=at - datetime.timedelta(minutes=25), completed_at=at, updated_at=at
    )


def _self_rating(
    user: User, levels: dict[int, tuple[int | None, str]], at: datetime.datetime | None = None
) -> RatingSet:
    draft = rating_draft_get_or_create(subject=user, rater=user, role="self")
    rating_draft_save(rating_set=draft, ratings=levels)
    rating_set = rating_set_submit(rating_set=draft)
    if at is not None:
        RatingSet.objects.filter(pk=rating_set.pk).update(
            created_at=at, updated_at=at, submitted_at=at
        )
    return rating_set


def _top_level() -> int:
    return ProficiencyLevel.objects.aggregate(top=Max("number"))["top"] or 1


def _first_levels(user: User, persona: Persona) -> dict[int, tuple[int | None, str]]:
    """The competencies the rubric asks of the persona's target pathways, each at the
    persona's level for it."""
    competencies, _ = competencies_to_rate(user, everything=False)
    top = _top_level()
    return {
        c.pk: (max(1, min(top, persona.strengths.get(c.slug, persona.base_level))), "")
        for c in competencies
    }


# Work a physician leaves for later: the job search and the first days in the role.
LATER_SECTIONS = frozenset({PlanSection.JOB_SEARCH, PlanSection.FIRST_90_DAYS})


def _worth_doing_now(action: PlanAction, stage: str) -> tuple:
    """Sort key: what suits the physician's stage, then what is not for later, then
    learning (a module) before applications and the like, then the earliest due."""
    source = action.module or action.opportunity
    suits = source is None or source.suits_stage(stage)
    return (
        not suits,
        action.goal.section in LATER_SECTIONS,
        action.module_id is None,
        action.due_date or datetime.date.max,
        action.goal.order,
        action.order,
        action.pk,
    )


def _plan_progress(plan: CareerPlan, owner: User, persona: Persona) -> list[PlanAction]:
    """Mark the persona's first few actions done and the next one in progress, whatever
    actions the generator made; returns them, the one in progress last. Actions about
    meeting a particular mentor are left to the mentorship (see _mentoring)."""
    candidates = (
        PlanAction.objects.filter(goal__plan=plan, removed_at__isnull=True, mentor__isnull=True)
        .filter(goal__removed_at__isnull=True)
        .select_related("goal", "module", "opportunity")
        .order_by("goal__section", "goal__order", "goal_id", "order", "pk")
    )
    stage = persona.account.profile["career_stage"]
    done = persona.done_actions
    actions = sorted(candidates, key=lambda a: _worth_doing_now(a, stage))[: done + 1]
    for index, action in enumerate(actions):
        finished = index < done
        status = ItemStatus.DONE if finished else ItemStatus.IN_PROGRESS
        if action.module is not None and action.module.is_lesson:
            # A lesson is taken here: the persona reads it (to the end, when finished),
            # and finishing it marks the action done, as it does for a physician.
            _lesson_taken(owner, action.module, finished=finished)
            action.refresh_from_db()
            if action.status == ItemStatus.DONE:
                continue
        data: dict[str, str] = {"status": status}
        if finished:
            data["evidence"] = EVIDENCE[index % len(EVIDENCE)]
        action_update(action=action, actor=owner, data=data, version=action.version)
        action.status = status
    return actions


def _lesson_taken(owner: User, module: LearningModule, *, finished: bool) -> None:
    """The persona reads the lesson's first section, or every section and passes the
    self-check with every answer right."""
    sections = module.lesson_sections.count()
    questions = list(module.check_questions.all())
    if not sections or not questions:
        return
    for number in range(1, (sections if finished else 1) + 1):
        lesson_section_read(user=owner, module=module, number=number, count=sections)
    if finished:
        lesson_check_submit(
            user=owner,
            module=module,
            choices={q.pk: q.answer for q in questions},
            sections=sections,
        )


def _mentor_actions_done(plan: CareerPlan, owner: User, mentor: User) -> None:
    """The plan's actions about the mentor the persona now has are done."""
    name = mentor.get_full_name()
    for action in PlanAction.objects.filter(
        goal__plan=plan, removed_at__isnull=True, mentor=mentor
    ).order_by("goal__section", "goal__order", "goal_id", "order", "pk"):
        data = {"status": ItemStatus.DONE, "evidence": f"{name} is my mentor now."}
        action_update(action=action, actor=owner, data=data, version=action.version)


def _second_levels(
    persona: Persona, gaps: list[CompetencyGap], worked_on: list[PlanAction]
) -> dict[int, tuple[int | None, str]]:
    """The second self-rating's changes: the competencies the finished actions built
    first, then the other open gaps; with `closes_gap`, one gap a level from its target
    reaches it."""
    open_gaps = {g.competency_id: g for g in gaps if g.gap}
    evidence: dict[int, str] = {}
    for action in worked_on:
        competency_id = action.goal.competency_id
        if competency_id in open_gaps and action.status == ItemStatus.DONE:
            evidence.setdefault(competency_id, f"Since my last rating: {action.title}.")
    by_size = sorted(open_gaps.values(), key=lambda g: (-(g.weighted_gap or 0), g.name))
    order = [*evidence, *(g.competency_id for g in by_size if g.competency_id not in evidence)]
    chosen = order[: persona.improves]
    changes: dict[int, tuple[int | None, str]] = {}
    if persona.closes_gap:
        closing = next((c for c in order if open_gaps[c].gap == 1), None)
        if closing is not None:
            chosen = [closing, *(c for c in chosen if c != closing)][: persona.improves]
            changes[closing] = (open_gaps[closing].target, evidence.get(closing, ""))
    top = _top_level()
    for competency_id in chosen:
        current = open_gaps[competency_id].current or 1
        said = evidence.get(competency_id, "Practised it at work since my last rating.")
        changes.setdefault(competency_id, (min(top, current + 1), said))
    return changes


def _mentoring(
    persona: Persona,
    owner: User,
    plan: CareerPlan,
    in_progress: PlanAction | None,
    since: datetime.datetime,
) -> None:
    profile = MentorProfile.objects.select_related("user").filter(user__email=persona.mentor_email)
    mentor = profile.first()
    if mentor is None:
        return
    goals = list(plan.goals.filter(removed_at__isnull=True, competency__isnull=False)[:2])
    mentorship = mentorship_request_create(
        mentee=owner, mentor=mentor, message=persona.request_message, goals=goals, now=since
    )
    mentorship_accept(
        mentorship=mentorship, user=mentor.user, now=since + datetime.timedelta(hours=20)
    )
    _mentor_actions_done(plan, owner, mentor.user)
    plan_comment_add(plan=plan, author=mentor.user, body=persona.mentor_comment, action=in_progress)
    plan_comment_add(plan=plan, author=owner, body=persona.reply, action=in_progress)
    if persona.review:
        plan_set_status(plan=plan, actor=owner, status=PlanStatus.WAITING_FOR_REVIEW)
        plan_review_submit(
            plan=plan, user=mentor.user, outcome=ReviewOutcome.APPROVED, summary=persona.review
        )
    else:
        plan_set_status(plan=plan, actor=owner, status=PlanStatus.ACTIVE)


@transaction.atomic
def persona_journey_load(persona: Persona) -> str:
    """Give the persona (whose account exists) their journey; returns what happened:
    "created", "kept" (it was there already) or "waiting for the curriculum"."""
    user = User.objects.get(email=persona.account.email)
    if user.needs_assessments.filter(completed_at__isnull=False).exists():
        return "kept"
    targets = persona_pathways(persona)
    if not targets:
        return "waiting for the curriculum"
    now = clock.now()
    first = now - datetime.timedelta(weeks=persona.weeks_between_ratings)
    _assessment(user, persona, targets, at=first - datetime.timedelta(hours=1))
    _self_rating(user, _first_levels(user, persona), at=first)
    plan = plan_generate(owner=user, pathway=targets[0], actor=user)
    worked_on = _plan_progress(plan, user, persona)
    gaps = results_for(subject=user, pathway_slug=targets[0].slug).gaps
    _self_rating(user, _second_levels(persona, gaps, worked_on))
    in_progress = next((a for a in worked_on if a.status == ItemStatus.IN_PROGRESS), None)
    _mentoring(persona, user, plan, in_progress, since=first + datetime.timedelta(weeks=2))
    return "created"


def persona_journeys_load() -> dict[str, str]:
    """Every persona's journey: email -> what happened (see persona_journey_load)."""
    return {p.account.email: persona_journey_load(p) for p in PERSONAS}
