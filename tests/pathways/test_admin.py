"""Django admin as the curriculum editors' tool: validation with clear messages, and a
Curriculum editor group that can do exactly the curriculum work."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pathways.models.curriculum import PathwayCompetency
from pathways.models.opportunities import LearningModule, Opportunity
from pathways.services.curriculum import (
    CURRICULUM_EDITOR_GROUP,
    CURRICULUM_MODELS,
    curriculum_editor_group_sync,
)
from tests.admin_forms import admin_form_data
from tests.factories import (
    CompetencyFactory,
    LearningModuleFactory,
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
    LearningModuleFactory.create_batch(n, kind="education", leads_to="mba")
    for name in ("competency", "opportunity", "pathway", "learningmodule"):
        with django_assert_max_num_queries(12):
            editor_client.get(reverse(f"admin:pathways_{name}_changelist"))


def test_an_editor_sets_a_modules_stage_range_and_what_it_leads_to(editor_client):
    module = LearningModuleFactory(kind="course", competencies=[CompetencyFactory()])
    url = reverse("admin:pathways_learningmodule_change", args=[module.pk])
    data = admin_form_data(editor_client.get(url))
    data.update(
        kind="education", leads_to="mph", earliest_stage="resident", latest_stage="practising"
    )

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    module.refresh_from_db()
    assert (module.kind, module.leads_to) == ("education", "mph")
    assert (module.earliest_stage_rank, module.latest_stage_rank) == (1, 3)
    assert module.edited_locally
    assert list(LearningModule.objects.for_stage("fellow")) == [module]
    assert not LearningModule.objects.for_stage("physician_leader").exists()


def test_an_editor_sets_an_opportunitys_stage_range(editor_client):
    opportunity = OpportunityFactory()
    url = reverse("admin:pathways_opportunity_change", args=[opportunity.pk])
    data = admin_form_data(editor_client.get(url))
    data.update(earliest_stage="medical_student", latest_stage="resident")

    assert editor_client.post(url, data).status_code == 302
    assert list(Opportunity.objects.for_stage("medical_student")) == [opportunity]
    assert not Opportunity.objects.for_stage("fellow").exists()


@pytest.mark.parametrize("name", ["learningmodule", "opportunity"])
def test_a_stage_range_that_runs_backwards_is_refused(editor_client, name):
    if name == "learningmodule":
        item = LearningModuleFactory(competencies=[CompetencyFactory()])
    else:
        item = OpportunityFactory()
    url = reverse(f"admin:pathways_{name}_change", args=[item.pk])
    data = admin_form_data(editor_client.get(url))
    data.update(earliest_stage="practising", latest_stage="resident")

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "The latest career stage cannot come before the earliest one." in (
        response.content.decode()
    )
    item.refresh_from_db()
    assert (item.earliest_stage, item.latest_stage) == ("medical_student", "physician_leader")


def test_the_module_list_in_admin_filters_by_stage_and_credential(editor_client):
    LearningModuleFactory(title="Student course", latest_stage="medical_student")
    LearningModuleFactory(title="MBA", kind="education", leads_to="mba", earliest_stage="resident")
    url = reverse("admin:pathways_learningmodule_changelist")

    def titles(query: str) -> set[str]:
        response = editor_client.get(f"{url}?{query}")
        assert response.status_code == 200
        return {module.title for module in response.context["cl"].result_list}

    assert titles("leads_to__exact=mba") == {"MBA"}
    assert titles("latest_stage__exact=medical_student") == {"Student course"}
    assert titles("earliest_stage__exact=resident") == {"MBA"}


def test_the_opportunity_list_in_admin_filters_by_stage(editor_client):
    OpportunityFactory(title="For students", latest_stage="resident")
    OpportunityFactory(title="For leaders", earliest_stage="physician_leader")
    response = editor_client.get(
        reverse("admin:pathways_opportunity_changelist") + "?earliest_stage__exact=physician_leader"
    )
    assert {o.title for o in response.context["cl"].result_list} == {"For leaders"}
