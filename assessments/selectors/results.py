"""The gap analysis: a physician's levels against their target pathways, readiness,
fits, history and the change since the previous self-rating. A fixed number of queries,
whatever the number of competencies or rating sets."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from cmo_portal.accounts.access import user_can_view_data_of
from cmo_portal.accounts.models import DataKind, User
from pathways.models.curriculum import (
    Competency,
    Pathway,
    PathwayCompetency,
    ProficiencyLevel,
)
from pathways.models.opportunities import LearningModule, Opportunity

from .. import scoring
from ..models import (
    NeedsAssessment,
    RaterRole,
    Rating,
    RatingSet,
)
from .stored_results import MatrixRow, gaps_for, latest_assessment, snapshot_read, snapshot_store


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


def results_for(*, subject: User, pathway_slug: str | None = None, full: bool = True) -> Results:
    """The gap analysis of `subject` against their target pathways. With `full` off, what
    a summary shows (the dashboard): readiness, fits and history, without the modules and
    opportunities suggested, the change since the previous set, or the scale.

    It reads the physician's stored results (stored_results.py): what was computed from
    their latest finished assessment, their submitted rating sets and the curriculum as
    it was. When any of the three differs, or nothing is stored, the results are computed
    again and stored; so a stored row is only ever slower, never wrong."""
    stored = snapshot_read(subject)
    if stored is not None:
        assessment, pathways, snapshot = stored
        return _results_of(subject, assessment, pathways, snapshot, pathway_slug, full=full)
    assessment = latest_assessment(subject.pk).first()
    snapshot, pathways = snapshot_store(subject, assessment)
    return _results_of(subject, assessment, pathways, snapshot, pathway_slug, full=full)


def _results_of(
    subject: User,
    assessment: NeedsAssessment | None,
    pathways: dict[int, Pathway],
    snapshot: dict,
    pathway_slug: str | None,
    *,
    full: bool,
) -> Results:
    """The results from a snapshot (_snapshot_compute) and the pathways' rows: the gaps
    of the pathway shown and what follows from them, in Python over its few targets."""
    targets_ranked = [pathways[pk] for pk, _ in snapshot["ranks"]]
    pathway = next((p for p in targets_ranked if p.slug == pathway_slug), None)
    pathway = pathway or (targets_ranked[0] if targets_ranked else None)
    results = Results(
        subject=subject,
        assessment=assessment,
        target_pathways=targets_ranked,
        pathway=pathway,
        scale={number: name for number, name in snapshot["scale"]} if full else {},
        competency_slugs={c: slug for c, slug in snapshot["slugs"]},
    )

    def rating_set(name: str) -> RatingSet | None:
        rows = snapshot["sets"][name]
        if not rows:
            return None
        pk, rater_id, when = rows[0]
        role = RaterRole.MENTOR if name == "mentor" else RaterRole.SELF
        return RatingSet(
            pk=pk,
            subject=subject,
            rater_id=rater_id,
            rater_role=role,
            submitted_at=datetime.fromisoformat(when),
        )

    results.self_set, results.mentor_set = rating_set("latest"), rating_set("mentor")
    levels = {name: dict(map(tuple, rows)) for name, rows in snapshot["levels"].items()}
    current, mentor = levels["latest"], levels["mentor"]
    results.fits = sorted(
        (
            PathwayFit(pathways[pid], readiness, coverage)
            for pid, readiness, coverage in snapshot["fits"]
        ),
        key=lambda fit: (-(fit.readiness or 0), -fit.coverage, fit.pathway.title),
    )
    results.history = [
        (datetime.fromisoformat(when), {pk: value for pk, value in values})
        for when, values in snapshot["history"]
    ]

    if pathway is None:
        return results
    targets = [MatrixRow(*row) for row in snapshot["targets"] if row[0] == pathway.pk]
    results.gaps = gaps_for(targets, current, mentor)
    results.readiness = scoring.readiness(results.gaps)
    results.coverage = scoring.coverage(results.gaps)
    results.top_gaps = scoring.top_gaps(results.gaps)
    results.unrated = [g for g in results.gaps if not g.is_rated]
    results.disagreements = [g for g in results.gaps if g.mentor_disagrees]
    if not full:
        return results
    previous = rating_set("previous")
    ratings_by_set = {
        s.pk: levels[name]
        for s, name in ((previous, "previous"), (results.self_set, "latest"))
        if s is not None
    }
    results.changes = _changes_between(
        pathway,
        [s for s in (previous, results.self_set) if s is not None],
        ratings_by_set,
        targets,
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
    weighted gaps of the competencies it builds. Of each item's competencies, only
    those with a gap are loaded (`closes`)."""
    items = list(
        queryset.distinct().prefetch_related(
            Prefetch(
                "competencies",
                queryset=Competency.objects.filter(pk__in=priorities),
                to_attr="closes",
            )
        )
    )
    for item in items:
        item.relevance = scoring.relevance((c.pk for c in item.closes), priorities)
    return sorted(items, key=lambda item: (-item.relevance, str(item)))[:limit]


def _changes_between(
    pathway: Pathway,
    sets: list[RatingSet],
    ratings_by_set: dict[int, dict[int, int]],
    targets: Sequence[MatrixRow],
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
        # the id breaks ties, as the stored results do
        .order_by("competency__domain__order", "competency__order", "competency_id")
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
        MatrixRow(
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
