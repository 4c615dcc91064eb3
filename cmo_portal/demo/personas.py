"""The three demo physicians whose journeys are under way, one for each stage a visitor
may want to see: a resident with a long road ahead, a practising hospitalist three years
from a CMO post, and a vice president of medical affairs within a year of one. Each has
finished the needs assessment, rated themselves twice some weeks apart, generated a plan
and done part of it, and has an active mentor who left feedback (journeys.py builds it
all through the services). Their passwords are published, like the demo accounts'."""

from dataclasses import dataclass

from assessments.models import (
    BoardCertification,
    MentoringFormat,
    MentoringFrequency,
    Relocation,
    TimeHorizon,
)
from cmo_portal.accounts.models import CareerStage, OrganisationType
from pathways.models.curriculum import Degree

from .people import DemoAccount


@dataclass(frozen=True)
class Persona:
    account: DemoAccount
    shows: str  # what a visitor sees on signing in, for the command's report
    # Pathway slugs, best first; the first that suits the stage and exists is the target.
    pathways: tuple[str, ...]
    # Step 1 and 3 answers of the needs assessment, and step 2's apart from the choices
    # of pathways and settings.
    answers: dict
    settings: tuple[str, ...]
    # The first self-rating: this level for every competency, but for those listed.
    base_level: int
    strengths: dict[str, int]
    # The second self-rating raises this many competencies by a level; with
    # `closes_gap`, the first of them reaches the pathway's target.
    improves: int
    done_actions: int
    mentor_email: str
    request_message: str
    mentor_comment: str
    reply: str
    review: str = ""  # with a summary, the mentor reviews the plan and passes it
    # Prefer a pathway made for early stages over a slug listed in `pathways`.
    early_track: bool = False
    closes_gap: bool = False
    weeks_between_ratings: int = 10


RESIDENT = Persona(
    account=DemoAccount(
        label="resident",
        email="resident@example.com",
        password="demo-resident-pass",  # noqa: S106 - development only, printed on purpose
        is_staff=False,
        is_superuser=False,
        profile={
            "full_name": "Dr Leila Haddad",
            "career_stage": CareerStage.RESIDENT,
            "specialty": "Internal medicine",
            "years_since_residency": None,
            "current_role": "Second-year internal medicine resident",
            "organisation_type": OrganisationType.ACADEMIC,
            "country": "US",
            "time_zone": "America/New_York",
        },
    ),
    shows="a resident more than ten years out: a long plan at two hours a week, a first mentor",
    pathways=(
        "technology-physician-executive-track",
        "cmio",
        "digital-health-startup-cmo",
        "public-health-cmo",
    ),
    early_track=True,
    answers={
        "specialty": "Internal medicine",
        "years_since_residency": None,
        "leadership_roles": "Resident representative to the program evaluation committee, "
        "2025 to now\nOrganiser of the residents' quality-improvement journal club",
        "committees": "Graduate medical education committee (resident member)\n"
        "Electronic health record optimisation working group",
        "degrees_held": [],
        "degrees_planned": [Degree.INFORMATICS],
        "certifications": "",
        "board_certification": BoardCertification.NOT_YET,
        "time_horizon": TimeHorizon.LONGER,
        "hours_per_week": 2,
        "willing_to_relocate": Relocation.YES,
        "mentoring_goals": "Which fellowship or first job keeps the door to informatics "
        "leadership open?\nHow did you learn to talk with engineers and product teams?\n"
        "What can I start on during residency without stealing time from training?",
        "mentoring_formats": [MentoringFormat.ASYNC, MentoringFormat.VIDEO],
        "mentoring_frequency": MentoringFrequency.MONTHLY,
    },
    settings=("academic-medical-centre", "digital-health-startup"),
    base_level=1,
    strengths={
        "informatics-ai": 2,
        "clinical-workflow-design": 2,
        "quality-patient-safety": 2,
        "ethics-professionalism": 2,
        "career-development": 2,
    },
    improves=2,
    done_actions=2,
    mentor_email="mentor@example.com",
    request_message="I am a second-year medicine resident who keeps ending up on the "
    "electronic record working group. I would like to understand the road from here to "
    "a chief medical information officer role, and what is worth doing during training.",
    mentor_comment="Good choice to start here. Keep a short log of each workflow fix you "
    "take part in, with the before and after: it becomes the evidence a fellowship panel "
    "and, later, a hiring committee will ask for.",
    reply="Thank you, I have started the log with the discharge-summary template change "
    "from last month.",
)

PRACTISING = Persona(
    account=DemoAccount(
        label="hospitalist",
        email="hospitalist@example.com",
        password="demo-hospitalist-pass",  # noqa: S106
        is_staff=False,
        is_superuser=False,
        profile={
            "full_name": "Dr Marcus Bell",
            "career_stage": CareerStage.PRACTISING,
            "specialty": "Hospital medicine",
            "years_since_residency": 8,
            "current_role": "Hospitalist and chair of the readmissions working group",
            "organisation_type": OrganisationType.HOSPITAL,
            "country": "US",
            "time_zone": "America/Denver",
        },
    ),
    shows="a hospitalist three years from a hospital CMO post: a gap closed since the "
    "first rating, a plan under way and reviewed by his mentor",
    pathways=("hospital-cmo", "hospital-vp-medical-affairs"),
    answers={
        "specialty": "Hospital medicine",
        "years_since_residency": 8,
        "leadership_roles": "Chair, readmissions working group, 2023 to now\n"
        "Associate medical director of the hospitalist service, 2024 to now",
        "committees": "Quality and patient safety committee\nPharmacy and therapeutics "
        "committee\nMedical executive committee (guest, for quality reports)",
        "degrees_held": [],
        "degrees_planned": [Degree.MMM],
        "certifications": "Lean six sigma green belt",
        "board_certification": BoardCertification.CERTIFIED,
        "time_horizon": TimeHorizon.THREE_YEARS,
        "hours_per_week": 5,
        "willing_to_relocate": Relocation.MAYBE,
        "mentoring_goals": "How do I get from running a working group to being trusted "
        "with the whole medical staff?\nWhat did you wish you had learned about hospital "
        "finance before your first executive meeting?\nIs a master of medical management "
        "worth it, or should I look for a VPMA role first?",
        "mentoring_formats": [MentoringFormat.VIDEO, MentoringFormat.IN_PERSON],
        "mentoring_frequency": MentoringFrequency.FORTNIGHTLY,
    },
    settings=("hospital-health-system",),
    base_level=2,
    strengths={
        "quality-patient-safety": 3,
        "project-management": 3,
        "data-to-value": 3,
        "ethics-professionalism": 3,
        "finance-budgeting": 1,
        "board-executive-communication": 1,
        "compliance-accreditation": 1,
    },
    improves=3,
    done_actions=3,
    closes_gap=True,
    weeks_between_ratings=12,
    mentor_email="helen.park@example.com",
    request_message="I chair our readmissions working group and sit on the quality "
    "committee. I am aiming at a hospital CMO role in about three years and would value "
    "help with finance, the medical staff and how to present to a board.",
    mentor_comment="This is the right first step. Once it is done, ask your CFO for thirty "
    "minutes to walk through the service-line report with you: the numbers make far more "
    "sense with someone who builds them.",
    reply="Booked for next Tuesday; I will bring the readmissions figures as my example.",
    review="A focused plan. Finance and the board are the right gaps to start with; keep "
    "the readmissions work going, it is the evidence a search committee will ask about.",
)

LEADER = Persona(
    account=DemoAccount(
        label="physician leader",
        email="leader@example.com",
        password="demo-leader-pass",  # noqa: S106
        is_staff=False,
        is_superuser=False,
        profile={
            "full_name": "Dr Ingrid Solberg",
            "career_stage": CareerStage.PHYSICIAN_LEADER,
            "specialty": "Obstetrics and gynaecology",
            "years_since_residency": 17,
            "current_role": "Vice president of medical affairs",
            "organisation_type": OrganisationType.ACADEMIC,
            "country": "US",
            "time_zone": "America/Chicago",
        },
    ),
    shows="a vice president of medical affairs within a year of a CMO role: most of "
    "the way there, eight hours a week, a mentor's review",
    pathways=("academic-medical-centre-cmo", "hospital-cmo"),
    answers={
        "specialty": "Obstetrics and gynaecology",
        "years_since_residency": 17,
        "leadership_roles": "Vice president of medical affairs, 2022 to now\nChair of "
        "obstetrics and gynaecology, 2017 to 2022\nMedical director, labour and delivery, "
        "2013 to 2017",
        "committees": "Medical executive committee (chair)\nCredentials committee\n"
        "Board quality committee (staff to the committee)",
        "degrees_held": [Degree.MBA],
        "degrees_planned": [],
        "certifications": "Certified Professional in Healthcare Quality (CPHQ)",
        "board_certification": BoardCertification.CERTIFIED,
        "time_horizon": TimeHorizon.ONE_YEAR,
        "hours_per_week": 8,
        "willing_to_relocate": Relocation.MAYBE,
        "mentoring_goals": "How do I show a search committee I am ready for the whole "
        "enterprise, not only the medical staff?\nHow should I prepare for the interview "
        "with the board?\nWhat should the first ninety days look like?",
        "mentoring_formats": [MentoringFormat.VIDEO],
        "mentoring_frequency": MentoringFrequency.FORTNIGHTLY,
    },
    settings=("academic-medical-centre", "hospital-health-system"),
    base_level=3,
    strengths={
        "physician-relations": 4,
        "risk-credentialing": 4,
        "quality-patient-safety": 4,
        "informatics-ai": 2,
        "health-policy-payment": 2,
        "business-development": 2,
    },
    improves=2,
    done_actions=4,
    closes_gap=True,
    weeks_between_ratings=8,
    mentor_email="helen.park@example.com",
    request_message="I have been a VPMA for four years and am preparing for CMO searches "
    "this year. I would like a sparring partner for the interviews and for the gaps my "
    "ratings show, payment policy above all.",
    mentor_comment="Worth doing before the interviews: search committees ask about "
    "payment models and value-based contracts more than they used to.",
    reply="Agreed. I have asked our managed-care director to let me sit in on the next "
    "contract review.",
    review="You are close. Use the remaining actions to build two or three stories about "
    "payment and partnerships you can tell a board in two minutes each.",
)

PERSONAS: tuple[Persona, ...] = (RESIDENT, PRACTISING, LEADER)
PERSONA_ACCOUNTS: tuple[DemoAccount, ...] = tuple(p.account for p in PERSONAS)
