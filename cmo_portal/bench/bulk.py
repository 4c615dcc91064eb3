"""The bulk part of the benchmark's data set (seeding.py): physicians, approved mentors,
needs assessments, rating sets, plans and mentorships, written with bulk_create straight
through the models in the order their foreign keys need. Random but repeatable: the same
seed gives the same rows."""

import datetime
import random
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from assessments.models import NeedsAssessment, RaterRole, Rating, RatingSet, TargetPathway
from cmo_portal import clock
from cmo_portal.accounts.models import CareerStage, Intent, OrganisationType, Profile, User
from mentors.models.mentorships import Mentorship, MentorshipStatus
from mentors.models.profiles import ApplicationStatus, MentorProfile, TeachableCompetency
from pathways.models.curriculum import Competency, Pathway, Setting
from pathways.models.opportunities import LearningModule, Opportunity
from pathways.models.plan import (
    CareerPlan,
    ItemStatus,
    PlanAction,
    PlanGoal,
    PlanSection,
    PlanStatus,
)

# Every account the bulk seeding makes has an address at this domain.
BENCH_DOMAIN = "bench.example.com"
BATCH = 2000


@dataclass(frozen=True)
class Sizes:
    physicians: int
    mentors: int
    items: int  # plan goals and actions together


FIRST_NAMES = ("Amina", "Ben", "Carla", "Dev", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jon")
LAST_NAMES = ("Abbott", "Banerjee", "Chen", "Diaz", "Eze", "Fischer", "Gupta", "Haas", "Ito")
SPECIALTIES = ("Internal medicine", "Emergency medicine", "Paediatrics", "Surgery", "Psychiatry")
PLACES = (
    ("US", "America/Chicago"),
    ("US", "America/New_York"),
    ("GB", "Europe/London"),
    ("DE", "Europe/Berlin"),
    ("IN", "Asia/Kolkata"),
    ("AU", "Australia/Sydney"),
)
STAGES = (
    (CareerStage.MEDICAL_STUDENT, None),
    (CareerStage.RESIDENT, None),
    (CareerStage.FELLOW, 0),
    (CareerStage.PRACTISING, 8),
    (CareerStage.PHYSICIAN_LEADER, 15),
)


class Bulk:
    """The bulk part of the seeding, in the order the foreign keys need."""

    def __init__(self, sizes: Sizes, random_seed: int):
        self.sizes = sizes
        self.rng = random.Random(random_seed)  # noqa: S311 - sample data, not secrets
        self.now = clock.now()
        self.today = clock.today()
        self.competencies = list(Competency.objects.values_list("pk", "name"))
        self.pathways = list(Pathway.objects.values_list("pk", flat=True))
        self.settings = list(Setting.objects.values_list("pk", flat=True))
        self.modules = list(LearningModule.objects.values_list("pk", flat=True))
        self.opportunities = list(Opportunity.objects.values_list("pk", flat=True))
        self.profile_of: dict[int, Profile] = {}
        self.targets: dict[int, int] = {}  # physician -> the pathway of their plan

    def ago(self, days_max: int) -> datetime.datetime:
        return self.now - datetime.timedelta(days=self.rng.randint(1, days_max))

    def run(self) -> None:
        physicians = self.people("physician", self.sizes.physicians, Intent.GROW)
        mentors = self.people("mentor", self.sizes.mentors, Intent.MENTOR)
        assessed = self.assessments(physicians)
        self.rating_sets(assessed, rater_of={})
        plans = self.plans(assessed)
        profiles = self.mentor_profiles(mentors)
        self.mentorships(profiles, [plan.owner for plan in plans])

    def people(self, kind: str, count: int, intent: str) -> list[User]:
        password = make_password(None)  # unusable: nobody logs in as them
        users = User.objects.bulk_create(
            (
                User(email=f"{kind}-{i:05d}@{BENCH_DOMAIN}", password=password)
                for i in range(1, count + 1)
            ),
            batch_size=BATCH,
        )
        EmailAddress.objects.bulk_create(
            (EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users),
            batch_size=BATCH,
        )
        profiles = []
        for user in users:
            stage, years = self.rng.choice(STAGES[3:] if kind == "mentor" else STAGES)
            country, time_zone = self.rng.choice(PLACES)
            profiles.append(
                Profile(
                    user=user,
                    full_name=f"Dr {self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}",
                    career_stage=stage,
                    specialty=self.rng.choice(SPECIALTIES),
                    years_since_residency=None if years is None else years + self.rng.randint(0, 9),
                    current_role="Chief Medical Officer" if kind == "mentor" else "Physician",
                    organisation_type=self.rng.choice(OrganisationType.values),
                    country=country,
                    time_zone=time_zone,
                    intent=intent,
                    onboarding={"results_seen": True},
                )
            )
        Profile.objects.bulk_create(profiles, batch_size=BATCH)
        self.profile_of.update((p.user_id, p) for p in profiles)
        return users

    def assessments(self, physicians: list[User]) -> list[User]:
        """Nine in ten physicians finished the needs assessment, aiming at one or two
        pathways; returns them."""
        assessed = [u for u in physicians if self.rng.random() < 0.9] or physicians[:1]
        rows = NeedsAssessment.objects.bulk_create(
            (
                NeedsAssessment(
                    user=user,
                    step_reached=len(NeedsAssessment.STEPS),
                    completed_at=self.ago(400),
                    career_stage=self.profile_of[user.pk].career_stage,
                    specialty=self.profile_of[user.pk].specialty,
                    hours_per_week=self.rng.choice((2, 4, 6)),
                    mentoring_formats=["video"],
                )
                for user in assessed
            ),
            batch_size=BATCH,
        )
        targets = []
        for user, assessment in zip(assessed, rows, strict=True):
            chosen = self.rng.sample(self.pathways, min(2, len(self.pathways)))
            self.targets[user.pk] = chosen[0]
            targets += [
                TargetPathway(assessment=assessment, pathway_id=p, rank=rank)
                for rank, p in enumerate(chosen[: self.rng.randint(1, 2)], start=1)
            ]
        TargetPathway.objects.bulk_create(targets, batch_size=BATCH)
        return assessed

    def rating_sets(self, subjects: list[User], rater_of: dict[int, int]) -> None:
        """One to three submitted self-ratings for each subject, every competency rated;
        a mentor's rating set for each mentee in `rater_of` (mentee id -> mentor user id)."""
        sets = []
        for user in subjects:
            sets += [
                RatingSet(
                    subject=user, rater=user, rater_role=RaterRole.SELF, submitted_at=self.ago(365)
                )
                for _ in range(self.rng.randint(1, 3))
            ]
        sets += [
            RatingSet(
                subject_id=mentee,
                rater_id=mentor,
                rater_role=RaterRole.MENTOR,
                submitted_at=self.ago(60),
            )
            for mentee, mentor in rater_of.items()
        ]
        created = RatingSet.objects.bulk_create(sets, batch_size=BATCH)
        ratings = (
            Rating(rating_set=rating_set, competency_id=pk, level=self.rng.randint(1, 4))
            for rating_set in created
            for pk, _ in self.competencies
        )
        Rating.objects.bulk_create(ratings, batch_size=5000)

    def plans(self, owners: list[User]) -> list[CareerPlan]:
        """Plans of about a dozen items for as many physicians as the items need, the
        items (goals and actions) adding up to exactly `sizes.items`."""
        total = self.sizes.items
        count = min(len(owners), max(1, -(-total // 12)))
        plans = CareerPlan.objects.bulk_create(
            (
                CareerPlan(
                    owner=owner,
                    pathway_id=self.targets[owner.pk],
                    status=self.rng.choice(
                        (PlanStatus.ACTIVE, PlanStatus.ACTIVE, PlanStatus.DRAFT)
                    ),
                    generated_at=self.ago(300),
                    hours_per_week=4,
                )
                for owner in owners[:count]
            ),
            batch_size=BATCH,
        )
        shares = [total // count + (i < total % count) for i in range(count)]
        goals, actions_of = [], []
        for plan, share in zip(plans, shares, strict=True):
            goal_count = max(1, round(share / 4)) if share else 0
            for order in range(goal_count):
                competency, name = self.rng.choice(self.competencies)
                goals.append(
                    PlanGoal(
                        plan=plan,
                        section=self.rng.choice(PlanSection.values),
                        competency_id=competency,
                        target_level=3,
                        title=f"Reach level 3 in {name}",
                        order=order,
                        generated_key=f"bench-goal-{order}",
                        status=self._status(),
                        due_date=self.today + datetime.timedelta(days=self.rng.randint(-60, 700)),
                    )
                )
                # The plan's actions, shared out over its goals.
                spare = share - goal_count
                actions_of.append(spare // goal_count + (order < spare % goal_count))
        goals = PlanGoal.objects.bulk_create(goals, batch_size=BATCH)
        PlanAction.objects.bulk_create(
            (
                self._action(goal, order)
                for goal, count in zip(goals, actions_of, strict=True)
                for order in range(count)
            ),
            batch_size=BATCH,
        )
        return plans

    def _status(self) -> str:
        return self.rng.choices(
            (ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS, ItemStatus.DONE), (5, 2, 3)
        )[0]

    def _action(self, goal: PlanGoal, order: int) -> PlanAction:
        module = self.rng.choice(self.modules) if self.modules and order % 2 == 0 else None
        opportunity = (
            self.rng.choice(self.opportunities) if self.opportunities and order % 2 else None
        )
        return PlanAction(
            goal=goal,
            title=f"Step {order + 1} towards {goal.title.lower()}",
            order=order,
            generated_key=f"bench-action-{order}",
            status=self._status(),
            effort_hours=self.rng.randint(1, 20),
            module_id=module,
            opportunity_id=opportunity,
            due_date=self.today + datetime.timedelta(days=self.rng.randint(-60, 700)),
        )

    def mentor_profiles(self, mentors: list[User]) -> list[MentorProfile]:
        """Approved mentors, each teaching six to ten competencies and knowing two
        settings and three pathways."""
        profiles = MentorProfile.objects.bulk_create(
            (
                MentorProfile(
                    user=user,
                    status=ApplicationStatus.APPROVED,
                    headline="Chief Medical Officer who mentors physicians on the way",
                    bio="Clinician turned executive; happy to talk through the next step.",
                    current_role="Chief Medical Officer",
                    capacity=self.rng.randint(1, 4),
                    time_zone=self.profile_of[user.pk].time_zone,
                    offers_video=True,
                    offers_async=self.rng.random() < 0.5,
                    languages=["en"],
                    reviewed_at=self.ago(500),
                )
                for user in mentors
            ),
            batch_size=BATCH,
        )
        known_settings = MentorProfile.settings_known.through
        known_pathways = MentorProfile.pathways_known.through
        known_settings.objects.bulk_create(
            known_settings(mentorprofile=p, setting_id=s)
            for p in profiles
            for s in self.rng.sample(self.settings, min(2, len(self.settings)))
        )
        known_pathways.objects.bulk_create(
            known_pathways(mentorprofile=p, pathway_id=s)
            for p in profiles
            for s in self.rng.sample(self.pathways, min(3, len(self.pathways)))
        )
        TeachableCompetency.objects.bulk_create(
            (
                TeachableCompetency(mentor=p, competency_id=c, level=self.rng.randint(2, 4))
                for p in profiles
                for c, _ in self.rng.sample(
                    self.competencies, min(len(self.competencies), self.rng.randint(6, 10))
                )
            ),
            batch_size=BATCH,
        )
        return profiles

    def mentorships(self, profiles: list[MentorProfile], mentees: list[User]) -> None:
        """Each mentor has active mentees below their capacity and one past mentorship
        that ended or was declined; half of the active mentees have the mentor's rating."""
        pool = list(mentees)
        self.rng.shuffle(pool)
        rows, rater_of = [], {}
        for profile in profiles:
            for _ in range(self.rng.randint(0, profile.capacity - 1)):
                if not pool:
                    break
                mentee = pool.pop()
                start = self.ago(200)
                rows.append(self._mentorship(profile, mentee, MentorshipStatus.ACTIVE, start))
                if self.rng.random() < 0.5:
                    rater_of[mentee.pk] = profile.user_id
            if mentees:
                closed = self.rng.choice((MentorshipStatus.ENDED, MentorshipStatus.DECLINED))
                rows.append(
                    self._mentorship(profile, self.rng.choice(mentees), closed, self.ago(600))
                )
        Mentorship.objects.bulk_create(rows, batch_size=BATCH)
        self.rating_sets([], rater_of=rater_of)

    def _mentorship(
        self, profile: MentorProfile, mentee: User, status: str, at: datetime.datetime
    ) -> Mentorship:
        answered = at + datetime.timedelta(hours=self.rng.randint(2, 60))
        ended = status in (MentorshipStatus.ENDED, MentorshipStatus.DECLINED)
        return Mentorship(
            mentee=mentee,
            mentor=profile,
            status=status,
            message="I would value your advice on the road to a CMO role.",
            requested_at=at,
            expires_at=at + datetime.timedelta(days=3),
            responded_at=answered,
            started_at=None if status == MentorshipStatus.DECLINED else answered,
            ended_at=answered + datetime.timedelta(days=90) if ended else None,
        )
