"""The gap analysis: a physician's levels against their target pathways, readiness,
fits, history and the change since the previous self-rating. A fixed number of queries,
whatever the number of competencies or rating sets."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Least

from cmo_portal import clock
from cmo_portal.accounts.access import user_can_view_data_of
from cmo_portal.accounts.models import DataKind, User
from pathways.models.curriculum import (
    Competency,
    Pathway,
    PathwayCompetency,
    ProficiencyLevel,
)
from pathways.models.opportunities import LearningModule, Opportunity
from pathways.selectors.curriculum import curriculum_version

from .. import scoring
from ..models import (
    NeedsAssessment,
    RaterRole,
    Rating,
    RatingSet,
    StoredResults,
    TargetPathway,
)


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
    opportunities suggested, the change since the previous set, or the scale.

    It reads the physician's stored results (StoredResults): what was computed from their
    latest finished assessment, their submitted rating sets and the curriculum as it was.
    When any of the three differs, or nothing is stored, the results are computed again
    (_snapshot_compute) and stored; so a stored row is only ever slower, never wrong."""
    stored = (
        StoredResults.objects.filter(subject=subject)
        .select_related("assessment")
        .annotate(
            latest_assessment=Subquery(_latest_assessment(OuterRef("subject")).values("pk")[:1]),
            **_sets_signature_parts(OuterRef("subject")),
        )
        .first()
    )
    if stored is not None and _is_current(stored):
        pathways = {p.pk: p for p in Pathway.objects.all()}
        # (A pathway deleted without a new curriculum version: computed again.)
        if _pathways_of(stored.data) <= pathways.keys():
            return _results_of(
                subject, stored.assessment, pathways, stored.data, pathway_slug, full=full
            )
    assessment = _latest_assessment(subject.pk).first()
    snapshot, pathways = _snapshot_store(subject, assessment, stored=stored is not None)
    return _results_of(subject, assessment, pathways, snapshot, pathway_slug, full=full)


def results_store(*, subject: User) -> None:
    """Compute `subject`'s results and store them, so their next page reads them (after
    a rating set is submitted)."""
    stored = StoredResults.objects.filter(subject=subject).exists()
    _snapshot_store(subject, _latest_assessment(subject.pk).first(), stored=stored)


def _latest_assessment(subject) -> QuerySet[NeedsAssessment]:
    return NeedsAssessment.objects.filter(user=subject, completed_at__isnull=False).order_by(
        "-started_at"
    )


def _sets_signature_parts(subject) -> dict[str, Subquery]:
    submitted = RatingSet.objects.submitted().filter(subject=subject).order_by().values("subject")
    return {
        "sets_count": Subquery(submitted.annotate(n=Count("pk")).values("n")),
        "sets_latest": Subquery(submitted.annotate(n=Max("pk")).values("n")),
    }


def _sets_signature(count: int | None, latest: int | None) -> str:
    return f"{count or 0}:{latest or 0}"


def _is_current(stored: StoredResults) -> bool:
    return (
        stored.assessment_id == stored.latest_assessment  # type: ignore[attr-defined]
        and stored.rating_sets == _sets_signature(stored.sets_count, stored.sets_latest)  # type: ignore[attr-defined]
        and stored.curriculum_version == curriculum_version()
    )


def _snapshot_store(
    subject: User, assessment: NeedsAssessment | None, *, stored: bool
) -> tuple[dict, dict[int, Pathway]]:
    """Compute the snapshot and store it under what it was computed from (`stored`: a
    row, stale, is there to update). The version is read before the curriculum, so a
    change made meanwhile leaves the row stale, not wrong."""
    version = curriculum_version()
    snapshot, pathways, signature = _snapshot_compute(subject, assessment)
    row = {
        "assessment": assessment,
        "rating_sets": signature,
        "curriculum_version": version,
        "data": snapshot,
        "computed_at": clock.now(),
    }
    try:
        with transaction.atomic():
            if not stored or not StoredResults.objects.filter(subject=subject).update(**row):
                StoredResults.objects.create(subject=subject, **row)
    except IntegrityError:
        pass  # stored meanwhile by another request, or the physician went: still right
    return snapshot, pathways


def _pathways_of(snapshot: dict) -> set[int]:
    return {pk for pk, _ in snapshot["ranks"]} | {fit[0] for fit in snapshot["fits"]}


def _snapshot_compute(
    subject: User, assessment: NeedsAssessment | None
) -> tuple[dict, dict[int, Pathway], str]:
    """What the results are made of, as JSON: the target pathways' ranks and their rows of
    the curriculum matrix, the ratings of the latest two self-rating sets and the latest
    mentor's set, the fits and the readiness over time (summed by the database), the
    competencies' slugs and the scale. With every pathway, and the signature of the
    rating sets it was computed from."""
    rank = TargetPathway.objects.filter(
        assessment_id=assessment.pk if assessment else None, pathway=OuterRef("pk")
    ).values("rank")[:1]
    ranks: dict[int, int] = {}
    pathways: dict[int, Pathway] = {}
    for p in Pathway.objects.annotate(target_rank=Subquery(rank)):
        pathways[p.pk] = p
        if p.target_rank is not None:
            ranks[p.pk] = p.target_rank
    target_ids = sorted(ranks, key=lambda pk: ranks[pk])

    sets = list(
        RatingSet.objects.submitted()
        .filter(subject=subject)
        .annotate(**_readiness_sums(target_ids))
        .order_by("submitted_at")
    )
    self_sets = [s for s in sets if s.rater_role == RaterRole.SELF]
    mentor_sets = [s for s in sets if s.rater_role == RaterRole.MENTOR]
    chosen = {"previous": self_sets[-2:-1], "latest": self_sets[-1:], "mentor": mentor_sets[-1:]}
    levels: dict[int, dict[int, int]] = defaultdict(dict)
    if sets:
        for set_id, competency_id, level in (
            Rating.objects.filter(rating_set__in=[s.pk for s in self_sets[-2:] + mentor_sets[-1:]])
            .order_by()
            .values_list("rating_set_id", "competency_id", "level")
        ):
            levels[set_id][competency_id] = level
    current = levels[self_sets[-1].pk] if self_sets else {}

    targets_by_pathway: dict[int, list[_Target]] = defaultdict(list)
    slugs: dict[int, str] = {}
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
        slugs[target.competency_id] = target.slug

    fits = []
    if current:
        # The pathways that fit best now: among those worth working towards at the
        # physician's stage (no medical-student track for a practising physician).
        stage = assessment.career_stage if assessment else ""
        for pid, ts in targets_by_pathway.items():
            if pathways[pid].suits_stage(stage):
                gaps = _gaps_for(ts, current, {})
                fits.append([pid, scoring.readiness(gaps), scoring.coverage(gaps)])
    snapshot = {
        "ranks": [[pk, ranks[pk]] for pk in target_ids],
        "scale": [list(row) for row in ProficiencyLevel.objects.values_list("number", "name")],
        "sets": {
            name: [[s.pk, s.rater_id, s.submitted_at.isoformat()] for s in chosen_sets]
            for name, chosen_sets in chosen.items()
        },
        "levels": {
            name: [[c, level] for s in chosen_sets for c, level in levels[s.pk].items()]
            for name, chosen_sets in chosen.items()
        },
        "targets": [list(t) for pk in target_ids for t in targets_by_pathway[pk]],
        "slugs": [[c, slug] for c, slug in slugs.items()],
        "fits": fits,
        "history": [
            [
                s.submitted_at.isoformat(),
                [
                    [
                        pk,
                        scoring.readiness_of_sums(
                            getattr(s, f"reached_{pk}") or 0, getattr(s, f"needed_{pk}") or 0
                        ),
                    ]
                    for pk in target_ids
                ],
            ]
            for s in self_sets
        ],
    }
    return snapshot, pathways, _sets_signature(len(sets), max((s.pk for s in sets), default=0))


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
    targets = [_Target(*row) for row in snapshot["targets"] if row[0] == pathway.pk]
    results.gaps = _gaps_for(targets, current, mentor)
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
