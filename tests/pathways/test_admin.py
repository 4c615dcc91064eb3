"""Django admin as the curriculum editors' tool: validation with clear messages, and a
Curriculum editor group that can do exactly the curriculum work."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pathways.models.curriculum import PathwayCompetency
from pathways.models.opportunities import Opportunity
from pathways.services.curriculum import (
    CURRICULUM_EDITOR_GROUP,
    CURRICULUM_MODELS,
    curriculum_editor_group_sync,
)
from tests.admin_forms import admin_form_data
from tests.factories import (
    CompetencyFactory,
    OpportunityFactory,
    PathwayCompetencyFactory,
    ProfileFactory,
    UserFactory,
    make_scale,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    user = UserFactory(is_staff=True, second_factor=True)
    user.groups.add(curriculum_editor_group_sync())
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def test_a_target_level_outside_the_scale_is_refused_with_a_clear_message(editor_client):
    make_scale()
    target = PathwayCompetencyFactory(target_level=3)
    url = reverse("admin:pathways_pathway_change", args=[target.pathway.pk])
    data = admin_form_data(editor_client.get(url))
    data["targets-0-target_level"] = "7"

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert (
        "Level 7 is not on the rubric scale, which runs from 1 to 4." in response.content.decode()
    )
    assert PathwayCompetency.objects.get(pk=target.pk).target_level == 3


def test_a_rubric_level_outside_the_scale_is_refused(editor_client):
    make_scale()
    competency = CompetencyFactory()
    url = reverse("admin:pathways_competency_change", args=[competency.pk])
    data = admin_form_data(editor_client.get(url))
    data["levels-0-level"] = "0"

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "not on the rubric scale" in response.content.decode()


def test_a_new_opportunity_with_a_past_deadline_is_refused(editor_client):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = editor_client.post(
        reverse("admin:pathways_opportunity_add"),
        {
            "slug": "late",
            "title": "Too late",
            "kind": "fellowship",
            "organisation": "A",
            "description": "x",
            "format": "online",
            "deadline": yesterday.isoformat(),
        },
    )
    assert response.status_code == 200
    assert "This deadline has already passed" in response.content.decode()
    assert not Opportunity.objects.filter(slug="late").exists()


def test_an_existing_opportunity_whose_deadline_passed_can_still_be_edited(editor_client):
    opportunity = OpportunityFactory(deadline=timezone.localdate() - datetime.timedelta(days=30))
    url = reverse("admin:pathways_opportunity_change", args=[opportunity.pk])
    data = admin_form_data(editor_client.get(url))
    data["title"] = "Closed, kept for the record"

    response = editor_client.post(url, data)

    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.title == "Closed, kept for the record"
    assert opportunity.edited_locally


def test_the_editor_group_holds_every_curriculum_permission_and_nothing_else():
    group = curriculum_editor_group_sync()
    models = set(group.permissions.values_list("content_type__model", flat=True))
    assert models == {model._meta.model_name for model in CURRICULUM_MODELS}
    assert group.permissions.count() == 4 * len(CURRICULUM_MODELS)  # add, change, delete, view
    assert not group.permissions.filter(content_type__model__in=["careerplan", "plangoal"]).exists()
    assert group.name == CURRICULUM_EDITOR_GROUP


def test_an_editor_cannot_see_physicians_plans(editor_client):
    assert editor_client.get(reverse("admin:pathways_careerplan_changelist")).status_code == 403


def test_an_editor_who_is_not_a_superuser_edits_the_curriculum(editor_client, editor):
    assert not editor.is_superuser
    assert editor_client.get(reverse("admin:pathways_pathway_changelist")).status_code == 200
    assert editor_client.get(reverse("admin:pathways_opportunity_add")).status_code == 200


def test_an_editor_cannot_see_users_or_profiles(editor_client):
    other = ProfileFactory().user
    assert editor_client.get(reverse("admin:accounts_user_changelist")).status_code == 403
    assert (
        editor_client.get(reverse("admin:accounts_user_change", args=[other.pk])).status_code == 403
    )
    assert editor_client.get(reverse("admin:accounts_profile_changelist")).status_code == 403


def test_staff_without_the_group_cannot_edit_the_curriculum(client, staff):
    client.force_login(staff)
    assert client.get(reverse("admin:pathways_pathway_changelist")).status_code == 403


@pytest.mark.parametrize("n", [10, 120])
def test_admin_lists_cost_the_same_queries_however_much_curriculum(
    editor_client, n, django_assert_max_num_queries
):
    CompetencyFactory.create_batch(n)
    OpportunityFactory.create_batch(n)
    for name in ("competency", "opportunity", "pathway"):
        with django_assert_max_num_queries(12):
            editor_client.get(reverse(f"admin:pathways_{name}_changelist"))
