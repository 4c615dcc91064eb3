"""The physician's stored results: what the gap analysis is made of (the target
pathways' rows of the curriculum matrix, the latest ratings, the fits and the readiness
over time), computed once and kept as JSON in StoredResults under what it was computed
from: the latest finished needs assessment, the submitted rating sets and the
curriculum's version. A read whose inputs differ gets None and the results are computed
again (results.results_for); a stale row is slower, never wrong. A fixed number of
queries, whatever the number of competencies or rating sets."""

from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Least

from cmo_portal import clock
from cmo_portal.accounts.models import User
from pathways.models.curriculum import Pathway, PathwayCompetency, ProficiencyLevel
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


class MatrixRow(NamedTuple):
    """One cell of the curriculum matrix: what a pathway asks of a competency."""

    pathway_id: int
    competency_id: int
    name: str
    slug: str
    target_level: int
    weight: int


def gaps_for(
    targets: Sequence[MatrixRow], current: dict[int, int], mentor: dict[int, int]
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


def snapshot_read(subject: User) -> tuple[NeedsAssessment | None, dict[int, Pathway], dict] | None:
    """The stored snapshot of `subject`, with their latest finished needs assessment and
    every pathway; None unless it was computed from what is there now. Two queries: the
    row, checked against the assessment and the rating sets by subqueries, and the
    pathways."""
    stored = (
        StoredResults.objects.filter(subject=subject)
        .select_related("assessment")
        .annotate(
            latest_assessment=Subquery(latest_assessment(OuterRef("subject")).values("pk")[:1]),
            **_sets_signature_parts(OuterRef("subject")),
        )
        .first()
    )
    if stored is None or not _is_current(stored):
        return None
    pathways = {p.pk: p for p in Pathway.objects.all()}
    if not _pathways_of(stored.data) <= pathways.keys():
        return None  # a pathway deleted without a new curriculum version
    return stored.assessment, pathways, stored.data


def results_store(*, subject: User) -> None:
    """Compute `subject`'s results and store them, so their next page reads them (after
    a rating set is submitted)."""
    snapshot_store(subject, latest_assessment(subject.pk).first())


def latest_assessment(subject) -> QuerySet[NeedsAssessment]:
    return NeedsAssessment.objects.filter(user=subject, completed_at__isnull=False).order_by(
        "-started_at"
    )


def _sets_signature_parts(subject) -> dict[str, Subquery]:
    submitted = RatingSet.objects.submitted().filter(subject=subject).order_by().values("subject")
    return {
        "sets_count": Subquery(submitted.annotate(n=Count("pk")).values("n")),
        "sets_latest": Subquery(submitted.annotate(n=Max("pk")).values("n")),
        "sets_former": Subquery(
            submitted.annotate(n=Count("pk", filter=Q(rater__isnull=True))).values("n")
        ),
    }


def _sets_signature(count: int | None, latest: int | None, former: int | None) -> str:
    """Submitted sets never change, but for their rater's account going (SET_NULL): the
    number of sets, the latest id and the number of sets by a former member."""
    return f"{count or 0}:{latest or 0}:{former or 0}"


def _is_current(stored: StoredResults) -> bool:
    return (
        stored.assessment_id == stored.latest_assessment  # type: ignore[attr-defined]
        and stored.rating_sets
        == _sets_signature(
            stored.sets_count,  # type: ignore[attr-defined]
            stored.sets_latest,  # type: ignore[attr-defined]
            stored.sets_former,  # type: ignore[attr-defined]
        )
        and stored.curriculum_version == curriculum_version()
    )


def snapshot_store(
    subject: User, assessment: NeedsAssessment | None
) -> tuple[dict, dict[int, Pathway]]:
    """Compute the snapshot and store it under what it was computed from; with every
    pathway. The version is read before the curriculum, so a change made meanwhile
    leaves the row stale, not wrong."""
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
            if not StoredResults.objects.filter(subject=subject).update(**row):
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

    targets_by_pathway: dict[int, list[MatrixRow]] = defaultdict(list)
    slugs: dict[int, str] = {}
    # Competencies in the order every page lists them; their id breaks ties, so two
    # readers of the same targets (the results, the plan page's changes) agree.
    for row in PathwayCompetency.objects.order_by(
        "competency__domain__order", "competency__order", "competency_id"
    ).values_list(
        "pathway_id",
        "competency_id",
        "competency__name",
        "competency__slug",
        "target_level",
        "weight",
    ):
        target = MatrixRow(*row)
        targets_by_pathway[target.pathway_id].append(target)
        slugs[target.competency_id] = target.slug

    fits = []
    if current:
        # The pathways that fit best now: among those worth working towards at the
        # physician's stage (no medical-student track for a practising physician).
        stage = assessment.career_stage if assessment else ""
        for pid, ts in targets_by_pathway.items():
            if pathways[pid].suits_stage(stage):
                gaps = gaps_for(ts, current, {})
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
    return (
        snapshot,
        pathways,
        _sets_signature(
            len(sets),
            max((s.pk for s in sets), default=0),
            sum(1 for s in sets if s.rater_id is None),
        ),
    )
