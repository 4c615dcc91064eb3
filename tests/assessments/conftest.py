import pytest

from assessments import services
from pathways.models.curriculum import Pathway
from tests.factories import (
    CompetencyFactory,
    PathwayCompetencyFactory,
    PathwayFactory,
    SettingFactory,
    make_scale,
)


@pytest.fixture
def curriculum(db) -> dict:
    """Two pathways over four competencies: trials matter to pharma, safety to hospitals."""
    make_scale()
    hospital = SettingFactory(slug="hospital", name="Hospital")
    pharma_setting = SettingFactory(slug="pharma", name="Pharma")
    names = ["Clinical trial design", "Quality and safety", "Finance", "Negotiation"]
    competencies = {name: CompetencyFactory(name=name) for name in names}
    pharma = PathwayFactory(slug="pharma-cmo", title="Pharma CMO", setting=pharma_setting)
    hospital_cmo = PathwayFactory(slug="hospital-cmo", title="Hospital CMO", setting=hospital)
    targets = {
        pharma: {
            "Clinical trial design": (4, 3),
            "Quality and safety": (2, 1),
            "Finance": (3, 2),
            "Negotiation": (3, 2),
        },
        hospital_cmo: {
            "Clinical trial design": (1, 1),
            "Quality and safety": (4, 3),
            "Finance": (3, 2),
            "Negotiation": (3, 2),
        },
    }
    for pathway, wanted in targets.items():
        for name, (level, weight) in wanted.items():
            PathwayCompetencyFactory(
                pathway=pathway, competency=competencies[name], target_level=level, weight=weight
            )
    return {"competencies": competencies, "pharma": pharma, "hospital": hospital_cmo}


def complete_assessment(user, *pathways: Pathway):
    """A finished needs assessment aiming at `pathways`, in that order."""
    assessment = services.assessment_start_or_resume(user=user)
    services.assessment_save_step(
        assessment=assessment,
        step=1,
        data={
            "career_stage": "practising",
            "specialty": "Cardiology",
            "years_since_residency": 8,
            "leadership_roles": "",
            "committees": "",
            "degrees_held": [],
            "degrees_planned": ["mba"],
            "certifications": "",
            "board_certification": "certified",
        },
    )
    services.assessment_save_step(
        assessment=assessment,
        step=2,
        data={
            "time_horizon": "3",
            "hours_per_week": 5,
            "willing_to_relocate": "maybe",
            "target_pathways": list(pathways),
            "settings_of_interest": [],
        },
    )
    services.assessment_save_step(
        assessment=assessment,
        step=3,
        data={
            "mentoring_goals": "",
            "mentoring_formats": ["video"],
            "mentoring_frequency": "monthly",
        },
    )
    services.assessment_complete(assessment=assessment)
    return assessment


def submit_ratings(subject, levels: dict, *, rater=None, role: str = "self"):
    """Submit a rating set: {Competency: level}."""
    rating_set = services.rating_draft_get_or_create(
        subject=subject, rater=rater or subject, role=role
    )
    services.rating_draft_save(
        rating_set=rating_set, ratings={c.pk: (level, "") for c, level in levels.items()}
    )
    return services.rating_set_submit(rating_set=rating_set)


@pytest.fixture
def rater(client, physician, curriculum):
    """The physician, signed in, with a finished needs assessment aiming at pharma."""
    complete_assessment(physician, curriculum["pharma"])
    client.force_login(physician)
    return client


def field(competency, kind: str = "level") -> str:
    """The rubric form's field for a competency: its level, or its "evidence" note."""
    return f"{kind}_{competency.pk}"
