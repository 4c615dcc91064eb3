"""The whole curriculum as one TOML file, in the shape the loader reads
(services/curriculum.py): what editors download from admin, and may upload again.

One file rather than a zip of the shipped layout: the loader merges tables by name
from every file it reads, so one file holding every table is already its shape; it
uploads as it downloads, with no archive to unpack, and a diff of two exports reads
as a list of changes."""

import datetime

import tomli_w
from django.db.models import Prefetch

from pathways.models.curriculum import (
    Competency,
    CompetencyDomain,
    CurriculumItem,
    Pathway,
    ProficiencyLevel,
    RoleKind,
    Setting,
)
from pathways.models.opportunities import Delivery, LearningModule, Opportunity

HEADER = """\
# The CMO Pathways curriculum, exported from admin on {today}.
# Every table the loader reads: the rubric scale (level), settings, role kinds, domains
# with their competencies and rubric descriptors, pathways, modules, opportunities and
# lessons. Upload it in admin (Curriculum file: import) to load it over the curriculum,
# or put it in pathways/curriculum/ in place of the shipped files.

"""


def curriculum_export(*, today: datetime.date) -> str:
    """The curriculum as TOML: every row the loader writes, with every field it reads.
    Deadlines are full dates, so nothing is lost on the way back in."""
    tables = {
        "level": _levels(),
        "setting": _settings(),
        "role_kind": _role_kinds(),
        "domain": _domains(),
        "pathway": _pathways(),
        "module": _modules(),
        "opportunity": _opportunities(),
        "lesson": _lessons(),
    }
    return HEADER.format(today=today.isoformat()) + tomli_w.dumps(
        {name: rows for name, rows in tables.items() if rows}, multiline_strings=True
    )


def _present(row: dict) -> dict:
    """TOML has no null: a value that is not there is left out, and the loader's
    default (none) applies."""
    return {key: value for key, value in row.items() if value is not None}


def _item(row: CurriculumItem, fields: dict) -> dict:
    """A row's fields, with the mark of an edit in admin where it has one: an import
    keeps the mark (services/curriculum_rows.py)."""
    return fields | ({"edited_locally": True} if row.edited_locally else {})


def _levels() -> list[dict]:
    return [
        {"number": level.number, "name": level.name, "summary": level.summary}
        for level in ProficiencyLevel.objects.order_by("number")
    ]


def _settings() -> list[dict]:
    return [
        _item(
            setting,
            {
                "slug": setting.slug,
                "name": setting.name,
                "order": setting.order,
                "description": setting.description,
            },
        )
        for setting in Setting.objects.order_by("order", "name")
    ]


def _role_kinds() -> list[dict]:
    return [
        _item(
            kind,
            {
                "slug": kind.slug,
                "name": kind.name,
                "order": kind.order,
                "summary": kind.summary,
                "accountability": kind.accountability,
                "time_commitment": kind.time_commitment,
                "compensation": kind.compensation,
            },
        )
        for kind in RoleKind.objects.order_by("order", "name")
    ]


def _domains() -> list[dict]:
    competencies = Competency.objects.order_by("order", "name").prefetch_related("levels")
    domains = CompetencyDomain.objects.order_by("order", "name").prefetch_related(
        Prefetch("competencies", queryset=competencies)
    )
    return [
        _item(
            domain,
            {
                "slug": domain.slug,
                "name": domain.name,
                "source": domain.source,
                "order": domain.order,
                "description": domain.description,
                "competency": [
                    _item(
                        competency,
                        {
                            "slug": competency.slug,
                            "name": competency.name,
                            "order": competency.order,
                            "description": competency.description,
                            # One descriptor per level of the scale, in the scale's order.
                            "levels": [
                                level.descriptor
                                for level in sorted(
                                    competency.levels.all(), key=lambda row: row.level
                                )
                            ],
                        },
                    )
                    for competency in domain.competencies.all()
                ],
            },
        )
        for domain in domains
    ]


def _pathways() -> list[dict]:
    pathways = (
        Pathway.objects.order_by("setting__order", "title")
        .select_related("setting", "role_kind")
        .prefetch_related("steps", "education", "targets__competency")
    )
    return [
        _item(
            pathway,
            {
                "slug": pathway.slug,
                "title": pathway.title,
                "setting": pathway.setting.slug,
                "role_kind": pathway.role_kind.slug,
                "summary": pathway.summary,
                # Split exactly as the loader joins them, so every line comes back as it was.
                "responsibilities": pathway.responsibilities.split("\n"),
                "years_clinical_min": pathway.years_clinical_min,
                "years_clinical_max": pathway.years_clinical_max,
                "earliest_stage": pathway.earliest_stage,
                "latest_stage": pathway.latest_stage,
                "education_note": pathway.education_note,
                "compensation": pathway.compensation,
                "steps": [
                    _present(
                        {
                            "title": step.title,
                            "years_min": step.years_min,
                            "years_max": step.years_max,
                            "description": step.description,
                        }
                    )
                    for step in sorted(pathway.steps.all(), key=lambda row: row.order)
                ],
                "education": [
                    {"degree": item.degree, "expectation": item.expectation, "note": item.note}
                    for item in sorted(pathway.education.all(), key=lambda row: row.degree)
                ],
                "targets": {
                    target.competency.slug: [target.target_level, target.weight]
                    for target in pathway.targets.all()
                },
            },
        )
        for pathway in pathways
    ]


def _slugs(rows) -> list[str]:
    return sorted(row.slug for row in rows)


def _modules() -> list[dict]:
    return [
        _item(
            module,
            {
                "slug": module.slug,
                "title": module.title,
                "objective": module.objective,
                "description": module.description,
                "kind": module.kind,
                "format": module.format,
                "effort_hours": module.effort_hours,
                "earliest_stage": module.earliest_stage,
                "latest_stage": module.latest_stage,
                "delivery": module.delivery,
                "provider": module.provider,
                "how_to_find": module.how_to_find,
                "url": module.url,
                "leads_to": module.leads_to,
                "competencies": _slugs(module.competencies.all()),
            },
        )
        for module in LearningModule.objects.order_by("title").prefetch_related("competencies")
    ]


def _opportunities() -> list[dict]:
    opportunities = Opportunity.objects.order_by("title", "slug").prefetch_related(
        "pathways", "competencies"
    )
    return [
        _item(
            opportunity,
            _present(
                {
                    "slug": opportunity.slug,
                    "title": opportunity.title,
                    "kind": opportunity.kind,
                    "listing": opportunity.listing,
                    "organisation": opportunity.organisation,
                    "description": opportunity.description,
                    "location": opportunity.location,
                    "is_remote": opportunity.is_remote,
                    "format": opportunity.format,
                    "earliest_stage": opportunity.earliest_stage,
                    "latest_stage": opportunity.latest_stage,
                    "deadline": opportunity.deadline,  # a full date; none for a rolling one
                    "url": opportunity.url,
                    "contact": opportunity.contact,
                    "how_to_find": opportunity.how_to_find,
                    "pathways": _slugs(opportunity.pathways.all()),
                    "competencies": _slugs(opportunity.competencies.all()),
                }
            ),
        )
        for opportunity in opportunities
    ]


def _lessons() -> list[dict]:
    """The lessons of the modules delivered on the site that have one."""
    modules = (
        LearningModule.objects.filter(delivery=Delivery.SITE)
        .order_by("title")
        .prefetch_related("lesson_sections", "reflection_questions", "check_questions")
    )
    lessons = []
    for module in modules:
        sections = module.lesson_sections.all()
        reflections = module.reflection_questions.all()
        checks = module.check_questions.all()
        if not (sections or reflections or checks):
            continue
        lessons.append(
            {
                "module": module.slug,
                "section": [{"heading": row.heading, "body": row.body} for row in sections],
                "reflection": [{"prompt": row.prompt} for row in reflections],
                "check": [
                    {
                        "question": row.question,
                        "choices": row.choices.split("\n"),
                        "answer": row.answer,
                        "explanation": row.explanation,
                    }
                    for row in checks
                ],
            }
        )
    return lessons
