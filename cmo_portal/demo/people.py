"""The demo people of the embedded default, so someone trying the site can sign in and
find real suggestions: the demo accounts (a physician, a mentor, a curriculum editor and
a superuser, whose passwords are published; the three demo physicians with a journey under
way are in personas.py), and the demo mentors, the demo mentor
account and five more who cannot log in (their passwords are unusable), one of them still
waiting for approval. Loading them is safe to run again; only the load_demo_accounts
command does it, and it refuses where ALLOW_DEMO_ACCOUNTS is off (production)."""

from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.db import transaction

from cmo_portal.accounts.models import CareerStage, OrganisationType, User
from cmo_portal.accounts.services import profile_save
from mentors.models.profiles import ApplicationStatus, MentorProfile
from mentors.services.profiles import mentor_profile_save
from pathways.models.curriculum import Competency, Pathway, Setting
from pathways.services.curriculum import curriculum_editor_group_sync

# The demo physician's profile, also that of a benchmark's physician.
DEMO_PHYSICIAN_PROFILE = {
    "full_name": "Dr Amara Okafor",
    "career_stage": CareerStage.PRACTISING,
    "specialty": "Internal medicine",
    "years_since_residency": 7,
    "current_role": "Hospitalist and quality committee chair",
    "organisation_type": OrganisationType.HOSPITAL,
    "country": "US",
    "time_zone": "America/Chicago",
}


@dataclass(frozen=True)
class DemoAccount:
    label: str
    email: str
    password: str
    is_staff: bool
    is_superuser: bool
    profile: dict
    curriculum_editor: bool = False


DEMO_ACCOUNTS = (
    DemoAccount(
        label="physician",
        email="physician@example.com",
        password="demo-physician-pass",  # noqa: S106 - development only, printed on purpose
        is_staff=False,
        is_superuser=False,
        profile=DEMO_PHYSICIAN_PROFILE,
    ),
    DemoAccount(
        label="mentor",
        email="mentor@example.com",
        password="demo-mentor-pass",  # noqa: S106
        is_staff=False,
        is_superuser=False,
        profile={
            "full_name": "Dr Daniel Reyes",
            "intent": "mentor",
            "career_stage": CareerStage.PHYSICIAN_LEADER,
            "specialty": "Emergency medicine",
            "years_since_residency": 19,
            "current_role": "Chief Medical Officer",
            "organisation_type": OrganisationType.DIGITAL_HEALTH,
            "country": "US",
            "time_zone": "America/New_York",
        },
    ),
    DemoAccount(
        label="curriculum editor",
        email="editor@example.com",
        password="demo-editor-pass",  # noqa: S106
        is_staff=True,
        is_superuser=False,
        curriculum_editor=True,
        profile={
            "full_name": "Priya Natarajan",
            "career_stage": CareerStage.PHYSICIAN_LEADER,
            "specialty": "Paediatrics",
            "years_since_residency": 12,
            "current_role": "Director of physician leadership education",
            "organisation_type": OrganisationType.ACADEMIC,
            "country": "GB",
            "time_zone": "Europe/London",
        },
    ),
    DemoAccount(
        label="superuser",
        email="admin@example.com",
        password="demo-admin-pass",  # noqa: S106
        is_staff=True,
        is_superuser=True,
        profile={
            "full_name": "Site Administrator",
            "career_stage": CareerStage.PHYSICIAN_LEADER,
            "specialty": "Anaesthesiology",
            "years_since_residency": 15,
            "current_role": "Operations",
            "organisation_type": OrganisationType.OTHER,
            "country": "GB",
            "time_zone": "Europe/London",
        },
    ),
)


def _address_verified(user: User) -> None:
    """The person's address, verified and primary, as if they had confirmed it."""
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def demo_physician_create(*, email: str) -> User:
    """A physician with the demo physician's profile and a verified address, who cannot
    log in (an unusable password): for a benchmark that needs one."""
    user = User(email=email)
    user.set_unusable_password()
    user.save()
    _address_verified(user)
    profile_save(user=user, data=DEMO_PHYSICIAN_PROFILE)
    return user


def _profile_differs(user: User, data: dict) -> bool:
    profile = getattr(user, "profile", None)
    return profile is None or any(getattr(profile, k) != v for k, v in data.items())


@transaction.atomic
def demo_accounts_load(accounts: tuple[DemoAccount, ...] = DEMO_ACCOUNTS) -> set[str]:
    """Create the demo accounts, or put them back as shipped: verified email, known
    password, filled-in profile. An account already as shipped is not written to, so a
    second run changes nothing. Returns the emails of the accounts it created."""
    created: set[str] = set()
    for account in accounts:
        user, was_created = User.objects.get_or_create(email=account.email)
        if was_created:
            created.add(account.email)
        flags = {
            "is_staff": account.is_staff,
            "is_superuser": account.is_superuser,
            "is_active": True,
        }
        changed = [name for name, value in flags.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, flags[name])
        if was_created or not user.check_password(account.password):
            user.set_password(account.password)
            changed.append("password")
        if changed:
            user.save()
        _address_verified(user)
        if _profile_differs(user, account.profile):
            profile_save(user=user, data=account.profile)
        if account.curriculum_editor:
            # The editor is staff with only the curriculum's permissions, not a superuser.
            group = curriculum_editor_group_sync()
            if not user.groups.filter(pk=group.pk).exists():
                user.groups.add(group)
    return created


@dataclass(frozen=True)
class DemoMentor:
    email: str
    name: str
    organisation_type: str
    country: str
    time_zone: str
    headline: str
    current_role: str
    bio: str
    past_roles: str
    settings: tuple[str, ...]
    pathways: tuple[str, ...]
    teaches: dict[str, int]
    capacity: int = 2
    formats: tuple[str, ...] = ("video",)
    languages: tuple[str, ...] = ("en",)
    status: str = ApplicationStatus.APPROVED
    profile: dict = field(default_factory=dict)


DEMO_MENTORS = (
    DemoMentor(
        email="mentor@example.com",  # the demo mentor account, which can log in
        name="Dr Daniel Reyes",
        organisation_type=OrganisationType.DIGITAL_HEALTH,
        country="US",
        time_zone="America/New_York",
        headline="CMO of a virtual-care company; former emergency physician",
        current_role="Chief Medical Officer",
        bio="I moved from the emergency department into product teams, then into the "
        "C-suite of a digital-health company. I enjoy helping clinicians learn to speak "
        "the language of product, data and investors without losing the patient.",
        past_roles="Medical director, virtual care\nAttending physician, emergency medicine",
        settings=("digital-health-startup", "medtech-device"),
        pathways=("digital-health-startup-cmo", "cmio", "startup-advisor"),
        teaches={
            "product-management": 4,
            "informatics-ai": 4,
            "clinical-workflow-design": 4,
            "entrepreneurial-leadership": 3,
            "regulatory-strategy": 3,
            "board-executive-communication": 3,
            "negotiation-influence": 3,
            "finance-budgeting": 3,
        },
        capacity=3,
        formats=("video", "async"),
        languages=("en", "es"),
    ),
    DemoMentor(
        email="helen.park@example.com",
        name="Dr Helen Park",
        organisation_type=OrganisationType.HOSPITAL,
        country="US",
        time_zone="America/Chicago",
        headline="CMO of a five-hospital health system",
        current_role="Chief Medical Officer",
        bio="Internist, then quality lead, then CMO. I help physicians build the record in "
        "safety, credentialing and medical staff relations that hospital boards look for.",
        past_roles="Vice president of medical affairs\nChair of the quality committee",
        settings=("hospital-health-system", "academic-medical-centre"),
        pathways=("hospital-cmo", "hospital-vp-medical-affairs"),
        teaches={
            "quality-patient-safety": 4,
            "physician-relations": 4,
            "risk-credentialing": 4,
            "change-leadership": 4,
            "finance-budgeting": 3,
            "crisis-preparedness": 3,
        },
        capacity=4,  # two of the demo physicians have her; places remain for a visitor
        formats=("video", "in_person"),
    ),
    DemoMentor(
        email="tomas.alvarez@example.com",
        name="Dr Tomás Alvarez",
        organisation_type=OrganisationType.PHARMA,
        country="DE",
        time_zone="Europe/Berlin",
        headline="CMO of a mid-size biotech, twenty years in clinical development",
        current_role="Chief Medical Officer",
        bio="Oncologist turned drug developer. I mentor physicians moving into industry: "
        "trial design, safety, medical affairs and the regulators.",
        past_roles="Head of clinical development\nMedical director, pharmacovigilance",
        settings=("pharma-biotech", "medtech-device"),
        pathways=("pharma-biotech-cmo", "medtech-cmo"),
        teaches={
            "clinical-trials": 4,
            "pharmacovigilance": 4,
            "medical-affairs": 4,
            "regulatory-strategy": 4,
            "market-access": 3,
            "negotiation-influence": 3,
        },
        formats=("video", "async"),
        languages=("en", "de", "es"),
    ),
    DemoMentor(
        email="aiko.tanaka@example.com",
        name="Dr Aiko Tanaka",
        organisation_type=OrganisationType.PAYER,
        country="JP",
        time_zone="Asia/Tokyo",
        headline="Medical officer for a national insurer; population-health lead",
        current_role="Chief Medical Officer",
        bio="Public-health physician. I help clinicians see the system from the payer's "
        "side: payment models, value, and the data that proves it.",
        past_roles="Director of population health\nPublic-health officer",
        settings=("payer", "government-public-health"),
        pathways=("payer-cmo", "public-health-cmo"),
        teaches={
            "population-health": 4,
            "health-policy-payment": 4,
            "data-to-value": 4,
            "health-equity": 3,
        },
        capacity=1,
        formats=("async", "video"),
        languages=("en", "ja"),
    ),
    DemoMentor(
        email="ravi.menon@example.com",
        name="Dr Ravi Menon",
        organisation_type=OrganisationType.OTHER,
        country="IN",
        time_zone="Asia/Kolkata",
        headline="Board director of three health companies; former hospital CEO",
        current_role="Independent board director",
        bio="Cardiologist, hospital chief executive, now on boards. I help physicians "
        "prepare for their first board seat and for advising founders.",
        past_roles="Chief executive, hospital group\nChief Medical Officer",
        settings=("consumer-health", "digital-health-startup"),
        pathways=("board-director", "startup-advisor"),
        teaches={
            "board-executive-communication": 4,
            "strategic-thinking": 4,
            "ethics-professionalism": 4,
            "business-development": 3,
        },
        languages=("en", "hi"),
    ),
    DemoMentor(
        email="grace.liu@example.com",
        name="Dr Grace Liu",
        organisation_type=OrganisationType.ACADEMIC,
        country="US",
        time_zone="America/Los_Angeles",
        headline="Associate CMIO at an academic medical centre",
        current_role="Associate Chief Medical Information Officer",
        bio="Hospitalist and informaticist; applied to mentor, waiting for the team's review.",
        past_roles="Physician builder, electronic health record",
        settings=("academic-medical-centre",),
        pathways=("cmio",),
        teaches={"informatics-ai": 3, "clinical-workflow-design": 3},
        status=ApplicationStatus.PENDING,
    ),
)


def _mentor_as_shipped(profile: MentorProfile | None, data: dict, teaches: dict, status: str):
    """Whether the mentor profile is as shipped already, so that it need not be written."""
    if profile is None or profile.status != status:
        return False
    for name, value in data.items():
        if name in ("settings_known", "pathways_known"):
            if set(getattr(profile, name).all()) != set(value):
                return False
        elif getattr(profile, name) != value:
            return False
    return dict(profile.teaches.values_list("competency_id", "level")) == teaches


@transaction.atomic
def demo_mentors_load() -> int:
    """Create or refresh the demo mentors; returns how many there are. Needs the
    curriculum loaded first (their settings, pathways and competencies)."""
    competencies = dict(Competency.objects.values_list("slug", "pk"))
    settings_by_slug = {s.slug: s for s in Setting.objects.all()}
    pathways_by_slug = {p.slug: p for p in Pathway.objects.all()}
    for demo in DEMO_MENTORS:
        user, created = User.objects.get_or_create(email=demo.email)
        if created:
            user.set_unusable_password()
            user.save()
            _address_verified(user)
        if not hasattr(user, "profile"):
            profile_save(
                user=user,
                data={
                    "full_name": demo.name,
                    "career_stage": CareerStage.PHYSICIAN_LEADER,
                    "specialty": "Medicine",
                    "years_since_residency": 18,
                    "current_role": demo.current_role,
                    "organisation_type": demo.organisation_type,
                    "country": demo.country,
                    "time_zone": demo.time_zone,
                    "intent": "mentor",
                },
            )
        data = {
            "headline": demo.headline,
            "bio": demo.bio,
            "current_role": demo.current_role,
            "past_roles": demo.past_roles,
            "capacity": demo.capacity,
            "time_zone": demo.time_zone,
            "offers_video": "video" in demo.formats,
            "offers_in_person": "in_person" in demo.formats,
            "offers_async": "async" in demo.formats,
            "languages": list(demo.languages),
            "accepting_requests": True,
            "settings_known": [settings_by_slug[s] for s in demo.settings if s in settings_by_slug],
            "pathways_known": [pathways_by_slug[p] for p in demo.pathways if p in pathways_by_slug],
        }
        teaches = {competencies[c]: level for c, level in demo.teaches.items() if c in competencies}
        current = MentorProfile.objects.filter(user=user).first()
        if not _mentor_as_shipped(current, data, teaches, demo.status):
            profile, _ = mentor_profile_save(user=user, data=data, teaches=teaches)
            MentorProfile.objects.filter(pk=profile.pk).update(status=demo.status)
    return len(DEMO_MENTORS)
