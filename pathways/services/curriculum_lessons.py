"""Writes a shipped lesson over its module's lesson: sections, reflection questions and
self-check, matched by their place in the lesson."""

from django.core.exceptions import ValidationError

from pathways.models.lessons import (
    LessonSection,
    ReflectionAnswer,
    ReflectionQuestion,
    SelfCheckQuestion,
)
from pathways.models.opportunities import LearningModule

from .curriculum_files import CurriculumError


def lesson_parts_write(module: LearningModule, row: dict, where: str) -> None:
    """Write a shipped lesson's sections, reflection questions and self-check over those
    of `module`, by place."""
    sections = row.get("section", [])
    reflections = row.get("reflection", [])
    checks = row.get("check", [])
    if not sections or not reflections or not checks:
        raise CurriculumError(f"{where} needs sections, reflection questions and a self-check")
    for order, section in enumerate(sections):
        LessonSection.objects.update_or_create(
            module=module,
            order=order,
            defaults={"heading": section["heading"], "body": section["body"].strip()},
        )
    LessonSection.objects.filter(module=module, order__gte=len(sections)).delete()
    for order, reflection in enumerate(reflections):
        ReflectionQuestion.objects.update_or_create(
            module=module, order=order, defaults={"prompt": reflection["prompt"]}
        )
    answered = ReflectionAnswer.objects.values("question_id")
    ReflectionQuestion.objects.filter(module=module, order__gte=len(reflections)).exclude(
        pk__in=answered
    ).delete()
    for order, check in enumerate(checks):
        question = SelfCheckQuestion(
            module=module,
            order=order,
            question=check["question"],
            choices="\n".join(check["choices"]),
            answer=check["answer"],
            explanation=check["explanation"],
        )
        try:
            question.clean()
        except ValidationError as error:
            raise CurriculumError(f"{where}, question {order + 1}: {error.messages}") from error
        SelfCheckQuestion.objects.update_or_create(
            module=module,
            order=order,
            defaults={
                "question": question.question,
                "choices": question.choices,
                "answer": question.answer,
                "explanation": question.explanation,
            },
        )
    SelfCheckQuestion.objects.filter(module=module, order__gte=len(checks)).delete()
