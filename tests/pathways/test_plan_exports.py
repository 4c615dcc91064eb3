"""The career plan out of the site: JSON, CSV and the calendar feed (the print page and
the PDF: test_plan_print.py).
Complete, safe to open in a spreadsheet, private to the plan's viewers, and as cheap
with sixty goals as with six."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from pathways import exports
from pathways.models.plan import (
    ItemStatus,
    PlanAction,
    PlanGoal,
    PlanSection,
)
from pathways.services import plan as services
from pathways.services import plan_items
from tests.pathways.dates import TODAY
from tests.pathways.plan_pages import url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


DOWNLOADS = ["plan-print", "plan-pdf", "plan-json", "plan-csv"]


@pytest.fixture
def plan(exports_plan):
    return exports_plan


def calendar_url(token: str) -> str:
    return reverse("pathways:plan-calendar", kwargs={"token": token})


def all_items(plan):
    goals = list(PlanGoal.objects.filter(plan=plan))
    actions = list(PlanAction.objects.filter(goal__plan=plan))
    return goals, actions


def add_goals(plan, n: int) -> None:
    """n more goals, each with three dated actions."""
    goals = PlanGoal.objects.bulk_create(
        PlanGoal(
            plan=plan,
            section=PlanSection.EXPERIENTIAL,
            title=f"Extra goal {i}",
            order=100 + i,
            due_date=TODAY + datetime.timedelta(days=i),
        )
        for i in range(n)
    )
    PlanAction.objects.bulk_create(
        PlanAction(
            goal=goal,
            title=f"Step {j} of {goal.title}",
            order=j,
            due_date=TODAY + datetime.timedelta(days=j),
        )
        for goal in goals
        for j in range(3)
    )


# --- Progress -------------------------------------------------------------------------


def test_progress_counts_actions_and_goals_without_actions(plan):
    from pathways.selectors.plan import plan_with_items

    loaded = plan_with_items(plan)
    goals = sorted(loaded.goals.all(), key=lambda g: g.pk)
    trials = next(g for g in goals if g.competency and g.competency.name.startswith("Clinical"))
    # Trials: the course, done (the fellowship application is experiential learning).
    assert exports.goal_progress(trials) == 100
    experience = next(g for g in goals if g.section == PlanSection.EXPERIENTIAL)
    assert exports.goal_progress(experience) == 0
    own = next(g for g in goals if g.section == PlanSection.MENTORS)
    assert exports.goal_progress(own) == 0
    PlanGoal.objects.filter(pk=own.pk).update(status=ItemStatus.DONE)

    loaded = plan_with_items(plan)
    own = next(g for g in loaded.goals.all() if g.pk == own.pk)
    assert exports.goal_progress(own) == 100
    # Items: trials, finance and the fellowship 1 action each, own goal 1: 2 of 4 done.
    assert exports.plan_progress(loaded) == 50


# --- JSON -----------------------------------------------------------------------------


def test_json_has_every_goal_and_action_with_their_details(client, physician, plan):
    client.force_login(physician)

    response = client.get(url("plan-json", plan))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="career-plan-pharma-cmo.json"'
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["pathway"]["title"] == "Pharma CMO"
    assert data["owner"] == "Dr Ada Owner"
    assert data["status"] == "draft"
    assert data["url"] == f"http://testserver/plans/{plan.pk}/"
    assert [s["key"] for s in data["sections"]] == list(PlanSection.values)
    goals = [goal for section in data["sections"] for goal in section["goals"]]
    actions = [action for goal in goals for action in goal["actions"]]
    db_goals, db_actions = all_items(plan)
    assert {g["id"] for g in goals} == {g.pk for g in db_goals}
    assert {a["id"] for a in actions} == {a.pk for a in db_actions}

    trials = next(g for g in goals if g["competency"] and g["competency"]["name"].startswith("Cl"))
    assert trials["target_level"] == 4
    assert trials["status"] == "not_started"
    assert trials["due_date"] == max(a["due_date"] for a in trials["actions"])
    assert trials["progress"] == 100
    (course,) = trials["actions"]
    experience = next(g for g in goals if g["section"] == PlanSection.EXPERIENTIAL)
    (fellowship,) = experience["actions"]
    assert course["module"]["title"] == "Trial design course"
    assert course["module"]["external_url"] == "https://learn.example.org/trials"
    assert course["module"]["url"].startswith("http://testserver/modules/")
    assert course["evidence"] == "Certificate, filed with the CV."
    assert course["status"] == "done"
    assert course["effort_hours"] == 10
    assert fellowship["opportunity"]["title"] == "Trials fellowship"
    assert fellowship["opportunity"]["deadline"] == str(TODAY + datetime.timedelta(days=10))
    own = data["sections"][2]["goals"]
    assert [g["title"] for g in own] == ["Find a mentor in pharma"]
    assert own[0]["actions"] == []
    assert own[0]["due_date"] is None


def test_json_is_the_plans_contract_its_pace_and_each_actions_source_and_goals(
    client, physician, plan
):
    client.force_login(physician)
    finance = plan.goals.get(competency__name="Finance")
    course = PlanAction.objects.get(goal__plan=plan, title="Trial design course")
    course.serves.add(finance)
    own = plan_items.action_create(
        goal=finance, actor=physician, data={"title": "Read the 10-K", "effort_hours": 3}
    )

    data = client.get(url("plan-json", plan)).json()

    assert data["hours_per_week"] == 5
    assert data["horizon_end"] == str(TODAY + datetime.timedelta(days=round(365.25 * 3)))
    assert data["weeks_needed"] >= 1
    actions = {a["id"]: a for s in data["sections"] for g in s["goals"] for a in g["actions"]}
    trials = plan.goals.get(competency__name="Clinical trial design")
    assert actions[course.pk]["goal_ids"] == [trials.pk, finance.pk]
    assert actions[course.pk]["also_serves"] == ["Reach level 3 in Finance"]
    assert actions[course.pk]["source"] == "module"
    assert actions[course.pk]["section"] == "learning_objectives"
    assert actions[own.pk]["source"] == "own"
    assert actions[own.pk]["effort_hours"] == 3
    fellowship = PlanAction.objects.get(goal__plan=plan, opportunity__isnull=False)
    assert actions[fellowship.pk]["source"] == "opportunity"
    assert actions[fellowship.pk]["section"] == "experiential"
    for action in actions.values():
        assert {"effort_hours", "due_date", "status", "section", "goal_ids", "source"} <= set(
            action
        )


# --- CSV ------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_has_a_header_a_row_per_action_and_one_per_goal_without_actions(
    client, physician, plan
):
    client.force_login(physician)

    response = client.get(url("plan-csv", plan))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="career-plan-pharma-cmo.csv"'
    header, *rows = read_csv(response)
    assert header == exports.CSV_COLUMNS
    goals, actions = all_items(plan)
    without_actions = [g for g in goals if not any(a.goal_id == g.pk for a in actions)]
    assert len(rows) == len(actions) + len(without_actions) == 4
    assert all(len(row) == len(header) for row in rows)
    by_action = {row[5]: dict(zip(header, row, strict=True)) for row in rows}
    course = by_action["Trial design course"]
    assert course["section"] == "Learning objectives"
    assert course["action status"] == "Done"
    assert course["module"] == "Trial design course"
    assert course["effort hours"] == "10"
    assert course["target level"] == "4"
    assert by_action["Apply: Trials fellowship"]["opportunity"] == "Trials fellowship"
    own = by_action[""]
    assert own["goal"] == "Find a mentor in pharma"
    assert own["section"] == "Mentors"


def test_csv_neutralises_formulas_in_any_cell(client, physician, plan):
    goal = plan.goals.get(section=PlanSection.MENTORS)
    plan_items.goal_update(
        goal=goal,
        actor=physician,
        data={"title": '=HYPERLINK("https://evil.example","Click")', "notes": "@SUM(A1)"},
        version=goal.version,
    )
    action = PlanAction.objects.get(title="Trial design course")
    plan_items.action_update(
        action=action,
        actor=physician,
        data={"title": "+1+1", "evidence": "-2+3"},
        version=action.version,
    )
    client.force_login(physician)

    rows = read_csv(client.get(url("plan-csv", plan)))[1:]

    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("https://evil.example","Click")' in cells
    assert "'@SUM(A1)" in cells
    assert "'+1+1" in cells
    assert "'-2+3" in cells
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@")]


# --- Calendar feed --------------------------------------------------------------------


def test_calendar_feed_has_one_event_per_dated_item_and_links_to_the_plan(client, plan):
    response = client.get(calendar_url(plan.calendar_token))  # no login: calendar apps

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]) == "CMO Pathways: Pharma CMO"
    events = calendar.walk("VEVENT")
    goals, actions = all_items(plan)
    dated = [g for g in goals if g.due_date] + [a for a in actions if a.due_date]
    # Three generated goals (trials, finance, the fellowship's) and their three actions.
    assert len(events) == len(dated) == 6
    uids = {str(event["UID"]) for event in events}
    assert uids == {f"plan-{plan.pk}-goal-{g.pk}@cmo-pathways" for g in goals if g.due_date} | {
        f"plan-{plan.pk}-action-{a.pk}@cmo-pathways" for a in actions if a.due_date
    }
    link = f"http://testserver/plans/{plan.pk}/"
    for event in events:
        start = event.decoded("DTSTART")
        assert type(start) is datetime.date
        assert event.decoded("DURATION") == datetime.timedelta(days=1)  # one whole day
        assert link in str(event["DESCRIPTION"])
        assert str(event["SUMMARY"])
    course = next(e for e in events if str(e["SUMMARY"]).startswith("Trial design course"))
    assert str(course["SUMMARY"]) == "Trial design course (done)"
    assert course.decoded("DTSTART") == PlanAction.objects.get(title="Trial design course").due_date


def test_calendar_feed_is_404_for_unknown_overlong_and_reset_tokens(client, physician, plan):
    old = plan.calendar_token
    assert client.get(calendar_url("not-a-token")).status_code == 404
    assert client.get(calendar_url(old + "x" * 30)).status_code == 404

    services.plan_calendar_token_reset(plan=plan, actor=physician)
    plan.refresh_from_db()

    assert client.get(calendar_url(old)).status_code == 404
    assert client.get(calendar_url(plan.calendar_token)).status_code == 200


# --- Who may download -----------------------------------------------------------------


@pytest.mark.parametrize("name", DOWNLOADS)
def test_only_the_owner_and_support_get_the_plans_downloads(name, persona_clients, plan, request):
    if name == "plan-pdf":
        request.getfixturevalue("weasyprint")
    target = url(name, plan)

    assert persona_clients["owner"].get(target).status_code == 200
    assert persona_clients["support"].get(target).status_code == 200
    for persona in ("physician", "mentor", "staff", "curriculum_editor"):
        assert persona_clients[persona].get(target).status_code == 404, persona
    visitor = persona_clients["visitor"].get(target)
    assert visitor.status_code == 302
    assert visitor["Location"].startswith(reverse("account_login"))


def test_a_missing_plan_is_404_for_everyone(persona_clients):
    for name in DOWNLOADS:
        assert (
            persona_clients["support"].get(reverse(f"pathways:{name}", args=[999])).status_code
            == 404
        )


# --- Queries --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["plan-print", "plan-json", "plan-csv"])
def test_exports_cost_the_same_queries_with_many_goals(
    name, client, physician, plan, django_assert_max_num_queries
):
    client.force_login(physician)
    target = url(name, plan)
    client.get(target)  # warm the session
    with CaptureQueriesContext(connection) as small:
        assert client.get(target).status_code == 200

    add_goals(plan, 20)

    with django_assert_max_num_queries(len(small)):
        response = client.get(target)
    assert response.status_code == 200
    assert b"Step 2 of Extra goal 19" in response.content


def test_calendar_feed_costs_the_same_queries_with_many_goals(
    client, plan, django_assert_max_num_queries
):
    target = calendar_url(plan.calendar_token)
    with CaptureQueriesContext(connection) as small:
        client.get(target)

    add_goals(plan, 20)

    with django_assert_max_num_queries(len(small)):
        response = client.get(target)
    assert len(Calendar.from_ical(response.content).walk("VEVENT")) == 6 + 20 * 4
