"""A goal a new rating reached is proposed as met: the plan and the dashboard say so, and
the physician confirms it met or keeps working on it, each once."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from cmo_portal import clock
from pathways.models.plan import ItemStatus, PlanChange, PlanGoal
from pathways.services import plan_items
from tests.pages import client_for, page_text, words_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


@pytest.fixture
def proposed(plan) -> PlanGoal:
    """A goal of the plan whose target (level 3) the latest rating reaches."""
    goal = plan.goals.order_by("order").first()
    PlanGoal.objects.filter(pk=goal.pk).update(target_level=3, met_proposed_at=clock.now())
    goal.refresh_from_db()
    return goal


def met_url(goal) -> str:
    return reverse("pathways:goal-met", args=[goal.pk])


def keep_url(goal) -> str:
    return reverse("pathways:goal-keep-open", args=[goal.pk])


def last_message(response) -> str:
    return [str(m) for m in get_messages(response.wsgi_request)][-1]


def test_the_goal_asks_whether_it_is_met_with_two_buttons(physician, plan, proposed):
    response = client_for(physician).get(plan.get_absolute_url())
    page = page_text(response)

    assert "Your latest rating reaches level 3, this goal's target. Mark it met?" in words_of(
        response
    )
    assert f'action="{met_url(proposed)}"' in page and "Yes, it is met" in page
    assert f'action="{keep_url(proposed)}"' in page and "Keep working on it" in page
    # The top of the plan lists it too, linking to the question.
    assert f'href="#goal-{proposed.pk}-met"' in page


def test_a_mentor_reads_the_question_without_the_buttons(active_mentor, plan, proposed):
    response = client_for(active_mentor).get(plan.get_absolute_url())
    page = page_text(response)

    assert "The latest rating reaches level 3, this goal's target." in words_of(response)
    assert met_url(proposed) not in page and keep_url(proposed) not in page


def test_a_goal_not_proposed_asks_nothing(physician, plan):
    page = page_text(client_for(physician).get(plan.get_absolute_url()))
    assert "Mark it met?" not in page and "look met" not in page


def test_yes_it_is_met_marks_the_goal_done_once(physician, plan, proposed):
    client = client_for(physician)

    response = client.post(met_url(proposed))
    again = client.post(met_url(proposed))

    assert response.status_code == 302
    assert response.url == f"{plan.get_absolute_url()}#goal-{proposed.pk}"
    saved = PlanGoal.objects.get(pk=proposed.pk)
    assert saved.status == ItemStatus.DONE
    assert saved.met_proposed_at is None
    assert saved.version == proposed.version + 1
    lines = PlanChange.objects.filter(plan=plan, summary__startswith="Confirmed the goal")
    assert [line.details for line in lines] == [{"status": ["not_started", "done"]}]
    assert "nothing changed" in last_message(again)
    page = page_text(client.get(plan.get_absolute_url()))
    assert "Mark it met?" not in page


def test_keep_working_on_it_answers_the_proposal_and_leaves_the_goal_open(
    physician, plan, proposed
):
    client = client_for(physician)

    response = client.post(keep_url(proposed))
    again = client.post(keep_url(proposed))

    assert response.status_code == 302
    assert "stays open" in last_message(response)
    saved = PlanGoal.objects.get(pk=proposed.pk)
    assert saved.status == ItemStatus.NOT_STARTED
    assert saved.met_proposed_at is None
    assert saved.kept_open_at == clock.now()
    assert PlanChange.objects.filter(plan=plan, summary__startswith="Kept the goal").count() == 1
    assert "nothing changed" in last_message(again)


def test_an_answered_proposal_cannot_be_answered_the_other_way_by_an_old_page(physician, proposed):
    client = client_for(physician)
    client.post(keep_url(proposed))

    client.post(met_url(proposed))  # the other button, on the page still open

    assert PlanGoal.objects.get(pk=proposed.pk).status == ItemStatus.NOT_STARTED


@pytest.mark.parametrize("name", ["goal-met", "goal-keep-open"])
def test_the_answers_need_a_post(physician, proposed, name):
    response = client_for(physician).get(reverse(f"pathways:{name}", args=[proposed.pk]))
    assert response.status_code == 405
    assert PlanGoal.objects.get(pk=proposed.pk).met_proposed_at is not None


@pytest.mark.parametrize("name", ["goal-met", "goal-keep-open"])
def test_a_removed_goal_is_not_answered(physician, proposed, name):
    plan_items.goal_remove(goal=proposed, actor=physician)

    response = client_for(physician).post(reverse(f"pathways:{name}", args=[proposed.pk]))

    assert response.status_code == 410
    saved = PlanGoal.objects.get(pk=proposed.pk)
    assert saved.met_proposed_at is not None and saved.status == ItemStatus.NOT_STARTED


@pytest.mark.parametrize("name", ["goal-met", "goal-keep-open"])
def test_another_persons_goal_is_not_found(other_physician, proposed, name):
    response = client_for(other_physician).post(reverse(f"pathways:{name}", args=[proposed.pk]))
    assert response.status_code == 404
    assert PlanGoal.objects.get(pk=proposed.pk).met_proposed_at is not None


def test_the_dashboard_says_how_many_goals_look_met_and_links_to_them(physician, plan, proposed):
    other = plan.goals.exclude(pk=proposed.pk).first()
    PlanGoal.objects.filter(pk=other.pk).update(met_proposed_at=clock.now())

    response = client_for(physician).get("/")
    page = page_text(response)

    assert "2 goals look met: review them" in words_of(response)
    assert f'href="{plan.get_absolute_url()}#plan-met"' in page


def test_the_dashboard_says_nothing_once_the_goal_is_answered(physician, plan, proposed):
    client = client_for(physician)
    assert "1 goal looks met: review it" in words_of(client.get("/"))

    client.post(met_url(proposed))

    assert "looks met" not in page_text(client.get("/"))
