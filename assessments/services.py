"""Writes for the needs assessment and the competency ratings."""

from celery import current_app
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cmo_portal import clock
from cmo_portal.accounts.models import User
from cmo_portal.accounts.selectors import profile_of

from .models import NeedsAssessment, RaterRole, Rating, RatingSet, TargetPathway
from .selectors.stored_results import results_store

# The fields each step of the needs assessment saves (the last step only reviews).
STEP_FIELDS: dict[int, tuple[str, ...]] = {
    1: (
        "career_stage",
        "specialty",
        "years_since_residency",
        "leadership_roles",
        "committees",
        "degrees_held",
        "degrees_planned",
        "certifications",
        "board_certification",
    ),
    2: ("time_horizon", "hours_per_week", "willing_to_relocate"),
    3: ("mentoring_goals", "mentoring_formats", "mentoring_frequency"),
}
COPIED_ON_RETAKE = (*STEP_FIELDS[1], *STEP_FIELDS[2], *STEP_FIELDS[3])
# After a self-rating the physician's plans catch up: met goals proposed, stale text
# refreshed, new gaps added. The plan sits above this app: its task is found by name.
PLANS_REFRESH = "pathways.tasks.plans_refresh"


def _open_assessment(user: User) -> NeedsAssessment | None:
    return user.needs_assessments.filter(completed_at__isnull=True).first()


@transaction.atomic
def assessment_start_or_resume(*, user: User) -> NeedsAssessment:
    """The physician's assessment in progress, or a new one filled in from their last
    finished assessment or, for a first one, from their profile."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # one open at a time
    assessment = _open_assessment(user)
    if assessment is not None:
        return assessment
    previous = user.needs_assessments.filter(completed_at__isnull=False).first()
    assessment = NeedsAssessment(user=user)
    if previous is not None:
        for name in COPIED_ON_RETAKE:
            setattr(assessment, name, getattr(previous, name))
    elif (profile := profile_of(user)) is not None:
        assessment.career_stage = profile.career_stage
        assessment.specialty = profile.specialty
        assessment.years_since_residency = profile.years_since_residency
    assessment.save()
    if previous is not None:
        assessment.settings_of_interest.set(previous.settings_of_interest.all())
        TargetPathway.objects.bulk_create(
            TargetPathway(assessment=assessment, pathway_id=t.pathway_id, rank=t.rank)
            for t in previous.targets.all()
        )
    return assessment


def _ensure_open(assessment: NeedsAssessment) -> None:
    if assessment.is_complete:
        raise ValidationError("This assessment is finished; retake it to change your answers.")


@transaction.atomic
def assessment_save_step(*, assessment: NeedsAssessment, step: int, data: dict) -> None:
    """Save one step's answers and move the resume point past it."""
    _ensure_open(assessment)
    for name in STEP_FIELDS.get(step, ()):
        setattr(assessment, name, data[name])
    assessment.step_reached = max(assessment.step_reached, step + 1)
    assessment.full_clean()
    assessment.save()
    if step == 2:
        assessment.targets.all().delete()
        TargetPathway.objects.bulk_create(
            TargetPathway(assessment=assessment, pathway=pathway, rank=rank)
            for rank, pathway in enumerate(data["target_pathways"], start=1)
        )
        assessment.settings_of_interest.set(data["settings_of_interest"])


@transaction.atomic
def assessment_complete(*, assessment: NeedsAssessment) -> None:
    _ensure_open(assessment)
    if not assessment.targets.exists():
        raise ValidationError("Choose at least one target pathway in step 2 before finishing.")
    assessment.completed_at = clock.now()
    assessment.save(update_fields=["completed_at", "updated_at"])


# --- Ratings ---------------------------------------------------------------------------


@transaction.atomic
def rating_draft_get_or_create(*, subject: User, rater: User, role: str) -> RatingSet:
    """The rater's draft for this physician, started from the rater's last submitted
    levels so a reassessment only changes what changed."""
    if role == RaterRole.SELF and rater.pk != subject.pk:
        raise PermissionDenied("Only the physician rates themselves.")
    draft = RatingSet.objects.drafts().filter(subject=subject, rater=rater).first()
    if draft is not None:
        return draft
    draft = RatingSet.objects.create(subject=subject, rater=rater, rater_role=role)
    last = RatingSet.objects.submitted().filter(subject=subject, rater=rater).first()
    if last is not None:
        Rating.objects.bulk_create(
            Rating(
                rating_set=draft, competency_id=r.competency_id, level=r.level, evidence=r.evidence
            )
            for r in last.ratings.all()
        )
    return draft


@transaction.atomic
def rating_draft_save(
    *, rating_set: RatingSet, ratings: dict[int, tuple[int | None, str]]
) -> RatingSet:
    """Set the draft's ratings: competency id -> (level, evidence). A level of None
    removes that competency's rating. A submitted set never changes. Returns the draft,
    its `updated_at` the time of this save."""
    rating_set = RatingSet.objects.select_for_update().get(pk=rating_set.pk)
    if rating_set.is_submitted:
        raise ValidationError("These ratings were submitted and can no longer change.")
    existing = {r.competency_id: r for r in rating_set.ratings.all()}
    for competency_id, (level, evidence) in ratings.items():
        current = existing.get(competency_id)
        if level is None:
            if current is not None:
                current.delete()
            continue
        if current is not None and (current.level, current.evidence) == (level, evidence):
            continue  # the page posts every rating on each save: write only what changed
        rating = current or Rating(rating_set=rating_set, competency_id=competency_id)
        rating.level, rating.evidence = level, evidence
        rating.full_clean(exclude=["rating_set", "competency"])
        rating.save()
    rating_set.save(update_fields=["updated_at"])
    return rating_set


@transaction.atomic
def rating_set_submit(*, rating_set: RatingSet) -> RatingSet:
    rating_set = RatingSet.objects.select_for_update().get(pk=rating_set.pk)
    if rating_set.is_submitted:
        raise ValidationError("These ratings were already submitted.")
    if not rating_set.ratings.exists():
        raise ValidationError("Rate at least one competency before submitting.")
    rating_set.submitted_at = clock.now()
    rating_set.save(update_fields=["submitted_at", "updated_at"])
    # The physician's pages read their stored results: computed once, here, and committed
    # with the set (stored_results.py).
    results_store(subject=rating_set.subject)
    if rating_set.rater_role == RaterRole.SELF:
        subject_id = rating_set.subject_id
        transaction.on_commit(lambda: current_app.tasks[PLANS_REFRESH].delay(subject_id))
    return rating_set
