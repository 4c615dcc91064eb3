"""Visitors get the public curriculum pages from the cache; an editor's save in admin,
or the loader, shows on them at once; signed-in people always get a fresh page."""

import pytest
from django.test import Client
from django.urls import reverse

from pathways.selectors.curriculum import curriculum_version
from pathways.services.curriculum import curriculum_editor_group_sync, curriculum_load
from tests.admin_forms import admin_form_data
from tests.factories import OpportunityFactory, UserFactory
from tests.pages import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]


def public_urls(curriculum) -> list[str]:
    return [
        reverse("pathways:pathway-list"),
        reverse("pathways:pathway-list") + "?q=pharma",
        reverse("pathways:pathway-detail", args=[curriculum["pharma"].slug]),
        reverse("pathways:competency-list"),
        reverse("pathways:opportunity-list"),
    ]


def test_a_visitor_gets_the_public_pages_from_the_cache_with_no_query(
    curriculum, django_assert_num_queries
):
    visitor = Client()
    for url in public_urls(curriculum):
        first = visitor.get(url)
        with django_assert_num_queries(0):
            again = visitor.get(url)
        assert again.status_code == 200
        assert again.content == first.content, url
    # Each address is its own page: the search's query string is part of the key.
    searched = visitor.get(reverse("pathways:pathway-list") + "?q=hospital").text
    assert "Hospital CMO" in searched and "Pharma CMO" not in searched


def test_an_editors_save_in_admin_shows_to_visitors_at_once(curriculum):
    visitor = Client()
    url = reverse("pathways:pathway-detail", args=[curriculum["pharma"].slug])
    assert "Pharma CMO" in visitor.get(url).text
    editor = UserFactory(is_staff=True, second_factor=True)
    editor.groups.add(curriculum_editor_group_sync())
    admin = client_for(editor)
    change = reverse("admin:pathways_pathway_change", args=[curriculum["pharma"].pk])
    data = admin_form_data(admin.get(change))
    data["title"] = "Chief Medical Officer, pharma"
    assert admin.post(change, data).status_code == 302
    page = visitor.get(url).text
    assert "Chief Medical Officer, pharma" in page
    assert "Chief Medical Officer, pharma" in visitor.get(reverse("pathways:pathway-list")).text


def test_a_deletion_in_admin_shows_to_visitors_at_once(curriculum):
    opportunity = OpportunityFactory(title="Summer fellowship in pharma leadership")
    visitor = Client()
    assert opportunity.title in visitor.get(reverse("pathways:opportunity-list")).text
    editor = UserFactory(is_staff=True, second_factor=True)
    editor.groups.add(curriculum_editor_group_sync())
    delete = reverse("admin:pathways_opportunity_delete", args=[opportunity.pk])
    assert client_for(editor).post(delete, {"post": "yes"}).status_code == 302
    assert opportunity.title not in visitor.get(reverse("pathways:opportunity-list")).text


def test_the_loader_drops_the_cached_pages():
    before = curriculum_version()
    curriculum_load()
    assert curriculum_version() != before


def test_a_signed_in_person_gets_a_fresh_page(curriculum, physician):
    client = client_for(physician)
    url = reverse("pathways:pathway-list")
    client.get(url)
    curriculum["pharma"].title = "Renamed without admin"
    curriculum["pharma"].save()
    assert "Renamed without admin" in client.get(url).text  # not from the cache
