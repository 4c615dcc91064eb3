"""Lessons: the modules the site itself delivers ("a lesson on this site"). A lesson is
its module's sections, reflection questions and self-check, written by curriculum
editors; a physician's progress through it and their reflections are theirs alone."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from .opportunities import LearningModule

# The share of self-check questions a physician answers rightly to finish a lesson.
PASS_SHARE = 2 / 3


class LessonSection(models.Model):
    module = models.ForeignKey(
        LearningModule, on_delete=models.CASCADE, related_name="lesson_sections"
    )
    order = models.PositiveSmallIntegerField(default=0)
    heading = models.CharField(max_length=160)
    body = models.TextField(
        help_text="Plain text. A blank line starts a new paragraph; lines starting with "
        "“- ” make a bulleted list."
    )

    class Meta:
        ordering = ["module", "order", "pk"]

    def __str__(self) -> str:
        return self.heading

    def blocks(self) -> list[tuple[str, list[str]]]:
        """The body as ("p", [text]) paragraphs and ("ul", [items]) lists."""
        blocks: list[tuple[str, list[str]]] = []
        for chunk in self.body.strip().split("\n\n"):
            lines = [line.strip() for line in chunk.splitlines() if line.strip()]
            if not lines:
                continue
            if all(line.startswith("- ") for line in lines):
                blocks.append(("ul", [line[2:].strip() for line in lines]))
            else:
                blocks.append(("p", [" ".join(lines)]))
        return blocks


class ReflectionQuestion(models.Model):
    module = models.ForeignKey(
        LearningModule, on_delete=models.CASCADE, related_name="reflection_questions"
    )
    order = models.PositiveSmallIntegerField(default=0)
    prompt = models.CharField(max_length=500)

    class Meta:
        ordering = ["module", "order", "pk"]

    def __str__(self) -> str:
        return self.prompt


class SelfCheckQuestion(models.Model):
    module = models.ForeignKey(
        LearningModule, on_delete=models.CASCADE, related_name="check_questions"
    )
    order = models.PositiveSmallIntegerField(default=0)
    question = models.CharField(max_length=400)
    choices = models.TextField(help_text="One choice per line, two to six of them.")
    answer = models.PositiveSmallIntegerField(
        "right choice", help_text="The number of the right choice, counting from 1."
    )
    explanation = models.TextField(help_text="Why that choice is right: shown after answering.")

    class Meta:
        ordering = ["module", "order", "pk"]
        verbose_name = "self-check question"

    def __str__(self) -> str:
        return self.question

    @property
    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self) -> None:
        choices = self.choice_list
        if not 2 <= len(choices) <= 6:
            raise ValidationError({"choices": "Give two to six choices, one per line."})
        if self.answer is not None and not 1 <= self.answer <= len(choices):
            raise ValidationError(
                {"answer": f"The right choice is a number from 1 to {len(choices)}."}
            )


class LessonProgressQuerySet(models.QuerySet):
    def finished(self) -> "LessonProgressQuerySet":
        return self.filter(completed_at__isnull=False)


class LessonProgress(models.Model):
    """How far a physician is through a lesson: where to resume, and when they finished.
    Finishing is recorded once; taking the lesson again later changes only the place."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    module = models.ForeignKey(LearningModule, on_delete=models.CASCADE, related_name="+")
    # The step to resume at: 1..n the sections, then the reflection, then the self-check.
    step = models.PositiveSmallIntegerField(default=1)
    sections_read = models.PositiveSmallIntegerField(default=0)
    check_score = models.PositiveSmallIntegerField(null=True, blank=True)
    check_total = models.PositiveSmallIntegerField(null=True, blank=True)
    # The choice given to each self-check question at the last try (question id -> number),
    # so the page can show what was right and why.
    check_answers = models.JSONField(default=dict, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = LessonProgressQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "module"], name="one_progress_per_lesson")
        ]
        verbose_name_plural = "lesson progress"

    def __str__(self) -> str:
        return f"{self.user} in {self.module}"

    @property
    def is_finished(self) -> bool:
        return self.completed_at is not None


class ReflectionAnswer(models.Model):
    """A physician's private answer to a reflection question: nobody else reads it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    question = models.ForeignKey(ReflectionQuestion, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(max_length=4000)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="one_reflection_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.question}"
