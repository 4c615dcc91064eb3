"""Writes a lesson from the curriculum's files over its module's lesson: sections,
reflection questions and self-check, matched by their place in the lesson."""

from pathways.models.lessons import (
    LessonSection,
    ReflectionAnswer,
    ReflectionQuestion,
    SelfCheckQuestion,
)
from pathways.models.opportunities import LearningModule

from .curriculum_files import CurriculumError
from .curriculum_rows import RowWriter


def lesson_parts_write(writer: RowWriter, module: LearningModule, row: dict, where: str) -> None:
    """Write a lesson's sections, reflection questions and self-check over those of
    `module`, by place. A place the lesson no longer has is removed, except a reflection
    question someone has answered: their answer is theirs to keep."""
    sections = row.get("section", [])
    reflections = row.get("reflection", [])
    checks = row.get("check", [])
    if not sections or not reflections or not checks:
        raise CurriculumError(f"{where} needs sections, reflection questions and a self-check")
    for order, section in enumerate(sections):
        writer.write(
            LessonSection,
            {"module": module, "order": order},
            {"heading": section["heading"], "body": section["body"].strip()},
            where=f"{where}, section {order + 1}",
        )
    writer.remove(LessonSection.objects.filter(module=module, order__gte=len(sections)))
    for order, reflection in enumerate(reflections):
        writer.write(
            ReflectionQuestion,
            {"module": module, "order": order},
            {"prompt": reflection["prompt"]},
            where=f"{where}, reflection question {order + 1}",
        )
    answered = ReflectionAnswer.objects.values("question_id")
    writer.remove(
        ReflectionQuestion.objects.filter(module=module, order__gte=len(reflections)).exclude(
            pk__in=answered
        )
    )
    for order, check in enumerate(checks):
        writer.write(
            SelfCheckQuestion,
            {"module": module, "order": order},
            {
                "question": check["question"],
                "choices": "\n".join(check["choices"]),
                "answer": check["answer"],
                "explanation": check["explanation"],
            },
            where=f"{where}, question {order + 1}",
        )
    writer.remove(SelfCheckQuestion.objects.filter(module=module, order__gte=len(checks)))
