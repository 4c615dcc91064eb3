"""Editors write lessons in admin: the parts inline on the module, a preview of the lesson
as saved, and the checks a self-check question must pass. Nobody's progress or
reflections are in admin."""

import pytest
from django.contrib import admin
from django.urls import reverse

from pathways.models.lessons import LessonProgress, ReflectionAnswer, SelfCheckQuestion
from tests.admin_forms import admin_form_data
from tests.factories import LearningModuleFactory, LessonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, curriculum_editor):
    client.force_login(curriculum_editor)
    return client


def test_the_preview_shows_every_part_with_the_right_answers_marked(editor_client):
    lesson = LessonFactory(title="Budgets", parts__sections=2, parts__questions=1)

    page = editor_client.get(
        reverse("admin:pathways_learningmodule_preview", args=[lesson.pk])
    ).content.decode()

    assert "Section 1" in page and "Section 2" in page
    assert "<li>a point</li>" in page  # the bulleted lines
    assert "Reflection 1?" in page
    assert "Right <strong>(the right answer)</strong>" in page


def test_the_change_page_holds_the_lesson_inline_and_links_to_the_preview(editor_client):
    lesson = LessonFactory()
    page = editor_client.get(
        reverse("admin:pathways_learningmodule_change", args=[lesson.pk])
    ).content.decode()

    assert "lesson_sections-0-heading" in page
    assert "reflection_questions-0-prompt" in page
    assert "check_questions-0-choices" in page
    assert reverse("admin:pathways_learningmodule_preview", args=[lesson.pk]) in page


def test_a_preview_of_a_lesson_without_parts_says_it_cannot_be_taken(editor_client):
    draft = LessonFactory(parts__sections=0, parts__questions=0)
    page = editor_client.get(
        reverse("admin:pathways_learningmodule_preview", args=[draft.pk])
    ).content.decode()
    assert "Physicians cannot take this lesson yet" in page


def test_staff_without_the_group_cannot_preview(client, staff):
    lesson = LessonFactory()
    client.force_login(staff)
    response = client.get(reverse("admin:pathways_learningmodule_preview", args=[lesson.pk]))
    assert response.status_code == 403


def test_an_unknown_module_has_no_preview(editor_client):
    assert (
        editor_client.get(
            reverse("admin:pathways_learningmodule_preview", args=[999999])
        ).status_code
        == 404
    )


def test_a_right_answer_off_the_choices_is_refused_with_a_clear_message(editor_client):
    lesson = LessonFactory(parts__questions=1)
    url = reverse("admin:pathways_learningmodule_change", args=[lesson.pk])
    data = admin_form_data(editor_client.get(url))
    data["check_questions-0-answer"] = "7"

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "The right choice is a number from 1 to 3." in response.content.decode()
    assert SelfCheckQuestion.objects.get(module=lesson).answer == 2


def test_a_module_taken_elsewhere_must_say_where(editor_client):
    module = LearningModuleFactory(delivery="school", provider="A school")
    url = reverse("admin:pathways_learningmodule_change", args=[module.pk])
    data = admin_form_data(editor_client.get(url))
    data["provider"] = ""
    data["how_to_find"] = ""

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "says who provides it or how to find a provider" in response.content.decode()


def test_physicians_progress_and_reflections_are_not_in_admin():
    assert LessonProgress not in admin.site._registry
    assert ReflectionAnswer not in admin.site._registry
