"""Reads for assessments, with access checks; the gap analysis is in `results`. Every
function here runs a fixed number of queries, whatever the number of competencies or
rating sets."""

from django.http import Http404

from cmo_portal.accounts.access import user_can_view_data_of
from cmo_portal.accounts.models import DataKind, User
from pathways.models.curriculum import Competency

from ..models import NeedsAssessment, RatingSet
from .results import (
    CompetencyChanges,
    PathwayFit,
    Results,
    competency_changes_for_viewer,
    results_for,
)


def assessment_get_for_viewer(*, viewer: User, pk: int) -> NeedsAssessment:
    """404 unless the viewer may see the assessment's owner's data."""
    assessment = NeedsAssessment.objects.select_related("user").filter(pk=pk).first()
    if assessment is None or not user_can_view_data_of(
        viewer, assessment.user, what=DataKind.ASSESSMENT
    ):
        raise Http404("No such assessment.")
    return assessment


def assessment_get_for_owner(*, user: User, pk: int) -> NeedsAssessment:
    """Only the physician fills in their own assessment: 404 for everyone else."""
    assessment = NeedsAssessment.objects.filter(pk=pk, user=user).first()
    if assessment is None:
        raise Http404("No such assessment.")
    return assessment


def rating_set_get_for_viewer(*, viewer: User, pk: int) -> RatingSet:
    rating_set = (
        RatingSet.objects.submitted()
        .select_related("subject__profile", "rater__profile")
        .filter(pk=pk)
        .first()
    )
    if rating_set is None or not user_can_view_data_of(
        viewer, rating_set.subject, what=DataKind.RATINGS
    ):
        raise Http404("No such rating set.")
    return rating_set


def results_subject_get_for_viewer(*, viewer: User, user_id: int) -> User:
    """The user whose results `viewer` asks for, or 404 unless the access rule lets them
    see those results."""
    subject = User.objects.select_related("profile").filter(pk=user_id).first()
    if subject is None or not user_can_view_data_of(viewer, subject, what=DataKind.RESULTS):
        raise Http404("No such results.")
    return subject


def latest_completed_assessment(user: User) -> NeedsAssessment | None:
    return (
        user.needs_assessments.filter(completed_at__isnull=False)
        .prefetch_related("targets__pathway")
        .first()
    )


def competencies_to_rate(user: User, *, everything: bool) -> tuple[list[Competency], bool]:
    """The competencies that matter to the physician's target pathways (important or
    essential in at least one), or all of them, with their rubric levels; and whether
    that is all of them (always so for a physician who has no target pathway yet)."""
    competencies = Competency.objects.select_related("domain").prefetch_related("levels")
    if not everything:
        assessment = latest_completed_assessment(user) or user.needs_assessments.first()
        if assessment is not None and assessment.targets.exists():
            competencies = competencies.filter(
                targets__pathway__in=assessment.targets.values("pathway"),
                targets__weight__gte=2,
            ).distinct()
        else:
            everything = True
    return list(competencies.order_by("domain__order", "order", "name")), everything


__all__ = [
    "CompetencyChanges",
    "PathwayFit",
    "Results",
    "assessment_get_for_owner",
    "assessment_get_for_viewer",
    "competencies_to_rate",
    "competency_changes_for_viewer",
    "latest_completed_assessment",
    "rating_set_get_for_viewer",
    "results_for",
    "results_subject_get_for_viewer",
]
