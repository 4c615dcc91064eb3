"""Writes to the curriculum: loading the shipped curriculum and the editors' group."""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from cmo_portal import clock, page_cache
from pathways.models.curriculum import (
    Competency,
    CompetencyDomain,
    CurriculumItem,
    Pathway,
    PathwayCompetency,
    PathwayEducation,
    PathwayStep,
    ProficiencyLevel,
    RoleKind,
    RubricLevel,
    Setting,
)
from pathways.models.lessons import (
    LessonSection,
    ReflectionQuestion,
    SelfCheckQuestion,
)
from pathways.models.opportunities import (
    Delivery,
    LearningModule,
    Opportunity,
)
from pathways.selectors.curriculum import CURRICULUM

from .curriculum_files import (
    CURRICULUM_DIR,
    CurriculumError,
    curriculum_read,
    module_credential,
    module_delivery,
    next_occurrence,
    opportunity_listing,
    stage_range,
)
from .curriculum_lessons import lesson_parts_write

CURRICULUM_EDITOR_GROUP = "Curriculum editor"

# What curriculum editors edit, and nothing else of this app (plans are physicians' own).
CURRICULUM_MODELS = (
    Setting,
    RoleKind,
    ProficiencyLevel,
    CompetencyDomain,
    Competency,
    RubricLevel,
    Pathway,
    PathwayStep,
    PathwayEducation,
    PathwayCompetency,
    LearningModule,
    LessonSection,
    ReflectionQuestion,
    SelfCheckQuestion,
    Opportunity,
)


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)  # edited in admin, left alone

    def lines(self) -> list[str]:
        kinds = sorted(set(self.created) | set(self.updated) | set(self.kept))
        return [
            f"{kind:<16} {self.created[kind]:>4} created {self.updated[kind]:>4} updated "
            f"{self.kept[kind]:>4} kept as edited in admin"
            for kind in kinds
        ]


class _Loader:
    def __init__(self, today: datetime.date) -> None:
        self.today = today
        self.report = LoadReport()

    def upsert(self, model: type[CurriculumItem], slug: str, values: dict):
        """Create the row, or update it unless an editor has changed it in admin.
        Returns (row, writable): writable is False for rows edited in admin."""
        kind = model._meta.verbose_name_plural
        row = model._default_manager.filter(slug=slug).first()
        if row is None:
            row = model(slug=slug, **values)
            row.full_clean(validate_unique=False)
            row.save()
            self.report.created[kind] += 1
            return row, True
        if row.edited_locally:
            self.report.kept[kind] += 1
            return row, False
        for name, value in values.items():
            setattr(row, name, value)
        row.save()
        self.report.updated[kind] += 1
        return row, True

    @staticmethod
    def by_slug(model: type[CurriculumItem], slugs: list[str], where: str) -> list:
        rows = {row.slug: row for row in model._default_manager.filter(slug__in=slugs)}
        missing = [slug for slug in slugs if slug not in rows]
        if missing:
            raise CurriculumError(
                f"{where} names {model._meta.verbose_name} {missing} that do not exist"
            )
        return [rows[slug] for slug in slugs]

    def scale(self, levels: list[dict]) -> None:
        # The scale belongs to the editors once it exists: only missing levels are added.
        for level in levels:
            _, created = ProficiencyLevel.objects.get_or_create(
                number=level["number"],
                defaults={"name": level["name"], "summary": level["summary"]},
            )
            self.report.created["levels"] += created

    def settings(self, rows: list[dict]) -> None:
        for row in rows:
            self.upsert(
                Setting,
                row["slug"],
                {
                    "name": row["name"],
                    "description": row.get("description", ""),
                    "order": row.get("order", 0),
                },
            )

    def role_kinds(self, rows: list[dict]) -> None:
        for row in rows:
            self.upsert(
                RoleKind,
                row["slug"],
                {
                    key: row[key]
                    for key in (
                        "name",
                        "summary",
                        "accountability",
                        "time_commitment",
                        "compensation",
                    )
                }
                | {"order": row.get("order", 0)},
            )

    def domains(self, rows: list[dict]) -> None:
        scale = sorted(ProficiencyLevel.objects.values_list("number", flat=True))
        for order, row in enumerate(rows):
            domain, _ = self.upsert(
                CompetencyDomain,
                row["slug"],
                {
                    "name": row["name"],
                    "description": row.get("description", ""),
                    "source": row.get("source", ""),
                    "order": row.get("order", order),
                },
            )
            for position, item in enumerate(row.get("competency", [])):
                if len(item["levels"]) != len(scale):
                    raise CurriculumError(
                        f"competency {item['slug']} has {len(item['levels'])} descriptors "
                        f"for a scale of {len(scale)} levels"
                    )
                competency, writable = self.upsert(
                    Competency,
                    item["slug"],
                    {
                        "domain": domain,
                        "name": item["name"],
                        "description": item["description"],
                        "order": position,
                    },
                )
                if writable:
                    for number, descriptor in zip(scale, item["levels"], strict=True):
                        RubricLevel.objects.update_or_create(
                            competency=competency,
                            level=number,
                            defaults={"descriptor": descriptor},
                        )

    def pathways(self, rows: list[dict]) -> None:
        settings = {s.slug: s for s in Setting.objects.all()}
        role_kinds = {k.slug: k for k in RoleKind.objects.all()}
        competencies = {c.slug: c for c in Competency.objects.all()}
        for row in rows:
            where = f"pathway {row['slug']}"
            if row["setting"] not in settings or row["role_kind"] not in role_kinds:
                raise CurriculumError(f"{where} names an unknown setting or role kind")
            unknown = sorted(set(row["targets"]) - set(competencies))
            if unknown:
                raise CurriculumError(f"{where} targets unknown competencies {unknown}")
            pathway, writable = self.upsert(
                Pathway,
                row["slug"],
                {
                    "title": row["title"],
                    "setting": settings[row["setting"]],
                    "role_kind": role_kinds[row["role_kind"]],
                    "summary": row["summary"],
                    "responsibilities": "\n".join(row["responsibilities"]),
                    "years_clinical_min": row["years_clinical_min"],
                    "years_clinical_max": row["years_clinical_max"],
                    "education_note": row.get("education_note", ""),
                    "compensation": row["compensation"],
                }
                # A pathway names its earliest stage: there is no sensible default.
                | stage_range(row, where, earliest=row.get("earliest_stage", "")),
            )
            if not writable:
                continue
            for order, step in enumerate(row.get("steps", [])):
                PathwayStep.objects.update_or_create(
                    pathway=pathway,
                    order=order,
                    defaults={
                        "title": step["title"],
                        "years_min": step.get("years_min") or None,
                        "years_max": step.get("years_max") or None,
                        "description": step.get("description", ""),
                    },
                )
            for item in row.get("education", []):
                PathwayEducation.objects.update_or_create(
                    pathway=pathway,
                    degree=item["degree"],
                    defaults={"expectation": item["expectation"], "note": item.get("note", "")},
                )
            for slug, (level, weight) in row["targets"].items():
                PathwayCompetency.objects.update_or_create(
                    pathway=pathway,
                    competency=competencies[slug],
                    defaults={"target_level": level, "weight": weight},
                )

    def modules(self, rows: list[dict]) -> None:
        for row in rows:
            where = f"module {row['slug']}"
            competencies = self.by_slug(Competency, row["competencies"], where)
            module, writable = self.upsert(
                LearningModule,
                row["slug"],
                {
                    key: row.get(key, "")
                    for key in (
                        "title",
                        "objective",
                        "description",
                        "kind",
                        "format",
                        "provider",
                        "how_to_find",
                        "url",
                    )
                }
                | {
                    "effort_hours": row["effort_hours"],
                    "leads_to": module_credential(row, where),
                    "delivery": module_delivery(row, where),
                }
                | stage_range(row, where),
            )
            if writable:
                module.competencies.set(competencies)

    def opportunities(self, rows: list[dict]) -> None:
        for row in rows:
            where = f"opportunity {row['slug']}"
            pathways = self.by_slug(Pathway, row.get("pathways", []), where)
            competencies = self.by_slug(Competency, row.get("competencies", []), where)
            deadline = row.get("deadline")
            opportunity, writable = self.upsert(
                Opportunity,
                row["slug"],
                {
                    key: row.get(key, "")
                    for key in (
                        "title",
                        "kind",
                        "organisation",
                        "description",
                        "location",
                        "format",
                        "url",
                        "contact",
                        "how_to_find",
                    )
                }
                | {
                    "listing": opportunity_listing(row, where),
                    "is_remote": row.get("is_remote", False),
                    "deadline": next_occurrence(deadline, self.today) if deadline else None,
                }
                | stage_range(row, where),
            )
            if writable:
                opportunity.pathways.set(pathways)
                opportunity.competencies.set(competencies)

    def lessons(self, rows: list[dict]) -> None:
        """Each lesson's sections, reflection questions and self-check, matched by their
        place in the lesson. A place the shipped lesson no longer has is removed, except
        a reflection question someone has answered: their answer is theirs to keep."""
        modules = {m.slug: m for m in LearningModule.objects.all()}
        for row in rows:
            where = f"lesson {row.get('module')!r}"
            module = modules.get(row.get("module", ""))
            if module is None:
                raise CurriculumError(f"{where} names no module")
            if module.delivery != Delivery.SITE:
                raise CurriculumError(f'{where} is for a module not delivered on the site ("site")')
            if module.edited_locally:
                self.report.kept["lessons"] += 1
                continue
            is_new = not LessonSection.objects.filter(module=module).exists()
            lesson_parts_write(module, row, where)
            (self.report.created if is_new else self.report.updated)["lessons"] += 1


@transaction.atomic
def curriculum_load(*, folder: Path = CURRICULUM_DIR) -> LoadReport:
    """Load the shipped curriculum. Idempotent: rows are matched by slug, so a second
    run duplicates nothing; rows an editor changed in admin are left as they are; and
    nothing is ever deleted. A broken reference rolls the whole load back."""
    data = curriculum_read(folder)
    loader = _Loader(clock.today())
    loader.scale(data.get("level", []))
    loader.settings(data.get("setting", []))
    loader.role_kinds(data.get("role_kind", []))
    loader.domains(data.get("domain", []))
    loader.pathways(data.get("pathway", []))
    loader.modules(data.get("module", []))
    loader.opportunities(data.get("opportunity", []))
    loader.lessons(data.get("lesson", []))
    curriculum_editor_group_sync()
    curriculum_cache_drop()
    return loader.report


def curriculum_cache_drop() -> None:
    """Every cached page shows the curriculum as it is now (cmo_portal.page_cache)."""
    page_cache.topic_changed(CURRICULUM)


def curriculum_editor_group_sync() -> Group:
    """The "Curriculum editor" group: every permission on the curriculum's models and
    none elsewhere (not on people, not on physicians' plans), so editors need not be
    superusers."""
    group, _ = Group.objects.get_or_create(name=CURRICULUM_EDITOR_GROUP)
    permissions = Permission.objects.filter(
        content_type__app_label="pathways",
        content_type__model__in=[model._meta.model_name for model in CURRICULUM_MODELS],
    )
    group.permissions.set(permissions)
    return group
