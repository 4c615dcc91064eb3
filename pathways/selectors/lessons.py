"""Reads of lessons: a lesson with its parts, a physician's progress through lessons, and
the lessons they finished as evidence of the competencies those lessons build."""

import datetime
from dataclasses import dataclass

from django.db.models import Prefetch

from cmo_portal.accounts.models import User
from pathways.models.lessons import (
    LessonProgress,
    LessonSection,
    ReflectionAnswer,
    ReflectionQuestion,
    SelfCheckQuestion,
)
from pathways.models.opportunities import LearningModule


def lesson_get(slug: str) -> LearningModule:
    """The module taken on the site as a lesson, with its parts; DoesNotExist for a
    module taken elsewhere, as for one that does not exist."""
    return (
        LearningModule.objects.lessons()
        .prefetch_related(
            Prefetch("lesson_sections", queryset=LessonSection.objects.order_by("order", "pk")),
            Prefetch(
                "reflection_questions", queryset=ReflectionQuestion.objects.order_by("order", "pk")
            ),
            Prefetch("check_questions", queryset=SelfCheckQuestion.objects.order_by("order", "pk")),
        )
        .get(slug=slug)
    )


def lesson_progress(user: User, module: LearningModule) -> LessonProgress | None:
    if not user.is_authenticated:
        return None
    return LessonProgress.objects.filter(user=user, module=module).first()


def reflections_of(user: User, module: LearningModule) -> dict[int, str]:
    """The physician's own answers to the lesson's reflection questions, by question id."""
    return dict(
        ReflectionAnswer.objects.filter(user=user, question__module=module).values_list(
            "question_id", "text"
        )
    )


@dataclass(frozen=True)
class FinishedLesson:
    module_id: int
    title: str
    slug: str
    completed_at: datetime.datetime


def lessons_finished(user: User, competency_ids: list[int] | None = None) -> list[FinishedLesson]:
    """The lessons the physician finished, latest first; only those building one of
    `competency_ids` when given."""
    if not user.is_authenticated:
        return []
    progress = LessonProgress.objects.finished().filter(user=user)
    if competency_ids is not None:
        progress = progress.filter(module__competencies__in=competency_ids).distinct()
    return [
        FinishedLesson(module_id, title, slug, completed_at)
        for module_id, title, slug, completed_at in progress.order_by("-completed_at").values_list(
            "module_id", "module__title", "module__slug", "completed_at"
        )
    ]


def lesson_evidence_by_competency(user: User) -> dict[int, list[FinishedLesson]]:
    """Competency id -> the lessons finished that build it: evidence beside a rating."""
    rows = (
        LessonProgress.objects.finished()
        .filter(user=user)
        .order_by("-completed_at")
        .values_list(
            "module__competencies", "module_id", "module__title", "module__slug", "completed_at"
        )
    )
    evidence: dict[int, list[FinishedLesson]] = {}
    for competency_id, *lesson in rows:
        if competency_id is not None:
            evidence.setdefault(competency_id, []).append(FinishedLesson(*lesson))
    return evidence
