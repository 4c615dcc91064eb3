"""The physician edits their plan safely: a conflict between two tabs is shown, bad
input is refused, statuses follow their steps, and every change is in the history."""

import pytest
from django.urls import reverse

from pathways.models.plan import (
    CareerPlan,
    PlanAction,
    PlanChange,
    PlanGoal,
    PlanStatus,
)
from pathways.services import plan as services
from pathways.services import plan_items
from tests.factories import (
    complete_assessment,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


# --- Editing --------------------------------------------------------------------------------


def test_the_second_of_two_tabs_is_told_of_the_conflict_and_shown_both(client, physician, plan):
    goal = plan.goals.first()
    client.force_login(physician)
    url = reverse("pathways:goal-edit", args=[goal.pk])
    form = {
        "title": goal.title,
        "section": goal.section,
        "status": "not_started",
        "version": goal.version,
    }

    assert client.post(url, {**form, "title": "Saved in tab one"}).status_code == 302
    response = client.post(url, {**form, "title": "Typed in tab two"})

    assert response.status_code == 409
    page = response.content.decode()
    assert "Saved in tab one" in page and "Typed in tab two" in page
    # Rendering what was typed must not overwrite the saved version shown beside it.
    assert response.context["conflict"].title == "Saved in tab one"
    assert response.context["form"]["title"].value() == "Typed in tab two"
    goal.refresh_from_db()
    assert goal.title == "Saved in tab one"
    # Saving again from the conflict page, with the version it shows, goes through.
    response = client.post(url, {**form, "title": "Typed in tab two", "version": goal.version})
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.title == "Typed in tab two"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("due_date", "next tuesday", "Enter the due date as a date"),
        ("due_date", "2027-02-30", "Enter the due date as a date"),
        ("status", "abandoned", "Select a valid choice"),
        ("title", "", "This field is required"),
    ],
)
def test_bad_action_input_is_refused_clearly_and_saves_nothing(
    client, physician, plan, field, value, message
):
    action = PlanAction.objects.filter(goal__plan=plan).first()
    before = PlanAction.objects.values().get(pk=action.pk)
    client.force_login(physician)
    data = {
        "title": action.title,
        "goal": action.goal_id,
        "status": "in_progress",
        "notes": "typed note",
        "version": action.version,
        field: value,
    }

    response = client.post(reverse("pathways:action-edit", args=[action.pk]), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert "typed note" in response.content.decode()
    assert PlanAction.objects.values().get(pk=action.pk) == before


def test_an_action_cannot_be_moved_to_someone_elses_goal(
    client, physician, other_physician, plan, gapped
):
    complete_assessment(other_physician, gapped["pharma"])
    theirs = plan_items.goal_create(
        plan=CareerPlan.objects.create(owner=other_physician, pathway=gapped["pharma"]),
        actor=other_physician,
        data={"title": "Theirs", "section": "mentors"},
    )
    action = PlanAction.objects.filter(goal__plan=plan).first()
    client.force_login(physician)

    response = client.post(
        reverse("pathways:action-edit", args=[action.pk]),
        {"title": "Moved", "goal": theirs.pk, "status": "not_started", "version": action.version},
    )

    assert response.status_code == 400
    assert "Choose one of the goals of this plan" in response.content.decode()
    action.refresh_from_db()
    assert action.goal.plan_id == plan.pk and action.title != "Moved"
    assert not theirs.actions.exists()


def test_a_status_not_in_the_list_is_refused(client, physician, plan):
    client.force_login(physician)
    response = client.post(
        reverse("pathways:plan-status", args=[plan.pk]), {"status": "archived"}, follow=True
    )
    assert "That is not a plan status" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_the_status_follows_the_allowed_steps_and_a_complete_plan_reopens(client, physician, plan):
    client.force_login(physician)
    url = reverse("pathways:plan-status", args=[plan.pk])
    client.post(url, {"status": "complete"})  # not from draft
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    for status in ("active", "complete"):
        client.post(url, {"status": status})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPLETE

    goal = plan.goals.first()
    client.post(reverse("pathways:goal-delete", args=[goal.pk]))
    assert PlanGoal.objects.filter(pk=goal.pk).exists()  # complete means read-only

    client.post(url, {"status": "active"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE


def test_goals_reorder_within_their_section(client, physician, plan):
    first, second = plan.goals.filter(section="learning_objectives").order_by("order")
    client.force_login(physician)
    client.post(reverse("pathways:goal-move", args=[second.pk]), {"direction": "up"})
    moved = plan.goals.filter(section="learning_objectives").order_by("order")
    assert list(moved.values_list("pk", flat=True)) == [second.pk, first.pk]


def test_progress_counts_done_actions(physician, plan):
    actions = list(PlanAction.objects.filter(goal__plan=plan))
    for action in actions[:2]:
        plan_items.action_update(
            action=action, actor=physician, data={"status": "done"}, version=action.version
        )
    plan = CareerPlan.objects.prefetch_related("goals__actions").get(pk=plan.pk)
    assert plan.progress() == round(100 * 2 / len(actions))


def test_the_history_says_what_changed_when_and_by_whom(client, physician, plan):
    goal = plan.goals.first()
    plan_items.goal_update(
        goal=goal, actor=physician, data={"title": "Renamed"}, version=goal.version
    )
    change = PlanChange.objects.filter(plan=plan).first()
    assert change.actor == physician
    assert change.details["title"][1] == "Renamed"

    client.force_login(physician)
    page = client.get(reverse("pathways:plan-history", args=[plan.pk])).content.decode()
    assert "Renamed" in page


def test_an_edit_through_the_site_keeps_the_due_date_and_is_in_the_history(client, physician, plan):
    goal = plan.goals.first()
    due = goal.due_date
    client.force_login(physician)
    url = reverse("pathways:goal-edit", args=[goal.pk])

    page = client.get(url).content.decode()
    assert f'value="{due.isoformat()}"' in page  # a date input can read it

    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["title"] = "Clearer words"
    assert client.post(url, data).status_code == 302

    goal.refresh_from_db()
    assert goal.due_date == due
    change = plan.changes.first()
    assert change.actor == physician
    assert change.details == {
        "title": [goal.generated_key and change.details["title"][0], "Clearer words"]
    }


def test_the_owner_cannot_make_the_mentors_moves(client, physician, plan, mentor):
    client.force_login(physician)
    url = reverse("pathways:plan-status", args=[plan.pk])
    client.post(url, {"status": "waiting_for_review"})
    client.post(url, {"status": "in_review"})  # the mentor's move
    plan.refresh_from_db()
    assert plan.status == PlanStatus.WAITING_FOR_REVIEW

    services.plan_set_status(plan=plan, actor=mentor, status="in_review", as_mentor=True)
    services.plan_set_status(plan=plan, actor=mentor, status="draft", as_mentor=True)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT  # sent back with comments
