"""A physician who accepted a role for their target pathway says when it starts: the
plan records the day and is regenerated (the first 90 days come from it). Bad days are
refused clearly with what was typed kept; forgetting the role asks first."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from pathways.models.plan import CareerPlan, PlanChange
from pathways.services import plan_items
from tests.factories import PathwayFactory
from tests.pages import client_for, page_text, words_of
from tests.pathways.dates import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


@pytest.fixture
def regenerations(monkeypatch) -> list[dict]:
    """Every call the role's service makes to the generator, which still runs."""
    calls: list[dict] = []
    real = plan_items.plan_generate

    def spy(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(plan_items, "plan_generate", spy)
    return calls


def role_url(plan) -> str:
    return reverse("pathways:plan-role", args=[plan.pk])


def clear_url(plan) -> str:
    return reverse("pathways:plan-role-clear", args=[plan.pk])


def test_the_plan_for_a_target_role_asks_whether_a_role_was_accepted(physician, plan):
    response = client_for(physician).get(plan.get_absolute_url())

    assert "Accepted a role? Tell us when it starts" in words_of(response)
    assert f'action="{role_url(plan)}"' in response.content.decode()


def test_a_plan_for_a_role_not_aimed_at_does_not_ask(physician, plan):
    other = CareerPlan.objects.create(owner=physician, pathway=PathwayFactory(title="Payer CMO"))
    assert "Accepted a role?" not in words_of(client_for(physician).get(other.get_absolute_url()))


def test_a_mentor_is_not_asked(active_mentor, plan):
    assert "Accepted a role?" not in words_of(
        client_for(active_mentor).get(plan.get_absolute_url())
    )


def test_the_day_a_role_starts_is_kept_and_the_plan_regenerated(physician, plan, regenerations):
    starts = TODAY + datetime.timedelta(days=40)

    response = client_for(physician).post(role_url(plan), {"starts_on": starts.isoformat()})

    assert response.status_code == 302
    assert response.url == f"{plan.get_absolute_url()}#section-first_90_days"
    plan.refresh_from_db()
    assert plan.role_starts_on == starts
    assert regenerations == [{"owner": physician, "pathway": plan.pathway, "actor": physician}]
    line = PlanChange.objects.get(plan=plan, summary__startswith="The new role starts")
    assert line.details == {"role_starts_on": ["", starts.isoformat()]}
    page = words_of(client_for(physician).get(plan.get_absolute_url()))
    assert "Your new role starts on 2 January 2027" in page


def test_the_same_day_twice_regenerates_once(physician, plan, regenerations):
    client = client_for(physician)
    data = {"starts_on": TODAY.isoformat()}

    client.post(role_url(plan), data)
    again = client.post(role_url(plan), data)

    assert again.status_code == 302
    assert "nothing changed" in [str(m) for m in get_messages(again.wsgi_request)][-1]
    assert len(regenerations) == 1


@pytest.mark.parametrize("day", [TODAY - datetime.timedelta(days=30), datetime.date(2028, 11, 23)])
def test_the_first_and_last_days_allowed_are_accepted(physician, plan, day, regenerations):
    response = client_for(physician).post(role_url(plan), {"starts_on": day.isoformat()})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.role_starts_on == day


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the day the role starts."),
        ("next spring", "Enter the day the role starts as a date"),
        ("2027-02-30", "Enter the day the role starts as a date"),
        ((TODAY - datetime.timedelta(days=31)).isoformat(), "more than 30 days ago"),
        ("2028-11-24", "more than 2 years ahead"),
        ("99999-01-01", "Enter the day the role starts as a date"),
    ],
)
def test_a_bad_day_is_refused_clearly_keeping_what_was_typed(
    physician, plan, typed, message, regenerations
):
    response = client_for(physician).post(role_url(plan), {"starts_on": typed})

    assert response.status_code == 400
    assert message in page_text(response)
    if typed:
        assert f'value="{typed}"' in page_text(response)
    plan.refresh_from_db()
    assert plan.role_starts_on is None
    assert regenerations == []


def test_the_role_page_shows_the_form_on_a_get(physician, plan):
    response = client_for(physician).get(role_url(plan))
    assert response.status_code == 200
    assert "When does the role start?" in words_of(response)


def test_forgetting_the_role_asks_first_then_regenerates_once(physician, plan, regenerations):
    plan.role_starts_on = TODAY
    plan.save()
    client = client_for(physician)

    asked = client.get(clear_url(plan))
    assert asked.status_code == 200
    assert "No longer have this role lined up?" in words_of(asked)
    plan.refresh_from_db()
    assert plan.role_starts_on == TODAY  # asking changes nothing

    done = client.post(clear_url(plan))
    again = client.post(clear_url(plan))

    assert done.status_code == 302 and again.status_code == 302
    plan.refresh_from_db()
    assert plan.role_starts_on is None
    assert len(regenerations) == 1
    assert "nothing changed" in [str(m) for m in get_messages(again.wsgi_request)][-1]


def test_forgetting_a_role_there_is_not_goes_back_to_the_plan(physician, plan):
    response = client_for(physician).get(clear_url(plan))
    assert response.status_code == 302
    assert response.url == plan.get_absolute_url()


def test_another_person_cannot_set_the_day(other_physician, plan, regenerations):
    response = client_for(other_physician).post(role_url(plan), {"starts_on": TODAY.isoformat()})
    assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.role_starts_on is None and regenerations == []
