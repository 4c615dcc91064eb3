"""Writes to the curriculum: loading the shipped curriculum and the editors' group."""

import datetime
from pathlib import Path

from django.db import DataError, IntegrityError, transaction

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
    scale_fixed,
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

from .curriculum_editors import CURRICULUM_EDITOR_GROUP as CURRICULUM_EDITOR_GROUP
from .curriculum_editors import CURRICULUM_MODELS as CURRICULUM_MODELS
from .curriculum_editors import curriculum_editor_group_sync
from .curriculum_files import (
    CURRICULUM_DIR,
    CurriculumError,
    curriculum_read,
    deadline_date,
    module_credential,
    module_delivery,
    opportunity_listing,
    stage_range,
)
from .curriculum_lessons import lesson_parts_write
from .curriculum_rows import LoadReport, RowWriter


class _Loader:
    def __init__(self, today: datetime.date, *, overwrite_edited: bool) -> None:
        self.today = today
        self.rows = RowWriter(overwrite_edited=overwrite_edited)
        self.report = self.rows.report

    def upsert(
        self,
        model: type[CurriculumItem],
        slug: str,
        values: dict,
        *,
        where: str,
        source: dict,
        many: dict[str, list] | None = None,
    ):
        """Create the row, or update it unless an editor has changed it in admin (and
        the load is not theirs). `source` is the row as the file has it, which may say
        it was edited in admin. Returns (row, writable): writable is False for rows kept
        as edited in admin."""
        edited = source.get("edited_locally") is True
        return self.rows.write(model, {"slug": slug}, values, where=where, many=many, edited=edited)

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
        # The scale belongs to the editors once it exists: only missing levels are added,
        # unless an editor imports a file, whose levels then replace theirs.
        for level in levels:
            values = {"name": level["name"], "summary": level["summary"]}
            key = {"number": level["number"]}
            if self.rows.overwrite_edited:
                self.rows.write(ProficiencyLevel, key, values, where=f"level {key['number']}")
            else:
                _, created = ProficiencyLevel.objects.get_or_create(**key, defaults=values)
                self.report.created["proficiency levels"] += created

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
                where=f"setting {row['slug']}",
                source=row,
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
                where=f"role kind {row['slug']}",
                source=row,
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
                where=f"domain {row['slug']}",
                source=row,
            )
            for position, item in enumerate(row.get("competency", [])):
                where = f"competency {item['slug']}"
                if len(item["levels"]) != len(scale):
                    raise CurriculumError(
                        f"{where} has {len(item['levels'])} descriptors "
                        f"for a scale of {len(scale)} levels"
                    )
                competency, writable = self.upsert(
                    Competency,
                    item["slug"],
                    {
                        "domain": domain,
                        "name": item["name"],
                        "description": item["description"],
                        "order": item.get("order", position),
                    },
                    where=where,
                    source=item,
                )
                if not writable:
                    continue
                with self.rows.parts_of(competency):
                    for number, descriptor in zip(scale, item["levels"], strict=True):
                        self.rows.write(
                            RubricLevel,
                            {"competency": competency, "level": number},
                            {"descriptor": descriptor},
                            where=f"{where}, level {number}",
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
                where=where,
                source=row,
            )
            if writable:
                with self.rows.parts_of(pathway):
                    self.pathway_parts(pathway, row, where, competencies)

    def pathway_parts(self, pathway: Pathway, row: dict, where: str, competencies: dict) -> None:
        """A pathway's ladder of steps (by place), education and target levels."""
        for order, step in enumerate(row.get("steps", [])):
            self.rows.write(
                PathwayStep,
                {"pathway": pathway, "order": order},
                {
                    "title": step["title"],
                    "years_min": step.get("years_min") or None,
                    "years_max": step.get("years_max") or None,
                    "description": step.get("description", ""),
                },
                where=f"{where}, step {order + 1}",
            )
        for item in row.get("education", []):
            self.rows.write(
                PathwayEducation,
                {"pathway": pathway, "degree": item["degree"]},
                {"expectation": item["expectation"], "note": item.get("note", "")},
                where=f"{where}, education {item['degree']}",
            )
        for slug, (level, weight) in row["targets"].items():
            self.rows.write(
                PathwayCompetency,
                {"pathway": pathway, "competency": competencies[slug]},
                {"target_level": level, "weight": weight},
                where=f"{where}, target {slug}",
            )

    def modules(self, rows: list[dict]) -> None:
        for row in rows:
            where = f"module {row['slug']}"
            competencies = self.by_slug(Competency, row["competencies"], where)
            self.upsert(
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
                where=where,
                source=row,
                many={"competencies": competencies},
            )

    def opportunities(self, rows: list[dict]) -> None:
        for row in rows:
            where = f"opportunity {row['slug']}"
            many = {
                "pathways": self.by_slug(Pathway, row.get("pathways", []), where),
                "competencies": self.by_slug(Competency, row.get("competencies", []), where),
            }
            deadline = row.get("deadline")
            self.upsert(
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
                    "deadline": deadline_date(deadline, self.today, where) if deadline else None,
                }
                | stage_range(row, where),
                where=where,
                source=row,
                many=many,
            )

    def lessons(self, rows: list[dict]) -> None:
        """Each lesson's sections, reflection questions and self-check, by place
        (curriculum_lessons.lesson_parts_write)."""
        modules = {m.slug: m for m in LearningModule.objects.all()}
        for row in rows:
            where = f"lesson {row.get('module')!r}"
            module = modules.get(row.get("module", ""))
            if module is None:
                raise CurriculumError(f"{where} names no module")
            if module.delivery != Delivery.SITE:
                raise CurriculumError(f'{where} is for a module not delivered on the site ("site")')
            if module.edited_locally and not self.rows.overwrite_edited:
                self.report.kept["lessons"] += 1
                continue
            with self.rows.parts_of(module):
                lesson_parts_write(self.rows, module, row, where)


# The rows a load reads ahead, by the key it finds them by: one query per table, not
# one per row.
PRELOADED = (
    (Setting, "slug"),
    (RoleKind, "slug"),
    (CompetencyDomain, "slug"),
    (Competency, "slug"),
    (RubricLevel, "competency", "level"),
    (Pathway, "slug"),
    (PathwayStep, "pathway", "order"),
    (PathwayEducation, "pathway", "degree"),
    (PathwayCompetency, "pathway", "competency"),
    (LearningModule, "slug"),
    (Opportunity, "slug"),
    (LessonSection, "module", "order"),
    (ReflectionQuestion, "module", "order"),
    (SelfCheckQuestion, "module", "order"),
)


def curriculum_load(
    *,
    folder: Path = CURRICULUM_DIR,
    data: dict[str, list] | None = None,
    overwrite_edited: bool = False,
) -> LoadReport:
    """Load the curriculum: the shipped files in `folder`, or `data` already read (an
    editor's upload, curriculum_import). Idempotent: rows are matched by slug (or by
    their parent and place), so a second run duplicates nothing; rows an editor changed
    in admin are left as they are unless `overwrite_edited`; and nothing is deleted but
    the surplus parts of a lesson. A broken row or reference rolls the whole load back
    and raises CurriculumError."""
    tables = curriculum_read(folder) if data is None else data
    loader = _Loader(clock.today(), overwrite_edited=overwrite_edited)
    try:
        with transaction.atomic():
            loader.scale(tables.get("level", []))
            for model, *key in PRELOADED:
                loader.rows.preload(model, *key)
            with scale_fixed():  # the scale is set: levels are checked against it
                loader.settings(tables.get("setting", []))
                loader.role_kinds(tables.get("role_kind", []))
                loader.domains(tables.get("domain", []))
                loader.pathways(tables.get("pathway", []))
                loader.modules(tables.get("module", []))
                loader.opportunities(tables.get("opportunity", []))
                loader.lessons(tables.get("lesson", []))
            curriculum_editor_group_sync()
    except (IntegrityError, DataError) as error:
        raise CurriculumError(f"the database refused a row: {error}") from error
    if loader.report.changes_anything:  # a deploy that changes nothing keeps the cache
        curriculum_cache_drop()
    return loader.report


def curriculum_cache_drop() -> None:
    """Every cached page shows the curriculum as it is now (cmo_portal.page_cache)."""
    page_cache.topic_changed(CURRICULUM)
