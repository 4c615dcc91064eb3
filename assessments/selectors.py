"""Reads for assessments and the gap analysis, with access checks. Every function here
runs a fixed number of queries, whatever the number of competencies or rating sets."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404

from cmo_portal.accounts.access import user_can_view_data_of
from cmo_portal.accounts.models import DataKind, User
from pathways.models.curriculum import Competency, Pathway, PathwayCompetency, ProficiencyLevel
from pathways.models.opportunities import LearningModule, Opportunity

from . import scoring
from .models import NeedsAssessment, RaterRole, Rating, RatingSet


def assessment_get_for_viewer(*, viewer: User, pk: int) -> NeedsAssessment:
    """404 unless the viewer may see the assessment's owner's data."""
    assessment = NeedsAssessment.objects.select_related("user").filter(pk=pk).first()
    if assessment is None or not user_can_view_data_of(
        viewer, assessment.user, what=DataKind.ASSESSMENT
    ):
        raise Http404("No such assessment.")
    return assessment


def assessment_get_for_owner(*, user: User, pk: int) -> NeedsAssessment:
    """Only the physician fills in their own assessment: 404 for everyone else."""
    assessment = NeedsAssessment.objects.filter(pk=pk, user=user).first()
    if assessment is None:
        raise Http404("No such assessment.")
    return assessment


def rating_set_get_for_viewer(*, viewer: User, pk: int) -> RatingSet:
    rating_set = (
        RatingSet.objects.submitted()
        .select_related("subject__profile", "rater__profile")
        .filter(pk=pk)
        .first()
    )
    if rating_set is None or not user_can_view_data_of(
        viewer, rating_set.subject, what=DataKind.RATINGS
    ):
        raise Http404("No such rating set.")
    return rating_set


def results_subject_get_for_viewer(*, viewer: User, user_id: int) -> User:
    """The user whose results `viewer` asks for, or 404 unless the access rule lets them
    see those results."""
    subject = User.objects.select_related("profile").filter(pk=user_id).first()
    if subject is None or not user_can_view_data_of(viewer, subject, what=DataKind.RESULTS):
        raise Http404("No such results.")
    return subject


def latest_completed_assessment(user: User) -> NeedsAssessment | None:
    return (
        user.needs_assessments.filter(completed_at__isnull=False)
        .prefetch_related("targets__pathway")
        .first()
    )


def competencies_to_rate(user: User, *, everything: bool) -> tuple[list[Competency], bool]:
    """The competencies that matter to the physician's target pathways (important or
    essential in at least one), or all of them, with their rubric levels; and whether
    that is all of them (always so for a physician who has no target pathway yet)."""
    competencies = Competency.objects.select_related("domain").prefetch_related("levels")
    if not everything:
        assessment = latest_completed_assessment(user) or user.needs_assessments.first()
        if assessment is not None and assessment.targets.exists():
            competencies = competencies.filter(
                targets__pathway__in=assessment.targets.values("pathway"),
                targets__weight__gte=2,
            ).distinct()
        else:
            everything = True
    return list(competencies.order_by("domain__order", "order", "name")), everything


@dataclass(frozen=True)
class CompetencyChanges:
    """Per competency of one pathway, the change from the previous self-rating set (the
    one submitted before the latest) to the latest (scoring.CompetencyChange). Mentors'
    sets play no part. `rows` has every competency of the pathway, in the pathway's
    order; `previous` is None until there are two self-rating sets."""

    pathway: Pathway
    latest: RatingSet | None
    previous: RatingSet | None
    rows: list[scoring.CompetencyChange]
    top_level: int  # the top of the rubric scale, for the chart

    @property
    def comparable(self) -> bool:
        return self.previous is not None and self.latest is not None

    @property
    def compared(self) -> list[scoring.CompetencyChange]:
        """The competencies rated in at least one of the two sets."""
        return [row for row in self.rows if row.kind != scoring.ChangeKind.UNRATED]

    @property
    def closed(self) -> list[scoring.CompetencyChange]:
        return [row for row in self.rows if row.closed_gap]


@dataclass
class PathwayFit:
    pathway: Pathway
    readiness: float | None
    coverage: float


@dataclass
class Results:
    subject: User
    assessment: NeedsAssessment | None
    target_pathways: list[Pathway]
    pathway: Pathway | None
    gaps: list[scoring.CompetencyGap] = field(default_factory=list)
    competencies: dict[int, Competency] = field(default_factory=dict)
    readiness: float | None = None
    coverage: float = 0.0
    top_gaps: list[scoring.CompetencyGap] = field(default_factory=list)
    unrated: list[scoring.CompetencyGap] = field(default_factory=list)
    disagreements: list[scoring.CompetencyGap] = field(default_factory=list)
    fits: list[PathwayFit] = field(default_factory=list)
    history: list[tuple[datetime, dict[int, float | None]]] = field(default_factory=list)
    modules: list[LearningModule] = field(default_factory=list)
    opportunities: list[Opportunity] = field(default_factory=list)
    self_set: RatingSet | None = None
    mentor_set: RatingSet | None = None
    scale: dict[int, str] = field(default_factory=dict)
    changes: CompetencyChanges | None = None  # for `pathway`

    @property
    def has_ratings(self) -> bool:
        return self.self_set is not None


def _gaps_for(
    targets: list[PathwayCompetency], current: dict[int, int], mentor: dict[int, int]
) -> list[scoring.CompetencyGap]:
    return [
        scoring.CompetencyGap(
            competency_id=t.competency_id,
            name=t.competency.name,
            target=t.target_level,
            weight=t.weight,
            current=current.get(t.competency_id),
            mentor=mentor.get(t.competency_id),
        )
        for t in targets
    ]


def results_for(*, subject: User, pathway_slug: str | None = None) -> Results:
    """The gap analysis of `subject` against their target pathways."""
    assessment = latest_completed_assessment(subject)
    targets_ranked = assessment.ranked_pathways() if assessment else []
    pathway = next((p for p in targets_ranked if p.slug == pathway_slug), None)
    pathway = pathway or (targets_ranked[0] if targets_ranked else None)
    results = Results(
        subject=subject,
        assessment=assessment,
        target_pathways=targets_ranked,
        pathway=pathway,
        scale=dict(ProficiencyLevel.objects.values_list("number", "name")),
    )

    sets = list(RatingSet.objects.submitted().filter(subject=subject).order_by("submitted_at"))
    ratings_by_set: dict[int, dict[int, int]] = defaultdict(dict)
    for set_id, competency_id, level in Rating.objects.filter(
        rating_set__in=[s.pk for s in sets]
    ).values_list("rating_set_id", "competency_id", "level"):
        ratings_by_set[set_id][competency_id] = level
    self_sets = [s for s in sets if s.rater_role == RaterRole.SELF]
    mentor_sets = [s for s in sets if s.rater_role == RaterRole.MENTOR]
    results.self_set = self_sets[-1] if self_sets else None
    results.mentor_set = mentor_sets[-1] if mentor_sets else None
    current = ratings_by_set[results.self_set.pk] if results.self_set else {}
    mentor = ratings_by_set[results.mentor_set.pk] if results.mentor_set else {}

    targets_by_pathway: dict[int, list[PathwayCompetency]] = defaultdict(list)
    pathways: dict[int, Pathway] = {}
    for target in PathwayCompetency.objects.select_related(
        "pathway", "competency__domain"
    ).order_by("competency__domain__order", "competency__order"):
        targets_by_pathway[target.pathway_id].append(target)
        pathways[target.pathway_id] = target.pathway
        results.competencies[target.competency_id] = target.competency

    if current:
        # The pathways that fit best now: among those worth working towards at the
        # physician's stage (no medical-student track for a practising physician).
        stage = assessment.career_stage if assessment else ""
        results.fits = sorted(
            (
                PathwayFit(p, scoring.readiness(g), scoring.coverage(g))
                for p, g in (
                    (pathways[pid], _gaps_for(ts, current, {}))
                    for pid, ts in targets_by_pathway.items()
                    if pathways[pid].suits_stage(stage)
                )
            ),
            key=lambda fit: (-(fit.readiness or 0), -fit.coverage, fit.pathway.title),
        )
    for rating_set in self_sets:
        levels = ratings_by_set[rating_set.pk]
        results.history.append(
            (
                rating_set.submitted_at,
                {
                    p.pk: scoring.readiness(_gaps_for(targets_by_pathway[p.pk], levels, {}))
                    for p in targets_ranked
                },
            )
        )

    if pathway is None:
        return results
    results.gaps = _gaps_for(targets_by_pathway[pathway.pk], current, mentor)
    results.changes = _changes_between(
        pathway,
        self_sets[-2:],
        ratings_by_set,
        targets_by_pathway[pathway.pk],
        max(results.scale, default=4),
    )
    results.readiness = scoring.readiness(results.gaps)
    results.coverage = scoring.coverage(results.gaps)
    results.top_gaps = scoring.top_gaps(results.gaps)
    results.unrated = [g for g in results.gaps if not g.is_rated]
    results.disagreements = [g for g in results.gaps if g.mentor_disagrees]
    priorities = scoring.gap_priorities(results.top_gaps)
    results.modules = _ranked_by_gaps(
        LearningModule.objects.filter(competencies__in=priorities), priorities, limit=6
    )
    results.opportunities = _ranked_by_gaps(
        Opportunity.objects.open().filter(competencies__in=priorities), priorities, limit=6
    )
    return results


def _ranked_by_gaps(queryset, priorities: dict[int, int], *, limit: int) -> list:
    """What builds the most weighted gap first: each item scores the sum of the
    weighted gaps of the competencies it builds."""
    items = list(queryset.distinct().prefetch_related("competencies"))
    for item in items:
        item.closes = [c for c in item.competencies.all() if c.pk in priorities]
        item.relevance = scoring.relevance((c.pk for c in item.closes), priorities)
    return sorted(items, key=lambda item: (-item.relevance, str(item)))[:limit]


def _changes_between(
    pathway: Pathway,
    sets: list[RatingSet],
    ratings_by_set: dict[int, dict[int, int]],
    targets: Sequence[PathwayCompetency],
    top_level: int,
) -> CompetencyChanges:
    """`sets`: the last two self-rating sets, oldest first (fewer when there are fewer)."""
    latest = sets[-1] if sets else None
    previous = sets[-2] if len(sets) > 1 else None
    return CompetencyChanges(
        pathway=pathway,
        latest=latest,
        previous=previous,
        rows=scoring.competency_changes(
            ((t.competency_id, t.competency.name, t.target_level, t.weight) for t in targets),
            ratings_by_set.get(previous.pk, {}) if previous else {},
            ratings_by_set.get(latest.pk, {}) if latest else {},
        ),
        top_level=top_level,
    )


def competency_changes_for_viewer(
    *, viewer: User, subject: User, pathway: Pathway
) -> CompetencyChanges | None:
    """The change per competency of `pathway` between `subject`'s last two self-rating
    sets, or None unless `viewer` may see `subject`'s results. One query, however many
    sets and competencies: the pathway's targets, each with its level in the two sets,
    the sets' ids and dates and the top of the scale as subqueries."""
    if not user_can_view_data_of(viewer, subject, what=DataKind.RESULTS):
        return None
    self_sets = (
        RatingSet.objects.submitted()
        .filter(subject=subject, rater_role=RaterRole.SELF)
        .order_by("-submitted_at", "-pk")
    )
    latest, previous = self_sets[:1], self_sets[1:2]

    def level_in(rating_set: QuerySet) -> Subquery:
        return Subquery(
            Rating.objects.filter(
                rating_set=Subquery(rating_set.values("pk")), competency=OuterRef("competency_id")
            ).values("level")[:1]
        )

    targets = list(
        PathwayCompetency.objects.filter(pathway=pathway)
        .select_related("competency")
        .annotate(
            latest_pk=Subquery(latest.values("pk")),
            latest_at=Subquery(latest.values("submitted_at")),
            latest_level=level_in(latest),
            previous_pk=Subquery(previous.values("pk")),
            previous_at=Subquery(previous.values("submitted_at")),
            previous_level=level_in(previous),
            top_level=Subquery(ProficiencyLevel.objects.order_by("-number").values("number")[:1]),
        )
        .order_by("competency__domain__order", "competency__order")
    )
    if not targets:
        return _changes_between(pathway, [], {}, [], 4)
    first = targets[0]
    # Each set as far as the page needs it (its link and its date), from the same query.
    sets = [
        RatingSet(pk=pk, subject=subject, rater_role=RaterRole.SELF, submitted_at=when)
        for pk, when in ((first.previous_pk, first.previous_at), (first.latest_pk, first.latest_at))
        if pk is not None
    ]
    ratings_by_set = {
        first.previous_pk: {
            t.competency_id: t.previous_level for t in targets if t.previous_level is not None
        },
        first.latest_pk: {
            t.competency_id: t.latest_level for t in targets if t.latest_level is not None
        },
    }
    return _changes_between(pathway, sets, ratings_by_set, targets, first.top_level or 4)
