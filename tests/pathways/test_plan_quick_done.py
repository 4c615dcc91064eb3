"""One click done: from the plan page or the dashboard, an action is done (or not done
after all) with one POST that carries the version shown. A second click changes nothing,
a click on an older page changes nothing and says so, and bad input never gets past."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from pathways.models.plan import ItemStatus, PlanAction, PlanChange, PlanStatus
from pathways.services import plan_items
from pathways.services.plan import plan_generate
from tests.pages import client_for, page_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


@pytest.fixture
def action(plan) -> PlanAction:
    """A generated action of the plan, not started and never edited."""
    return PlanAction.objects.filter(goal__plan=plan).order_by("pk").first()


def in_its_goal(plan, action) -> str:
    """The action in its goal shown in full, where a done action is listed with its undo."""
    return f"{plan.get_absolute_url()}?goal={action.goal_id}#action-{action.pk}"


def done_url(action) -> str:
    return reverse("pathways:action-done", args=[action.pk])


def not_done_url(action) -> str:
    return reverse("pathways:action-not-done", args=[action.pk])


def said(response) -> list[str]:
    """The messages waiting to be shown after `response` (with those of earlier
    redirects no page has shown yet)."""
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_one_click_marks_an_action_done_and_returns_to_it_with_a_history_line(
    physician, plan, action
):
    before = PlanChange.objects.filter(plan=plan).count()

    response = client_for(physician).post(done_url(action), {"version": action.version})

    assert response.status_code == 302
    assert response.url == in_its_goal(plan, action)
    assert said(response) == [f"Marked “{action.title}” done."]
    saved = PlanAction.objects.get(pk=action.pk)
    assert saved.status == ItemStatus.DONE
    assert saved.version == action.version + 1
    # One click is not an edit: an action put back to not started is a suggestion again.
    assert saved.edited is False
    change = PlanChange.objects.filter(plan=plan).first()
    assert PlanChange.objects.filter(plan=plan).count() == before + 1
    assert change.summary == f"Marked the action “{action.title}” done."
    assert change.details == {"status": ["not_started", "done"]}
    assert change.actor == physician


def test_a_second_click_changes_nothing_and_says_so_calmly(physician, plan, action):
    client = client_for(physician)
    client.post(done_url(action), {"version": action.version})
    lines = PlanChange.objects.filter(plan=plan).count()

    # The same button again, from the same (now older) page.
    response = client.post(done_url(action), {"version": action.version})

    assert response.status_code == 302
    assert said(response)[-1] == f"“{action.title}” is marked done already."
    assert PlanChange.objects.filter(plan=plan).count() == lines
    assert PlanAction.objects.get(pk=action.pk).version == action.version + 1


def test_a_click_on_a_page_older_than_the_action_changes_nothing_and_says_so(
    physician, plan, action
):
    plan_items.action_update(
        action=action,
        actor=physician,
        data={"title": "Renamed in another tab", "status": ItemStatus.BLOCKED},
        version=action.version,
    )

    response = client_for(physician).post(done_url(action), {"version": action.version})

    assert response.status_code == 302
    assert response.url.endswith(f"#action-{action.pk}")
    assert "was changed somewhere else" in said(response)[0]
    saved = PlanAction.objects.get(pk=action.pk)
    assert saved.status == ItemStatus.BLOCKED
    assert saved.title == "Renamed in another tab"


def test_mark_not_done_puts_it_back_to_not_started_once(physician, plan, action):
    client = client_for(physician)
    client.post(done_url(action), {"version": action.version})
    version = PlanAction.objects.get(pk=action.pk).version

    response = client.post(not_done_url(action), {"version": version})
    again = client.post(not_done_url(action), {"version": version})

    assert response.status_code == 302 and again.status_code == 302
    assert "back to not started" in said(response)[-1]
    assert said(again)[-1] == f"“{action.title}” is not marked done: nothing to undo."
    saved = PlanAction.objects.get(pk=action.pk)
    assert saved.status == ItemStatus.NOT_STARTED
    assert saved.edited is False
    assert (
        PlanChange.objects.filter(plan=plan, summary__startswith="Marked the action").count() == 2
    )


def test_an_action_undone_is_refreshed_by_regeneration_again(physician, plan, action):
    """Done with one click and undone, the action is a suggestion as before: regeneration
    refreshes it, as it refreshes every untouched suggestion."""
    client = client_for(physician)
    client.post(done_url(action), {"version": action.version})
    client.post(not_done_url(action), {"version": action.version + 1})
    PlanAction.objects.filter(pk=action.pk).update(title="Stale suggestion")

    plan_generate(owner=physician, pathway=plan.pathway, actor=physician)

    assert PlanAction.objects.get(pk=action.pk).title != "Stale suggestion"


def test_an_action_done_is_kept_done_by_regeneration(physician, plan, action):
    client_for(physician).post(done_url(action), {"version": action.version})

    plan_generate(owner=physician, pathway=plan.pathway, actor=physician)

    assert PlanAction.objects.get(pk=action.pk).status == ItemStatus.DONE


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"version": ""},
        {"version": "abc"},
        {"version": "0"},
        {"version": "-3"},
        {"version": "9" * 30},
    ],
)
def test_a_missing_or_garbage_version_changes_nothing(physician, plan, action, data):
    lines = PlanChange.objects.filter(plan=plan).count()

    response = client_for(physician).post(done_url(action), data)

    assert response.status_code == 302
    assert "was not changed" in said(response)[0]
    assert PlanAction.objects.get(pk=action.pk).status == ItemStatus.NOT_STARTED
    assert PlanChange.objects.filter(plan=plan).count() == lines


@pytest.mark.parametrize(
    "path",
    ["/plans/actions/abc/done/", "/plans/actions/1.5/not-done/", "/plans/goals/x/met/"],
)
def test_an_id_that_is_not_a_number_is_not_found(physician, path):
    assert client_for(physician).post(path, {"version": 1}).status_code == 404


@pytest.mark.parametrize("name", ["action-done", "action-not-done"])
def test_the_buttons_answer_only_a_post(physician, action, name):
    response = client_for(physician).get(reverse(f"pathways:{name}", args=[action.pk]))
    assert response.status_code == 405
    assert PlanAction.objects.get(pk=action.pk).status == ItemStatus.NOT_STARTED


def test_an_action_that_does_not_exist_is_not_found(physician, action):
    missing = PlanAction.objects.order_by("-pk").first().pk + 100
    response = client_for(physician).post(
        reverse("pathways:action-done", args=[missing]), {"version": 1}
    )
    assert response.status_code == 404


def test_a_removed_action_is_not_marked_and_the_page_says_it_was_removed(physician, plan, action):
    plan_items.action_remove(action=action, actor=physician)

    response = client_for(physician).post(done_url(action), {"version": action.version + 1})

    assert response.status_code == 410
    assert "removed" in page_text(response)
    assert PlanAction.objects.get(pk=action.pk).status == ItemStatus.NOT_STARTED


def test_the_action_of_another_persons_plan_is_not_found_and_not_changed(other_physician, action):
    response = client_for(other_physician).post(done_url(action), {"version": action.version})

    assert response.status_code == 404
    assert PlanAction.objects.get(pk=action.pk).status == ItemStatus.NOT_STARTED


def test_a_complete_plan_is_not_changed_by_a_click(physician, plan, action):
    plan.status = PlanStatus.COMPLETE
    plan.save()

    response = client_for(physician).post(done_url(action), {"version": action.version})

    assert response.status_code == 302
    assert "Reopen it" in said(response)[0]
    assert PlanAction.objects.get(pk=action.pk).status == ItemStatus.NOT_STARTED


def test_the_dashboard_button_comes_back_to_the_dashboard_with_a_way_to_undo(
    physician, plan, action
):
    response = client_for(physician).post(
        done_url(action), {"version": action.version, "next": "/#next-actions-title"}
    )

    assert response.status_code == 302
    assert response.url == "/#next-actions-title"
    (message,) = said(response)
    assert f'href="{in_its_goal(plan, action)}"' in message
    assert "Undo in your plan" in message


@pytest.mark.parametrize(
    "next_url", ["https://elsewhere.example/", "//elsewhere.example/x", "javascript:alert(1)"]
)
def test_a_next_page_off_the_site_is_ignored(physician, plan, action, next_url):
    response = client_for(physician).post(
        done_url(action), {"version": action.version, "next": next_url}
    )
    assert response.url == in_its_goal(plan, action)


def test_the_plan_page_has_the_button_for_the_owner_only(physician, active_mentor, plan, action):
    owner_page = page_text(client_for(physician).get(plan.get_absolute_url()))
    mentor_page = page_text(client_for(active_mentor).get(plan.get_absolute_url()))

    assert f'action="{done_url(action)}"' in owner_page
    assert f'name="version" value="{action.version}"' in owner_page
    assert "Mark done" in owner_page
    assert done_url(action) not in mentor_page and "Mark done" not in mentor_page


def test_a_done_action_offers_mark_not_done(physician, plan, action):
    client = client_for(physician)
    client.post(done_url(action), {"version": action.version})

    # Done actions are counted, not listed, until their goal is shown in full.
    page = page_text(client.get(f"{plan.get_absolute_url()}?goal={action.goal_id}"))

    assert f'action="{not_done_url(action)}"' in page
    assert f'action="{done_url(action)}"' not in page


def test_the_dashboard_offers_the_button_on_each_next_action(physician, plan, action):
    PlanAction.objects.filter(goal__plan=plan).update(due_date=None)
    PlanAction.objects.filter(pk=action.pk).update(due_date=plan.created_at.date())
    page = page_text(client_for(physician).get("/"))

    assert f'action="{done_url(action)}"' in page
    assert 'name="next" value="/#next-actions-title"' in page
