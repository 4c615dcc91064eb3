"""Any value a person types has a sane range, and any value already stored survives every
page, export and feed: the calendar subscription of a goal due on 31 December 9999 keeps
working."""

import datetime

import pytest
from django.urls import reverse

from cmo_portal.composers.digests import digest_batch_compose
from cmo_portal.composers.reminders import reminder_batch_compose
from pathways.models.plan import (
    CareerPlan,
    PlanAction,
    PlanGoal,
    PlanSection,
)
from tests.factories import PathwayFactory
from tests.pages import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


@pytest.fixture
def plan(physician):
    plan = CareerPlan.objects.create(owner=physician, pathway=PathwayFactory(title="Payer CMO"))
    PlanGoal.objects.create(
        plan=plan, section=PlanSection.LEARNING_OBJECTIVES, title="Learn finance", order=1
    )
    return plan


def edit_goal(client, goal, due: str):
    return client.post(
        reverse("pathways:goal-edit", args=[goal.pk]),
        {
            "title": goal.title,
            "section": goal.section,
            "status": goal.status,
            "due_date": due,
            "target_level": "",
            "notes": "",
            "version": goal.version,
        },
    )


@pytest.mark.parametrize(
    "due", ["9999-12-31", "1900-01-01", "0001-01-01", "2046-11-24", "2026-11-22"]
)
def test_a_due_date_out_of_range_is_refused_with_a_message_and_kept(physician, plan, due):
    goal = plan.goals.get()
    response = edit_goal(client_for(physician), goal, due)

    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose a due date between 23 November 2026" in page
    assert "and 23 November 2046" in page
    assert f'value="{due}"' in page  # what was typed stays in the field
    goal.refresh_from_db()
    assert goal.due_date is None


@pytest.mark.parametrize("due", ["2026-11-23", "2046-11-23", "2030-02-28"])
def test_a_due_date_in_range_is_saved(physician, plan, due):
    goal = plan.goals.get()
    response = edit_goal(client_for(physician), goal, due)

    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.due_date == datetime.date.fromisoformat(due)


def test_a_new_action_is_held_to_the_same_range(physician, plan):
    goal = plan.goals.get()
    response = client_for(physician).post(
        reverse("pathways:action-add", args=[goal.pk]),
        {"title": "Read", "goal": goal.pk, "status": "not_started", "due_date": "9999-12-31"},
    )
    assert response.status_code == 400
    assert "Choose a due date between" in response.content.decode()
    assert not PlanAction.objects.exists()


def test_a_stored_date_out_of_range_does_not_block_editing_the_rest(physician, plan):
    goal = plan.goals.get()
    PlanGoal.objects.filter(pk=goal.pk).update(due_date=datetime.date(9999, 12, 31))
    goal.refresh_from_db()
    response = edit_goal(client_for(physician), goal, "9999-12-31")
    assert response.status_code == 302


def test_the_date_inputs_tell_the_browser_the_range(physician, plan):
    goal = plan.goals.get()
    page = client_for(physician).get(reverse("pathways:goal-edit", args=[goal.pk])).content
    assert b'min="2026-11-23"' in page
    assert b'max="2046-11-23"' in page


@pytest.fixture
def extreme_plan(physician, plan):
    """Values no form accepts, written straight into the tables as old data might be."""
    goal = plan.goals.get()
    PlanGoal.objects.filter(pk=goal.pk).update(
        due_date=datetime.date(9999, 12, 31), target_level=32767, title="T" * 200
    )
    other = PlanGoal.objects.create(
        plan=plan,
        section=PlanSection.EXPERIENTIAL,
        title="=cmd|' /C calc'!A0",
        order=2,
        due_date=datetime.date(1, 1, 1),
    )
    PlanAction.objects.create(
        goal=goal, title="Ancient", due_date=datetime.date(1, 1, 1), effort_hours=32767
    )
    PlanAction.objects.create(
        goal=other,
        title="Far future\u202e\u200b",
        due_date=datetime.date(9999, 12, 31),
        effort_hours=0,
        notes="\ufeff" * 3 + "x" * 10_000,
    )
    return plan


@pytest.mark.parametrize(
    "name",
    ["plan-detail", "plan-history", "plan-print", "plan-json", "plan-csv", "plan-list"],
)
def test_every_page_and_export_survives_extreme_stored_values(physician, extreme_plan, name):
    url = reverse(
        f"pathways:{name}", **({} if name == "plan-list" else {"args": [extreme_plan.pk]})
    )
    response = client_for(physician).get(url)
    assert response.status_code == 200, url


def test_the_calendar_feed_survives_extreme_stored_values(client, extreme_plan):
    response = client.get(
        reverse("pathways:plan-calendar", kwargs={"token": extreme_plan.calendar_token})
    )
    assert response.status_code == 200
    assert b"DTSTART;VALUE=DATE:99991231" in response.content
    assert b"DURATION:P1D" in response.content


def test_the_dashboard_digest_and_reminders_survive_extreme_stored_values(physician, extreme_plan):
    assert client_for(physician).get(reverse("home")).status_code == 200
    digest_batch_compose([physician.pk])
    reminder_batch_compose([physician.pk])


def test_the_pdf_survives_extreme_stored_values(physician, extreme_plan, weasyprint):
    response = client_for(physician).get(reverse("pathways:plan-pdf", args=[extreme_plan.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
