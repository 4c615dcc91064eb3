"""The gap analysis: a physician's levels against their target pathways, readiness,
fits, history and the change since the previous self-rating. A fixed number of queries,
whatever the number of competencies or rating sets."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from django.db.models import F, OuterRef, QuerySet, Subquery, Sum
from django.db.models.functions import Least

from cmo_portal.accounts.access import user_can_view_data_of
from cmo_portal.accounts.models import DataKind, User
from pathways.models.curriculum import Pathway, PathwayCompetency, ProficiencyLevel
from pathways.models.opportunities import LearningModule, Opportunity

from .. import scoring
from ..models import NeedsAssessment, RaterRole, Rating, RatingSet, TargetPathway


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
    # id -> slug of every competency of the curriculum, for links (competency_links.py).
    competency_slugs: dict[int, str] = field(default_factory=dict)
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


class _Target(NamedTuple):
    """One cell of the curriculum matrix: what a pathway asks of a competency."""

    pathway_id: int
    competency_id: int
    name: str
    slug: str
    target_level: int
    weight: int


def _gaps_for(
    targets: Sequence[_Target], current: dict[int, int], mentor: dict[int, int]
) -> list[scoring.CompetencyGap]:
    return [
        scoring.CompetencyGap(
            competency_id=t.competency_id,
            name=t.name,
            target=t.target_level,
            weight=t.weight,
            current=current.get(t.competency_id),
            mentor=mentor.get(t.competency_id),
        )
        for t in targets
    ]


def _readiness_sums(pathway_ids: Sequence[int]) -> dict[str, Subquery]:
    """Per rating set, for each pathway, the weighted levels reached and needed over the
    competencies the set rates (scoring.readiness as sums, so readiness over time costs
    no ratings loaded)."""
    sums: dict[str, Subquery] = {}
    for pathway_id in pathway_ids:
        ratings = (
            Rating.objects.filter(
                rating_set=OuterRef("pk"), competency__targets__pathway_id=pathway_id
            )
            .order_by()
            .values("rating_set")
        )
        weight = F("competency__targets__weight")
        target = F("competency__targets__target_level")
        sums[f"reached_{pathway_id}"] = Subquery(
            ratings.annotate(v=Sum(weight * Least("level", target))).values("v")
        )
        sums[f"needed_{pathway_id}"] = Subquery(
            ratings.annotate(v=Sum(weight * target)).values("v")
        )
    return sums


def results_for(*, subject: User, pathway_slug: str | None = None, full: bool = True) -> Results:
    """The gap analysis of `subject` against their target pathways. With `full` off, what
    a summary shows (the dashboard): readiness, fits and history, without the modules and
    opportunities suggested, the change since the previous set, or the scale. The
    curriculum matrix is read as plain tuples; of the ratings, only those of the latest
    two self-rating sets and the latest mentor's set are loaded, and readiness over time
    is summed by the database."""
    assessment = subject.needs_assessments.filter(completed_at__isnull=False).first()
    # Every pathway (the fits need them all), each with its rank among the targets.
    rank = TargetPathway.objects.filter(
        assessment_id=assessment.pk if assessment else None, pathway=OuterRef("pk")
    ).values("rank")[:1]
    ranks: dict[int, int] = {}
    pathways: dict[int, Pathway] = {}
    for p in Pathway.objects.annotate(target_rank=Subquery(rank)):
        pathways[p.pk] = p
        if p.target_rank is not None:
            ranks[p.pk] = p.target_rank
    targets_ranked = sorted((pathways[pk] for pk in ranks), key=lambda p: ranks[p.pk])
    pathway = next((p for p in targets_ranked if p.slug == pathway_slug), None)
    pathway = pathway or (targets_ranked[0] if targets_ranked else None)
    results = Results(
        subject=subject,
        assessment=assessment,
        target_pathways=targets_ranked,
        pathway=pathway,
        scale=dict(ProficiencyLevel.objects.values_list("number", "name")) if full else {},
    )

    sets = list(
        RatingSet.objects.submitted()
        .filter(subject=subject)
        .annotate(**_readiness_sums([p.pk for p in targets_ranked]))
        .order_by("submitted_at")
    )
    self_sets = [s for s in sets if s.rater_role == RaterRole.SELF]
    mentor_sets = [s for s in sets if s.rater_role == RaterRole.MENTOR]
    results.self_set = self_sets[-1] if self_sets else None
    results.mentor_set = mentor_sets[-1] if mentor_sets else None
    ratings_by_set: dict[int, dict[int, int]] = defaultdict(dict)
    if sets:
        for set_id, competency_id, level in (
            Rating.objects.filter(rating_set__in=[s.pk for s in self_sets[-2:] + mentor_sets[-1:]])
            .order_by()
            .values_list("rating_set_id", "competency_id", "level")
        ):
            ratings_by_set[set_id][competency_id] = level
    current = ratings_by_set[results.self_set.pk] if results.self_set else {}
    mentor = ratings_by_set[results.mentor_set.pk] if results.mentor_set else {}

    targets_by_pathway: dict[int, list[_Target]] = defaultdict(list)
    for row in PathwayCompetency.objects.order_by(
        "competency__domain__order", "competency__order"
    ).values_list(
        "pathway_id",
        "competency_id",
        "competency__name",
        "competency__slug",
        "target_level",
        "weight",
    ):
        target = _Target(*row)
        targets_by_pathway[target.pathway_id].append(target)
        results.competency_slugs[target.competency_id] = target.slug

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
        results.history.append(
            (
                rating_set.submitted_at,
                {
                    p.pk: scoring.readiness_of_sums(
                        getattr(rating_set, f"reached_{p.pk}") or 0,
                        getattr(rating_set, f"needed_{p.pk}") or 0,
                    )
                    for p in targets_ranked
                },
            )
        )

    if pathway is None:
        return results
    results.gaps = _gaps_for(targets_by_pathway[pathway.pk], current, mentor)
    results.readiness = scoring.readiness(results.gaps)
    results.coverage = scoring.coverage(results.gaps)
    results.top_gaps = scoring.top_gaps(results.gaps)
    results.unrated = [g for g in results.gaps if not g.is_rated]
    results.disagreements = [g for g in results.gaps if g.mentor_disagrees]
    if not full:
        return results
    results.changes = _changes_between(
        pathway,
        self_sets[-2:],
        ratings_by_set,
        targets_by_pathway[pathway.pk],
        max(results.scale, default=4),
    )
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
    targets: Sequence[_Target],
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
            ((t.competency_id, t.name, t.target_level, t.weight) for t in targets),
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
    matrix = [
        _Target(
            t.pathway_id,
            t.competency_id,
            t.competency.name,
            t.competency.slug,
            t.target_level,
            t.weight,
        )
        for t in targets
    ]
    return _changes_between(pathway, sets, ratings_by_set, matrix, first.top_level or 4)
