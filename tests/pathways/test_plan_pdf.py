"""The plan's PDF is rendered by a Celery task and kept per version of the plan: a page
never waits on WeasyPrint, a second ask queues nothing more, and a render runs once."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse

from pathways.models.plan import PdfStatus, PlanPdf
from pathways.selectors.plan import plan_with_items
from pathways.services import pdf as pdf_services
from pathways.services import plan_items
from tests.pages import client_for
from tests.pathways.dates import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


@pytest.fixture
def plan(physician):
    from pathways.models.plan import CareerPlan, PlanSection
    from tests.factories import PathwayFactory

    plan = CareerPlan.objects.create(owner=physician, pathway=PathwayFactory(title="Payer CMO"))
    plan_items.goal_create(
        plan=plan,
        actor=physician,
        data={"section": PlanSection.NETWORKS, "title": "Join the payer medical directors"},
    )
    return plan


@pytest.fixture
def with_a_worker(settings):
    """A real broker's behaviour: the request queues the render and returns; the test
    plays the worker by running what was queued."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with mock.patch("pathways.tasks.plan_pdf_render.delay") as delay:
        yield delay


def pdf_url(plan, query: str = "") -> str:
    return reverse("pathways:plan-pdf", args=[plan.pk]) + query


def test_the_page_says_the_pdf_is_being_prepared_and_does_not_wait(
    physician, plan, with_a_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(physician).get(pdf_url(plan))

    assert response.status_code == 202
    page = response.content.decode()
    assert "Your PDF is being prepared" in page
    assert 'role="status"' in page
    assert f'href="{pdf_url(plan)}"' in page  # works without JavaScript
    pdf = PlanPdf.objects.get()
    assert pdf.status == PdfStatus.PENDING
    with_a_worker.assert_called_once_with(pdf.pk)


def test_asking_again_while_it_renders_queues_nothing_more(
    physician, plan, with_a_worker, django_capture_on_commit_callbacks
):
    client = client_for(physician)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(pdf_url(plan))
        client.get(pdf_url(plan))
        status = client.get(pdf_url(plan, "?status=1"))

    assert with_a_worker.call_count == 1
    assert PlanPdf.objects.count() == 1
    assert status.json() == {"status": "pending", "ready": False}


def test_once_rendered_the_pdf_is_downloaded(physician, plan, with_a_worker, weasyprint):
    client = client_for(physician)
    client.get(pdf_url(plan))
    pdf = PlanPdf.objects.get()

    assert pdf_services.plan_pdf_render(pdf_id=pdf.pk) is True
    assert pdf_services.plan_pdf_render(pdf_id=pdf.pk) is False  # a second run does nothing

    assert client.get(pdf_url(plan, "?status=1")).json()["ready"] is True
    response = client.get(pdf_url(plan))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_change_to_the_plan_makes_a_new_version_and_drops_the_old(
    physician, plan, with_a_worker, weasyprint
):
    client = client_for(physician)
    client.get(pdf_url(plan))
    first = PlanPdf.objects.get()
    pdf_services.plan_pdf_render(pdf_id=first.pk)

    goal = plan.goals.get()
    plan_items.goal_update(
        goal=goal, actor=physician, data={"title": "Chair a payer committee"}, version=goal.version
    )
    client.get(pdf_url(plan))
    second = PlanPdf.objects.exclude(pk=first.pk).get()
    assert second.version != first.version
    pdf_services.plan_pdf_render(pdf_id=second.pk)

    assert list(PlanPdf.objects.values_list("pk", flat=True)) == [second.pk]


def test_the_version_changes_with_the_day_for_what_is_overdue(plan, on_date):
    version = pdf_services.plan_pdf_version(plan_with_items(plan))
    on_date(TODAY + datetime.timedelta(days=1))
    assert pdf_services.plan_pdf_version(plan_with_items(plan)) != version


def test_a_failed_render_says_so_and_can_be_tried_again(
    physician, plan, with_a_worker, django_capture_on_commit_callbacks
):
    client = client_for(physician)
    client.get(pdf_url(plan))
    pdf = PlanPdf.objects.get()
    with mock.patch("pathways.exports.plan_pdf", side_effect=RuntimeError("Pango is gone")):
        assert pdf_services.plan_pdf_render(pdf_id=pdf.pk) is False

    page = client.get(pdf_url(plan))
    assert page.status_code == 202
    assert "could not be prepared" in page.content.decode()
    assert with_a_worker.call_count == 0  # a failure is not retried by merely looking

    with django_capture_on_commit_callbacks(execute=True):
        client.get(pdf_url(plan, "?retry=1"))
    assert with_a_worker.call_count == 1
    assert PlanPdf.objects.get().status == PdfStatus.PENDING


def test_a_render_cut_off_is_queued_again_on_the_next_ask(
    physician, plan, with_a_worker, django_capture_on_commit_callbacks
):
    client = client_for(physician)
    client.get(pdf_url(plan))
    PlanPdf.objects.update(
        status=PdfStatus.RENDERING,
        claimed_at=datetime.datetime(2026, 11, 23, 11, 0, tzinfo=datetime.UTC),
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.get(pdf_url(plan))
    assert with_a_worker.call_count == 1
    assert PlanPdf.objects.get().status == PdfStatus.PENDING


def test_on_the_embedded_default_the_pdf_comes_at_once(physician, plan, weasyprint):
    response = client_for(physician).get(pdf_url(plan))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
