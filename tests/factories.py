import datetime
import time

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from assessments import services as assessment_services
from cmo_portal.accounts.models import CareerStage, OrganisationType, Profile, User
from mentors.models.mentorships import MentorshipStatus
from mentors.models.profiles import MentorProfile
from pathways.models.curriculum import Pathway

PASSWORD = "Correct-horse-battery-9"


def second_factor_for(user: User) -> str:
    """Turn on two-factor authentication for `user` as allauth's set-up does (an
    authenticator app and recovery codes); returns the TOTP secret, from which a test can
    compute codes."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    return secret


def grant_support(user: User) -> User:
    """Make `user` a support member: the permission to view physician records."""
    from django.contrib.auth.models import Permission

    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="accounts", codename="view_physician_records"
        )
    )
    return user


def totp_code(secret: str) -> str:
    """The code an authenticator app shows now for `secret`. Near the end of its 30-second
    step it waits for the next one, so the code is still good when it is typed."""
    if 30 - time.time() % 30 < 3:
        time.sleep(30 - time.time() % 30)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


class UserFactory(factory.django.DjangoModelFactory):
    """A user with a verified email address; `UserFactory(second_factor=True)` also has
    two-factor authentication on, as staff and support need."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create: bool, extracted: bool | None, **kwargs) -> None:
        """Allauth lets in only users with a verified address; tests opt out with
        verified_email=False."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()

    @factory.post_generation
    def second_factor(self, create: bool, extracted: bool | None, **kwargs) -> None:
        if create and extracted:
            second_factor_for(self)


class ProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Profile

    user = factory.SubFactory(UserFactory)
    full_name = factory.Faker("name")
    career_stage = CareerStage.PRACTISING
    specialty = "Internal medicine"
    years_since_residency = 6
    current_role = "Hospitalist"
    organisation_type = OrganisationType.HOSPITAL
    country = "US"
    time_zone = "America/Chicago"


# --- Curriculum ------------------------------------------------------------------------


class SettingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pathways.Setting"
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"setting-{n}")
    name = factory.Sequence(lambda n: f"Setting {n}")


class RoleKindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pathways.RoleKind"
        django_get_or_create = ("slug",)

    slug = "chief-officer"
    name = "Chief officer"
    summary = "A seat in the C-suite."
    accountability = "Answers to the chief executive for medical affairs."
    time_commitment = "Full time."
    compensation = "Salary, bonus and often equity."


class ProficiencyLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pathways.ProficiencyLevel"
        django_get_or_create = ("number",)

    number = 1
    name = factory.LazyAttribute(
        lambda o: ["Novice", "Developing", "Proficient", "Expert"][o.number - 1]
    )
    summary = "A step of the scale."


def make_scale() -> None:
    for number in (1, 2, 3, 4):
        ProficiencyLevelFactory(number=number)


class CompetencyDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pathways.CompetencyDomain"

    slug = factory.Sequence(lambda n: f"domain-{n}")
    name = factory.Sequence(lambda n: f"Domain {n}")


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pathways.Competency"
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"competency-{n}")
    name = factory.Sequence(lambda n: f"Competency {n}")
    description = "What it is."
    domain = factory.SubFactory(CompetencyDomainFactory)

    @factory.post_generation
    def levels(self, create: bool, extracted, **kwargs) -> None:
        if create:
            from pathways.models.curriculum import RubricLevel

            RubricLevel.objects.bulk_create(
                RubricLevel(competency=self, level=n, descriptor=f"Behaviour at level {n}.")
                for n in (1, 2, 3, 4)
            )


class PathwayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pathways.Pathway"

    slug = factory.Sequence(lambda n: f"pathway-{n}")
    title = factory.Sequence(lambda n: f"Chief Medical Officer {n}")
    setting = factory.SubFactory(SettingFactory)
    role_kind = factory.SubFactory(RoleKindFactory)
    summary = "Leads medical affairs."
    responsibilities = "Quality and safety\nPhysician relations"
    years_clinical_min = 5
    years_clinical_max = 10
    compensation = "Salary and bonus."
    earliest_stage = "practising"
    latest_stage = "physician_leader"


class PathwayCompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pathways.PathwayCompetency"

    pathway = factory.SubFactory(PathwayFactory)
    competency = factory.SubFactory(CompetencyFactory)
    target_level = 3
    weight = 2


class LearningModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pathways.LearningModule"
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"module-{n}")
    title = factory.Sequence(lambda n: f"Module {n}")
    objective = "Lead a quality programme."
    description = "A module."
    kind = "course"
    format = "online"
    effort_hours = 10
    # Taken elsewhere unless it is a lesson (LessonFactory): it names who provides it.
    delivery = "school"
    provider = "A school's executive programme"

    @factory.post_generation
    def competencies(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.competencies.set(extracted)


class LessonFactory(LearningModuleFactory):
    """A module taken on the site as a lesson, with `sections` sections, two reflection
    questions and `questions` self-check questions whose right choice is the second."""

    delivery = "site"
    provider = ""
    effort_hours = 2

    @factory.post_generation
    def parts(self, create: bool, extracted, sections: int = 3, questions: int = 3) -> None:
        if not create:
            return
        from pathways.models.lessons import LessonSection, ReflectionQuestion, SelfCheckQuestion

        for order in range(sections):
            LessonSection.objects.create(
                module=self,
                order=order,
                heading=f"Section {order + 1}",
                body=f"Paragraph of section {order + 1}.\n\n- a point\n- another point",
            )
        for order in range(2):
            ReflectionQuestion.objects.create(
                module=self, order=order, prompt=f"Reflection {order + 1}?"
            )
        for order in range(questions):
            SelfCheckQuestion.objects.create(
                module=self,
                order=order,
                question=f"Question {order + 1}?",
                choices="Wrong\nRight\nAlso wrong",
                answer=2,
                explanation="Because the second is right.",
            )


class LessonProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pathways.LessonProgress"

    user = factory.SubFactory(UserFactory)
    module = factory.SubFactory(LessonFactory)


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pathways.Opportunity"
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"opportunity-{n}")
    title = factory.Sequence(lambda n: f"Opportunity {n}")
    kind = "fellowship"
    # A real listing, so its deadline dates the plan's action; examples say so.
    listing = "real"
    url = "https://opportunities.example.org/apply"
    organisation = "A health system"
    description = "An opportunity."
    format = "hybrid"
    deadline = None

    @factory.post_generation
    def pathways(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.pathways.set(extracted)


# --- Mentors ---------------------------------------------------------------------------


class MentorProfileFactory(factory.django.DjangoModelFactory):
    """An approved mentor with two free places, in New York, on video calls."""

    class Meta:
        model = "mentors.MentorProfile"
        skip_postgeneration_save = True

    user = factory.LazyFunction(
        lambda: ProfileFactory(career_stage=CareerStage.PHYSICIAN_LEADER).user
    )
    status = "approved"
    headline = "Chief Medical Officer"
    bio = "Twenty years in hospital leadership."
    current_role = "Chief Medical Officer"
    capacity = 2
    time_zone = "America/New_York"
    languages = factory.LazyFunction(lambda: ["en"])

    @factory.post_generation
    def teaches(self, create: bool, extracted: dict | None, **kwargs) -> None:
        """teaches={Competency: level}"""
        if create and extracted:
            from mentors.models.profiles import TeachableCompetency

            TeachableCompetency.objects.bulk_create(
                TeachableCompetency(mentor=self, competency=c, level=level)
                for c, level in extracted.items()
            )


class MentorshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "mentors.Mentorship"

    mentee = factory.LazyFunction(lambda: ProfileFactory().user)
    mentor = factory.SubFactory(MentorProfileFactory)
    status = "requested"
    message = "I would value your advice on moving into a CMO role."
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))


def make_mentor(name: str, **kwargs) -> MentorProfile:
    """An approved mentor (unless told otherwise) called `name`."""
    user = ProfileFactory(full_name=name, career_stage="physician_leader").user
    return MentorProfileFactory(user=user, **kwargs)


def fill(profile: MentorProfile, count: int | None = None) -> None:
    """Give the mentor `count` active mentees (their whole capacity by default)."""
    for _ in range(profile.capacity if count is None else count):
        MentorshipFactory(mentor=profile, status=MentorshipStatus.ACTIVE)


# --- Plans -----------------------------------------------------------------------------


class CareerPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pathways.CareerPlan"

    owner = factory.LazyFunction(lambda: ProfileFactory().user)
    pathway = factory.SubFactory(PathwayFactory)


class PlanGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pathways.PlanGoal"

    plan = factory.SubFactory(CareerPlanFactory)
    title = factory.Sequence(lambda n: f"Goal {n}")
    section = "experiential"


class PlanActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "pathways.PlanAction"

    goal = factory.SubFactory(PlanGoalFactory)
    title = factory.Sequence(lambda n: f"Action {n}")


# --- Account security and admin history ------------------------------------------------


class AuthenticatorFactory(factory.django.DjangoModelFactory):
    """A TOTP device; its secret is what a data export must never show."""

    class Meta:
        model = "mfa.Authenticator"

    user = factory.SubFactory(UserFactory)
    type = "totp"
    data = factory.LazyFunction(lambda: {"secret": "JBSWY3DPEHPK3PXPTOTPSECRET"})


class LogEntryFactory(factory.django.DjangoModelFactory):
    """A line of admin history: `obj` is what it is about."""

    class Meta:
        model = "admin.LogEntry"
        exclude = ("obj",)

    obj = factory.SubFactory(SettingFactory)
    user = factory.SubFactory(UserFactory, is_staff=True)
    content_type = factory.LazyAttribute(lambda o: ContentType.objects.get_for_model(o.obj))
    object_id = factory.LazyAttribute(lambda o: str(o.obj.pk))
    object_repr = factory.LazyAttribute(lambda o: str(o.obj)[:200])
    action_flag = 2  # changed
    change_message = '[{"changed": {"fields": ["Name"]}}]'


# --- A small curriculum, a finished assessment, submitted ratings -----------------------


def two_pathway_curriculum() -> dict:
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


def complete_assessment(user, *pathways: Pathway, **answers):
    """A finished needs assessment aiming at `pathways`, in that order; `answers`
    replace the defaults of any step (career_stage="resident", time_horizon="10", ...)."""
    assessment = assessment_services.assessment_start_or_resume(user=user)

    def step(number: int, data: dict) -> None:
        data = data | {key: value for key, value in answers.items() if key in data}
        assessment_services.assessment_save_step(assessment=assessment, step=number, data=data)

    step(
        1,
        {
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
    step(
        2,
        {
            "time_horizon": "3",
            "hours_per_week": 5,
            "willing_to_relocate": "maybe",
            "target_pathways": list(pathways),
            "settings_of_interest": [],
        },
    )
    step(
        3,
        {
            "mentoring_goals": "",
            "mentoring_formats": ["video"],
            "mentoring_frequency": "monthly",
        },
    )
    assessment_services.assessment_complete(assessment=assessment)
    return assessment


def submit_ratings(subject, levels: dict, *, rater=None, role: str = "self"):
    """Submit a rating set: {Competency: level}."""
    rating_set = assessment_services.rating_draft_get_or_create(
        subject=subject, rater=rater or subject, role=role
    )
    assessment_services.rating_draft_save(
        rating_set=rating_set, ratings={c.pk: (level, "") for c, level in levels.items()}
    )
    return assessment_services.rating_set_submit(rating_set=rating_set)


def rubric_field(competency, kind: str = "level") -> str:
    """The rubric form's field for a competency: its level, or its "evidence" note."""
    return f"{kind}_{competency.pk}"


# --- Mentorship agreements and end feedback (issue 19, part A) ------------------------


class MentorshipAgreementFactory(factory.django.DjangoModelFactory):
    """Version 1, proposed by the mentee and confirmed by them only."""

    class Meta:
        model = "mentors.MentorshipAgreement"

    mentorship = factory.SubFactory(MentorshipFactory, status=MentorshipStatus.ACTIVE)
    version = 1
    cadence = "monthly"
    meeting_format = "video"
    confidentiality = "What we say stays between us."
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=180))
    proposed_by = "mentee"
    proposed_at = factory.LazyFunction(timezone.now)
    mentee_confirmed_at = factory.LazyFunction(timezone.now)


class EndFeedbackFactory(factory.django.DjangoModelFactory):
    """The mentee's feedback on an ended mentorship, not shown on the profile."""

    class Meta:
        model = "mentors.EndFeedback"

    mentorship = factory.SubFactory(MentorshipFactory, status=MentorshipStatus.ENDED)
    side = "mentee"
    helped = "yes"
    would_again = True
    created_at = factory.LazyFunction(timezone.now)


# --- Meetings (issue 19, part B) --------------------------------------------------------


class MeetingFactory(factory.django.DjangoModelFactory):
    """A meeting of an active mentorship, its times proposed (add `ProposedTimeFactory`
    rows) and no time picked yet; `status="scheduled"` with `starts_at` for a scheduled one."""

    class Meta:
        model = "mentors.Meeting"

    mentorship = factory.SubFactory(MentorshipFactory, status=MentorshipStatus.ACTIVE)
    topic = factory.Sequence(lambda n: f"Meeting {n}")


class ProposedTimeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "mentors.ProposedTime"

    meeting = factory.SubFactory(MeetingFactory)
    starts_at = factory.Sequence(
        lambda n: (
            timezone.now().replace(microsecond=0, second=0) + datetime.timedelta(days=2, hours=n)
        )
    )


class MeetingNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "mentors.MeetingNote"

    meeting = factory.SubFactory(
        MeetingFactory,
        status="scheduled",
        starts_at=factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=2)),
    )
    author = factory.LazyAttribute(lambda note: note.meeting.mentorship.mentee)
    body = "We talked about the interview."
    shared = True


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "mentors.ActionItem"

    note = factory.SubFactory(MeetingNoteFactory)
    title = factory.Sequence(lambda n: f"Action item {n}")
