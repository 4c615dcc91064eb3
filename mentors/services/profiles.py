"""Writes for mentor profiles: the application, its review by staff, pausing requests."""

from django.db import transaction

from cmo_portal import clock
from cmo_portal.accounts.models import User
from mentors import emails
from mentors.models.profiles import ApplicationStatus, MentorProfile, TeachableCompetency

PROFILE_FIELDS = (
    "headline",
    "bio",
    "current_role",
    "past_roles",
    "capacity",
    "time_zone",
    "offers_video",
    "offers_in_person",
    "offers_async",
    "languages",
    "accepting_requests",
    "pause_note",
)


@transaction.atomic
def mentor_profile_save(
    *, user: User, data: dict, teaches: dict[int, int]
) -> tuple[MentorProfile, bool]:
    """Apply to mentor, or update the profile. `teaches`: competency id -> level.
    A profile that was not approved goes back to staff as a new application.
    Returns the profile and whether it was created."""
    profile = MentorProfile.objects.select_for_update(of=("self",)).filter(user=user).first()
    created = profile is None
    profile = profile or MentorProfile(user=user)
    for name in PROFILE_FIELDS:
        if name in data:
            setattr(profile, name, data[name])
    if profile.status == ApplicationStatus.REJECTED:
        profile.status = ApplicationStatus.PENDING
    profile.full_clean(exclude=["user"])
    profile.save()
    if "settings_known" in data:
        profile.settings_known.set(data["settings_known"])
    if "pathways_known" in data:
        profile.pathways_known.set(data["pathways_known"])
    profile.teaches.exclude(competency_id__in=teaches).delete()
    existing = {t.competency_id: t for t in profile.teaches.all()}
    for competency_id, level in teaches.items():
        row = existing.get(competency_id)
        if row is None:
            TeachableCompetency.objects.create(
                mentor=profile, competency_id=competency_id, level=level
            )
        elif row.level != level:
            row.level = level
            row.save(update_fields=["level"])
    return profile, created


@transaction.atomic
def mentor_application_review(
    *, profile: MentorProfile, reviewer: User, approve: bool, note: str = ""
) -> None:
    """Staff approve or reject an application; the applicant is told by email."""
    profile = MentorProfile.objects.select_for_update(of=("self",)).get(pk=profile.pk)
    profile.status = ApplicationStatus.APPROVED if approve else ApplicationStatus.REJECTED
    profile.review_note = "" if approve else note
    profile.reviewed_at = clock.now()
    profile.reviewed_by = reviewer
    profile.save(
        update_fields=["status", "review_note", "reviewed_at", "reviewed_by", "updated_at"]
    )
    emails.mentor_application_queue(profile)


@transaction.atomic
def mentor_requests_pause(*, profile: MentorProfile, accepting: bool, note: str = "") -> None:
    """Pause or resume new requests; current mentorships go on either way."""
    profile.accepting_requests = accepting
    profile.pause_note = "" if accepting else note[:160]
    profile.save(update_fields=["accepting_requests", "pause_note", "updated_at"])
