"""A physician taking a lesson: the place they reached, their private reflections, the
self-check and, on passing it with every section read, the lesson finished: recorded
once, shown on its competencies as evidence, and the plan's actions for it done."""

import math
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format

from cmo_portal import clock, page_cache
from cmo_portal.accounts.models import User
from pathways.models.lessons import (
    PASS_SHARE,
    LessonProgress,
    ReflectionAnswer,
    ReflectionQuestion,
    SelfCheckQuestion,
)
from pathways.models.opportunities import LearningModule
from pathways.models.plan import ItemStatus, PlanAction

from .plan import plan_change_record


def pass_mark(total: int) -> int:
    """Right answers needed to pass a self-check of `total` questions."""
    return math.ceil(PASS_SHARE * total)


@dataclass(frozen=True)
class CheckResult:
    score: int
    total: int
    passed: bool
    finished_now: bool  # this try finished the lesson (not an earlier one)
    unread_sections: int  # sections still to read before the lesson can be finished
    actions_done: int  # plan actions this try marked done


def _progress_locked(user: User, module: LearningModule) -> LessonProgress:
    progress, _ = LessonProgress.objects.get_or_create(user=user, module=module)
    return LessonProgress.objects.select_for_update().get(pk=progress.pk)


@transaction.atomic
def lesson_section_read(*, user: User, module: LearningModule, number: int, count: int) -> None:
    """The physician read section `number` (from 1) of `count`: they resume after it."""
    progress = _progress_locked(user, module)
    progress.sections_read = max(progress.sections_read, min(number, count))
    progress.step = min(number + 1, count + 1)
    progress.save(update_fields=["sections_read", "step", "updated_at"])


@transaction.atomic
def lesson_reflections_save(
    *, user: User, module: LearningModule, answers: dict[int, str], count: int
) -> int:
    """Keep the physician's answers (question id -> text) to the lesson's reflection
    questions; an emptied answer is deleted. Returns how many are kept."""
    questions = set(
        ReflectionQuestion.objects.filter(module=module, pk__in=answers).values_list(
            "pk", flat=True
        )
    )
    for question_id, text in answers.items():
        if question_id not in questions:
            continue
        if text.strip():
            ReflectionAnswer.objects.update_or_create(
                user=user, question_id=question_id, defaults={"text": text.strip()}
            )
        else:
            ReflectionAnswer.objects.filter(user=user, question_id=question_id).delete()
    progress = _progress_locked(user, module)
    progress.step = max(progress.step, count + 2)  # on to the self-check
    progress.save(update_fields=["step", "updated_at"])
    return ReflectionAnswer.objects.filter(user=user, question__module=module).count()


@transaction.atomic
def lesson_check_submit(
    *, user: User, module: LearningModule, choices: dict[int, int], sections: int
) -> CheckResult:
    """Grade the self-check (question id -> choice number). Passing it with every
    section read finishes the lesson: the first time only, the finish is recorded and
    the physician's plan actions for the module are marked done with it as evidence."""
    questions = list(SelfCheckQuestion.objects.filter(module=module))
    score = sum(choices.get(q.pk) == q.answer for q in questions)
    passed = score >= pass_mark(len(questions))
    progress = _progress_locked(user, module)
    progress.check_score, progress.check_total = score, len(questions)
    progress.check_answers = {str(q.pk): choices.get(q.pk) for q in questions}
    progress.step = max(progress.step, sections + 2)
    unread = max(0, sections - progress.sections_read)
    finished_now = passed and not unread and not progress.is_finished
    if finished_now:
        progress.completed_at = clock.now()
    progress.save()
    done = _plan_actions_done(user, module, progress) if finished_now else 0
    page_cache.pages_changed_for([user.pk])
    return CheckResult(score, len(questions), passed, finished_now, unread, done)


def lesson_evidence(module: LearningModule, progress: LessonProgress) -> str:
    day = date_format(timezone.localdate(progress.completed_at or clock.now()), "j F Y")
    return (
        f"Finished the lesson “{module.title}” on {day}, with {progress.check_score} of "
        f"{progress.check_total} in its self-check."
    )


def _plan_actions_done(user: User, module: LearningModule, progress: LessonProgress) -> int:
    """Mark done every open action for `module` in the physician's plans, the lesson as
    its evidence, each with a line in its plan's history."""
    evidence = lesson_evidence(module, progress)
    actions = list(
        PlanAction.objects.select_for_update()
        .filter(goal__plan__owner=user, module=module, removed_at__isnull=True)
        .exclude(status=ItemStatus.DONE)
        .select_related("goal__plan")
    )
    for action in actions:
        PlanAction.objects.filter(pk=action.pk).update(
            status=ItemStatus.DONE,
            evidence=f"{action.evidence}\n{evidence}".strip(),
            version=F("version") + 1,
            updated_at=clock.now(),
        )
        plan_change_record(
            action.goal.plan,
            user,
            f"Finished the lesson: the action “{action.title}” is done.",
            {"status": [action.status, ItemStatus.DONE]},
        )
    return len(actions)
