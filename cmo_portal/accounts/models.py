"""Users log in with their email address; everything about them as a physician lives
on their Profile."""

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django_countries.fields import CountryField

from cmo_portal import clock
from cmo_portal.time_zones import validate_time_zone


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> "User":
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not extra_fields["is_staff"] or not extra_fields["is_superuser"]:
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """Everyone who signs up is a physician; staff is Django's flag; the mentor role is
    granted by staff when they approve a mentor profile (the mentors app)."""

    # AbstractUser's name fields, removed (django-stubs types them as always there).
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]
        # Support is this permission, never the staff flag: see cmo_portal/accounts/access.py.
        permissions = [("view_physician_records", "Can view physician records (support)")]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        """The one way the site names a person: the profile's full name, or the email
        address until there is one. A mentor profile's `display_name` is this too."""
        profile = getattr(self, "profile", None)
        return profile.full_name if profile and profile.full_name else self.email

    def get_short_name(self) -> str:
        return self.get_full_name()


# How the site names someone whose account was deleted: what they left on other people's
# records (comments, reviews, ratings, mentorships) stays, attributed to one of these.
# The one definition of the wording; templates use the filters in templatetags/people.py.
FORMER_MEMBER = "a former member"
FORMER_MENTOR = "a former mentor"
# Why a mentee's requests and mentorships closed when their mentor's account went.
MENTOR_DELETED_REASON = "The mentor's account was deleted."


def name_or_former(person, *, former: str = FORMER_MEMBER) -> str:
    """The name the site shows for a user or a mentor profile (anything with a
    `display_name` or `get_full_name`), or `former` when the account is gone (None)."""
    if person is None:
        return former
    display_name = getattr(person, "display_name", None)
    return display_name if isinstance(display_name, str) else person.get_full_name()


class CareerStage(models.TextChoices):
    MEDICAL_STUDENT = "medical_student", "Medical student"
    RESIDENT = "resident", "Resident"
    FELLOW = "fellow", "Fellow"
    PRACTISING = "practising", "Practising physician"
    PHYSICIAN_LEADER = "physician_leader", "Physician leader"


class OrganisationType(models.TextChoices):
    HOSPITAL = "hospital", "Hospital or health system"
    ACADEMIC = "academic", "Academic medical centre"
    PRIVATE_PRACTICE = "private_practice", "Private or group practice"
    PAYER = "payer", "Payer or health insurer"
    PHARMA = "pharma", "Pharma or biotech"
    MEDTECH = "medtech", "Medtech or device company"
    DIGITAL_HEALTH = "digital_health", "Digital-health start-up"
    CONSUMER_HEALTH = "consumer_health", "Consumer health company"
    GOVERNMENT = "government", "Government or public health"
    OTHER = "other", "Other"


class Intent(models.TextChoices):
    GROW = "grow", "Find my way to a CMO role"
    MENTOR = "mentor", "Mentor physicians on their way"
    BOTH = "both", "Both"


class Profile(models.Model):
    """What a physician tells us about themselves after signing up. Created the first
    time they save the profile form, so a user without one simply has not filled it in."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    full_name = models.CharField("full name", max_length=150)
    career_stage = models.CharField(max_length=32, choices=CareerStage.choices)
    specialty = models.CharField(
        max_length=120, help_text="Your clinical specialty, or the one you intend to train in."
    )
    years_since_residency = models.PositiveSmallIntegerField(
        "years of practice since residency",
        null=True,
        blank=True,
        validators=[MaxValueValidator(60)],
        help_text="Leave empty if you have not finished residency.",
    )
    current_role = models.CharField(
        max_length=150, blank=True, help_text="For example: hospitalist, medical director."
    )
    organisation_type = models.CharField(
        "organisation type", max_length=32, choices=OrganisationType.choices, blank=True
    )
    country = CountryField(blank_label="Choose your country")
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    intent = models.CharField(
        "What brings you here?",
        max_length=8,
        choices=Intent.choices,
        default=Intent.GROW,
        help_text="It shapes the steps we lead you through. You can change it at any time.",
    )
    # Onboarding steps that leave no other trace: {"results_seen": true,
    # "mentors_skipped": true}. See cmo_portal/home/onboarding.py.
    onboarding = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.user.get_full_name()

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile-detail", kwargs={"user_id": self.user_id})

    def clean(self) -> None:
        super().clean()
        in_training = self.career_stage in {
            CareerStage.MEDICAL_STUDENT,
            CareerStage.RESIDENT,
        }
        if in_training and self.years_since_residency:
            raise ValidationError(
                {
                    "years_since_residency": "Students and residents have not finished "
                    "residency yet: leave this empty or choose another career stage."
                }
            )
        after_training = self.career_stage in {
            CareerStage.PRACTISING,
            CareerStage.PHYSICIAN_LEADER,
        }
        if after_training and self.years_since_residency is None:
            raise ValidationError(
                {
                    "years_since_residency": "Say how many years you have practised since "
                    "residency (0 if you finished this year)."
                }
            )


class DataKind(models.TextChoices):
    """What of a person's data a page shows; the access rule is asked about one of these."""

    PLAN = "plan", "your career plan"
    RESULTS = "results", "your results"
    RATINGS = "ratings", "your rubric ratings"
    ASSESSMENT = "assessment", "your needs assessment"
    PROFILE = "profile", "your profile"
    MENTORSHIP = "mentorship", "a mentorship of yours"
    MENTOR_PROFILE = "mentor_profile", "your mentor profile"


class DataAccessLog(models.Model):
    """One look by a support member at a person's data, for that person to read on
    "Who has seen my data". The row outlives the support member's account (viewer becomes
    empty) but not the person's."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="data_access_log")
    viewer = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    path = models.CharField("page", max_length=500)
    what = models.CharField(max_length=20, choices=DataKind.choices)
    seen_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-seen_at", "-pk"]
        indexes = [models.Index(fields=["person", "-seen_at"], name="data_access_person_seen")]

    def __str__(self) -> str:
        return f"{self.viewer or 'a former support member'} saw {self.path} of {self.person}"
