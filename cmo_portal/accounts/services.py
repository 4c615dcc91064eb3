"""Writes to accounts and profiles."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.db import transaction

from .models import CareerStage, DataAccessLog, OrganisationType, Profile, User


@transaction.atomic
def profile_save(*, user: User, data: dict) -> Profile:
    """Create or update the user's profile from validated form data."""
    profile, _ = Profile.objects.select_for_update().get_or_create(user=user, defaults=data)
    for field, value in data.items():
        setattr(profile, field, value)
    profile.full_clean()
    profile.save()
    # Digests and reminders start with the profile, at 8:00 in its time zone.
    from cmo_portal.notifications.services import preferences_for

    preferences_for(user)
    return profile


def profile_onboarding_mark(*, profile: Profile | None, flag: str) -> None:
    """Record an onboarding step that leaves no other trace (results seen, mentor step
    skipped): one write, the first time only. See cmo_portal/journey.py."""
    if profile is not None and not profile.onboarding.get(flag):
        profile.onboarding = {**profile.onboarding, flag: True}
        profile.save(update_fields=["onboarding", "updated_at"])


def data_access_log_record(*, entries: list[DataAccessLog]) -> None:
    """Write support views to the people's access logs (see cmo_portal/accounts/access.py:
    the rule collects them while a page is served, the middleware writes them once it
    was)."""
    DataAccessLog.objects.bulk_create(entries)


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
        profile={
            "full_name": "Dr Amara Okafor",
            "career_stage": CareerStage.PRACTISING,
            "specialty": "Internal medicine",
            "years_since_residency": 7,
            "current_role": "Hospitalist and quality committee chair",
            "organisation_type": OrganisationType.HOSPITAL,
            "country": "US",
            "time_zone": "America/Chicago",
        },
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


@transaction.atomic
def demo_accounts_load() -> set[str]:
    """Create the demo accounts, or put them back as shipped: verified email, known
    password, filled-in profile. Returns the emails of the accounts it created."""
    created: set[str] = set()
    for account in DEMO_ACCOUNTS:
        user, was_created = User.objects.get_or_create(email=account.email)
        if was_created:
            created.add(account.email)
        user.is_staff = account.is_staff
        user.is_superuser = account.is_superuser
        user.is_active = True
        user.set_password(account.password)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
        profile_save(user=user, data=account.profile)
        if account.curriculum_editor:
            # The editor is staff with only the curriculum's permissions, not a superuser.
            from pathways.services import curriculum_editor_group_sync

            user.groups.add(curriculum_editor_group_sync())
    return created
