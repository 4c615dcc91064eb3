"""The parts of a lesson, edited inline on its module, and the preview of the lesson as a
physician reads it."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from cmo_portal.admin_inlines import LabelledTabularInline
from pathways.models.lessons import LessonSection, ReflectionQuestion, SelfCheckQuestion
from pathways.models.opportunities import LearningModule


class LessonSectionInline(admin.StackedInline):
    model = LessonSection
    extra = 0
    fields = ["order", "heading", "body"]
    formfield_overrides = {
        LessonSection._meta.get_field("body").__class__: {
            "widget": forms.Textarea(attrs={"rows": 12, "cols": 90})
        }
    }
    verbose_name = "lesson section"


class ReflectionQuestionInline(LabelledTabularInline):
    model = ReflectionQuestion
    extra = 0
    fields = ["order", "prompt"]


class SelfCheckQuestionInline(admin.StackedInline):
    model = SelfCheckQuestion
    extra = 0
    fields = ["order", "question", "choices", "answer", "explanation"]
    formfield_overrides = {
        SelfCheckQuestion._meta.get_field("choices").__class__: {
            "widget": forms.Textarea(attrs={"rows": 4, "cols": 90})
        }
    }


LESSON_INLINES = [LessonSectionInline, ReflectionQuestionInline, SelfCheckQuestionInline]


def lesson_preview(model_admin: admin.ModelAdmin, request: HttpRequest, pk: int) -> HttpResponse:
    """The lesson as saved, every part on one page with the right answers marked, for an
    editor who may view the module."""
    module = get_object_or_404(
        LearningModule.objects.prefetch_related(
            "lesson_sections", "reflection_questions", "check_questions", "competencies"
        ),
        pk=pk,
    )
    if not model_admin.has_view_permission(request, module):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "module": module,
        "opts": model_admin.model._meta,
        "title": f"Preview: {module.title}",
        "sections": module.lesson_sections.all(),
        "reflections": module.reflection_questions.all(),
        "checks": module.check_questions.all(),
    }
    return render(request, "admin/pathways/lesson_preview.html", context)
