"""Pages that answer GET answer HEAD too (require_safe): uptime monitors send HEAD, and a
405 reads to them as an outage."""

import pytest
from django.urls import reverse

from pathways.services.plan import plan_generate
from tests.factories import OpportunityFactory, complete_assessment, submit_ratings
from tests.pages import client_for

pytestmark = pytest.mark.django_db


def assert_head_answers(client, url: str) -> None:
    response = client.head(url)
    assert response.status_code == 200, url
    assert response.content == b"", url


def test_the_public_pages_answer_head_with_no_body(client, curriculum):
    opportunity = OpportunityFactory()
    competency = next(iter(curriculum["competencies"].values()))
    urls = [
        "/",
        reverse("health"),
        reverse("pathways:pathway-list"),
        reverse("pathways:pathway-detail", args=[curriculum["pharma"].slug]),
        reverse("pathways:competency-list"),
        reverse("pathways:competency-detail", args=[competency.slug]),
        reverse("pathways:module-list"),
        reverse("pathways:opportunity-list"),
        reverse("pathways:opportunity-detail", args=[opportunity.slug]),
    ]
    for url in urls:
        assert_head_answers(client, url)
    # The same page still has its body on GET.
    assert "Pharma CMO" in client.get(urls[2]).text


def test_the_dashboard_results_and_plan_answer_head_with_no_body(physician, curriculum):
    complete_assessment(physician, curriculum["pharma"])
    submit_ratings(physician, {c: 1 for c in curriculum["competencies"].values()})
    plan = plan_generate(owner=physician, pathway=curriculum["pharma"], actor=physician)
    client = client_for(physician)
    for url in (
        "/",
        reverse("assessments:results"),
        reverse("pathways:plan-list"),
        reverse("pathways:plan-detail", args=[plan.pk]),
    ):
        assert_head_answers(client, url)


def test_head_of_a_page_that_changes_something_is_still_refused(physician):
    assert client_for(physician).head(reverse("skip-mentor-step")).status_code == 405
