"""Reads of the curriculum worth naming. Each returns a queryset or a small structure
whose number of queries does not grow with the amount of curriculum."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet, Sum

from cmo_portal import page_cache
from pathways.models.curriculum import (
    Competency,
    CompetencyDomain,
    Pathway,
    PathwayCompetency,
    ProficiencyLevel,
    RubricLevel,
)
from pathways.models.opportunities import Delivery, LearningModule, Opportunity


def pathway_list(*, q: str = "", setting=None, stage: str = "") -> QuerySet[Pathway]:
    pathways = Pathway.objects.select_related("setting", "role_kind")
    if q:
        pathways = pathways.filter(
            Q(title__icontains=q) | Q(summary__icontains=q) | Q(responsibilities__icontains=q)
        )
    if setting:
        pathways = pathways.filter(setting=setting)
    if stage:
        pathways = pathways.for_stage(stage)
    return pathways


def pathway_with_details(slug: str) -> Pathway:
    return (
        Pathway.objects.select_related("setting", "role_kind")
        .prefetch_related(
            "steps",
            "education",
            Prefetch(
                "targets",
                queryset=PathwayCompetency.objects.select_related("competency__domain").order_by(
                    "competency__domain__order", "competency__order"
                ),
            ),
        )
        .get(slug=slug)
    )


def modules_for_pathway(pathway: Pathway, *, limit: int = 8) -> QuerySet[LearningModule]:
    """The modules that build this pathway's competencies and suit at least one of the
    stages it is for (no 90-day entry plan on a medical student's track), those building
    the most heavily weighted ones first."""
    return (
        LearningModule.objects.filter(
            competencies__targets__pathway=pathway,
            earliest_stage_rank__lte=pathway.latest_stage_rank,
            latest_stage_rank__gte=pathway.earliest_stage_rank,
        )
        .annotate(relevance=Sum("competencies__targets__weight"))
        .order_by("-relevance", "title")
        .prefetch_related("competencies")[:limit]
    )


def open_opportunities_for_pathway(pathway: Pathway, *, limit: int = 6):
    return Opportunity.objects.open().filter(pathways=pathway).soonest_first()[:limit]


@dataclass
class ComparisonRow:
    competency: Competency
    targets: list[PathwayCompetency | None]  # one per compared pathway, in order


def pathway_comparison(pathways: list[Pathway]) -> list[ComparisonRow]:
    """One row per competency any compared pathway targets, with each pathway's target."""
    targets = (
        PathwayCompetency.objects.filter(pathway__in=pathways)
        .select_related("competency__domain")
        .order_by("competency__domain__order", "competency__order")
    )
    rows: dict[int, ComparisonRow] = {}
    position = {pathway.pk: index for index, pathway in enumerate(pathways)}
    for target in targets:
        row = rows.setdefault(
            target.competency_id, ComparisonRow(target.competency, [None] * len(pathways))
        )
        row.targets[position[target.pathway_id]] = target
    return list(rows.values())


def competency_library() -> QuerySet[CompetencyDomain]:
    return CompetencyDomain.objects.prefetch_related(
        Prefetch(
            "competencies",
            queryset=Competency.objects.order_by("order", "name").prefetch_related(
                Prefetch("levels", queryset=RubricLevel.objects.order_by("level"))
            ),
        )
    )


def competency_with_details(slug: str) -> Competency:
    return (
        Competency.objects.select_related("domain")
        .prefetch_related(
            Prefetch("levels", queryset=RubricLevel.objects.order_by("level")),
            Prefetch(
                "targets",
                queryset=PathwayCompetency.objects.select_related("pathway__setting").order_by(
                    "-target_level", "-weight", "pathway__title"
                ),
            ),
        )
        .get(slug=slug)
    )


def scale_names() -> dict[int, str]:
    return dict(ProficiencyLevel.objects.values_list("number", "name"))


def module_list(
    *,
    q: str = "",
    where: str = "",
    kind: str = "",
    format: str = "",
    competency=None,
    stage: str = "",
):
    modules = LearningModule.objects.prefetch_related("competencies")
    if where == "here":
        modules = modules.lessons()
    elif where == "elsewhere":
        modules = modules.exclude(delivery=Delivery.SITE)
    if q:
        modules = modules.filter(
            Q(title__icontains=q) | Q(objective__icontains=q) | Q(description__icontains=q)
        )
    if kind:
        modules = modules.filter(kind=kind)
    if format:
        modules = modules.filter(format=format)
    if competency:
        modules = modules.filter(competencies=competency)
    if stage:
        modules = modules.for_stage(stage)
    return modules.order_by("title")


def opportunity_list(
    *,
    q: str = "",
    kind: str = "",
    format: str = "",
    deadline: str = "",
    stage: str = "",
    remote: bool = False,
):
    opportunities = Opportunity.objects.open().prefetch_related("pathways")
    if q:
        opportunities = opportunities.filter(
            Q(title__icontains=q)
            | Q(organisation__icontains=q)
            | Q(description__icontains=q)
            | Q(location__icontains=q)
        )
    if kind:
        opportunities = opportunities.filter(kind=kind)
    if format:
        opportunities = opportunities.filter(format=format)
    if deadline == "rolling":
        opportunities = opportunities.filter(deadline__isnull=True)
    elif deadline:
        opportunities = opportunities.closing_within(int(deadline))
    if stage:
        opportunities = opportunities.for_stage(stage)
    if remote:
        opportunities = opportunities.filter(is_remote=True)
    # Dated ones soonest first, then the rolling ones.
    return opportunities.soonest_first()


# The cached pages that show the curriculum depend on this topic (cmo_portal.page_cache):
# saving any curriculum row (admin, the loader) gives it a new version
# (services.curriculum_cache_drop).
CURRICULUM = "curriculum"


def curriculum_version() -> str:
    return page_cache.topic_version(CURRICULUM)
