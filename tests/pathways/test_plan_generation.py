"""The career plan: generated from the gaps, regenerated without touching the
physician's work, edited safely, and private."""

import datetime

import pytest
from django.urls import reverse

from pathways.models.plan import (
    CareerPlan,
    ItemStatus,
    PlanAction,
    PlanChange,
    PlanGoal,
    PlanStatus,
)
from pathways.services import plan as services
from pathways.services import plan_items
from tests.assessments.conftest import complete_assessment, submit_ratings
from tests.factories import LearningModuleFactory, OpportunityFactory

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 11, 23)  # a Monday


@pytest.fixture(autouse=True)
def _today(on_date):
    """Due dates count from the clock's today: these tests set it."""
    on_date(TODAY)


@pytest.fixture
def gapped(physician, curriculum):
    """A pharma-CMO hopeful with 5 hours a week, weak at trials, finance and negotiation."""
    c = curriculum["competencies"]
    complete_assessment(physician, curriculum["pharma"])  # 5 hours a week
    submit_ratings(
        physician,
        {
            c["Clinical trial design"]: 1,
            c["Finance"]: 2,
            c["Negotiation"]: 3,
            c["Quality and safety"]: 2,
        },
    )
    LearningModuleFactory(
        title="Trial design course", competencies=[c["Clinical trial design"]], effort_hours=10
    )
    LearningModuleFactory(
        title="Trials practicum", competencies=[c["Clinical trial design"]], effort_hours=20
    )
    LearningModuleFactory(
        title="Finance for physicians", competencies=[c["Finance"]], effort_hours=5
    )
    LearningModuleFactory(
        title="Board negotiation", competencies=[c["Negotiation"]], effort_hours=4
    )
    fellowship = OpportunityFactory(
        title="Trials fellowship", deadline=TODAY + datetime.timedelta(days=10)
    )
    fellowship.competencies.set([c["Clinical trial design"]])
    return curriculum


def generate(physician, curriculum):
    return services.plan_generate(owner=physician, pathway=curriculum["pharma"], actor=physician)


# --- Generation -------------------------------------------------------------------------


def test_the_top_gaps_become_goals_with_a_measure_of_done(physician, gapped):
    plan = generate(physician, gapped)

    goals = list(plan.goals.order_by("order"))
    # Weighted gaps: trials (4-1)*3 = 9, finance (3-2)*2 = 2; negotiation is met and
    # safety (2 of 2) too, so neither becomes a goal.
    assert [g.competency.name for g in goals] == ["Clinical trial design", "Finance"]
    assert [g.target_level for g in goals] == [4, 3]
    assert all(g.section == "learning_objectives" and g.is_generated for g in goals)


def test_actions_point_to_modules_that_build_the_goals_competency(physician, gapped):
    plan = generate(physician, gapped)
    trials = plan.goals.get(competency__name="Clinical trial design")

    titles = list(trials.actions.order_by("order").values_list("title", flat=True))
    assert titles == ["Trial design course", "Trials practicum", "Apply: Trials fellowship"]
    for action in trials.actions.exclude(module=None):
        assert trials.competency in action.module.competencies.all()


def test_due_dates_follow_the_hours_a_week_available(physician, gapped):
    plan = generate(physician, gapped)
    due = {a.title: a.due_date for a in PlanAction.objects.filter(goal__plan=plan)}

    # 5 hours a week, worked in order: 10h -> 2 weeks, +20h -> 6 weeks, +6h -> 8 weeks
    # (but the fellowship closes in 10 days), +5h finance -> 9 weeks.
    assert due["Trial design course"] == TODAY + datetime.timedelta(weeks=2)
    assert due["Trials practicum"] == TODAY + datetime.timedelta(weeks=6)
    assert due["Apply: Trials fellowship"] == TODAY + datetime.timedelta(days=10)
    assert due["Finance for physicians"] == TODAY + datetime.timedelta(weeks=9)


def test_fewer_hours_a_week_spread_the_same_work_further():
    work = [10, 20, 5]
    fast = services.schedule(work, hours_per_week=10, start=TODAY)
    slow = services.schedule(work, hours_per_week=2, start=TODAY)
    assert fast == [TODAY + datetime.timedelta(weeks=w) for w in (1, 3, 4)]
    assert slow == [TODAY + datetime.timedelta(weeks=w) for w in (5, 15, 18)]
    assert all(s >= f for s, f in zip(slow, fast, strict=True))


def test_a_physician_without_ratings_gets_an_empty_plan_to_fill(physician, curriculum):
    complete_assessment(physician, curriculum["pharma"])
    plan = generate(physician, curriculum)
    assert plan.goals.count() == 0
    assert plan.changes.count() == 1


# --- Regeneration -------------------------------------------------------------------------


def test_regenerating_twice_adds_nothing_new(physician, gapped):
    plan = generate(physician, gapped)
    before = (plan.goals.count(), PlanAction.objects.filter(goal__plan=plan).count())
    generate(physician, gapped)
    assert (plan.goals.count(), PlanAction.objects.filter(goal__plan=plan).count()) == before


def test_regeneration_keeps_edits_completions_and_own_goals_and_adds_what_is_new(physician, gapped):
    c = gapped["competencies"]
    plan = generate(physician, gapped)
    trials = plan.goals.get(competency__name="Clinical trial design")
    plan_items.goal_update(
        goal=trials,
        actor=physician,
        data={"title": "My own words", "notes": "Mine"},
        version=trials.version,
    )
    course = trials.actions.get(title="Trial design course")
    plan_items.action_update(
        action=course,
        actor=physician,
        data={"status": ItemStatus.DONE, "evidence": "Certificate"},
        version=course.version,
    )
    own = plan_items.goal_create(
        plan=plan,
        actor=physician,
        data={"title": "Join a DIA working group", "section": "networks"},
    )
    finance = plan.goals.get(competency__name="Finance")
    plan_items.goal_remove(goal=finance, actor=physician)

    # A reassessment: negotiation slips below target, finance is still a gap.
    submit_ratings(physician, {c["Clinical trial design"]: 2, c["Finance"]: 2, c["Negotiation"]: 2})
    generate(physician, gapped)

    trials.refresh_from_db()
    assert (trials.title, trials.notes) == ("My own words", "Mine")
    course.refresh_from_db()
    assert (course.status, course.evidence) == (ItemStatus.DONE, "Certificate")
    assert PlanGoal.objects.filter(pk=own.pk).exists()
    # Removed stays removed: not back in the plan, and no second goal for it.
    assert not plan.goals.not_removed().filter(competency__name="Finance").exists()
    assert plan.goals.filter(competency__name="Finance").count() == 1
    assert plan.goals.filter(competency__name="Negotiation").exists()  # the new gap is added


def test_regeneration_refreshes_suggestions_nobody_touched(physician, gapped):
    c = gapped["competencies"]
    plan = generate(physician, gapped)
    trials = plan.goals.get(competency__name="Clinical trial design")
    PlanGoal.objects.filter(pk=trials.pk).update(title="Stale suggestion")

    submit_ratings(physician, {c["Clinical trial design"]: 3})
    generate(physician, gapped)

    trials.refresh_from_db()
    assert trials.title == "Reach level 4 in Clinical trial design"
    assert "level 3" in trials.notes


# --- Editing --------------------------------------------------------------------------------


@pytest.fixture
def plan(physician, gapped):
    return generate(physician, gapped)


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
    first, second = plan.goals.order_by("order")
    client.force_login(physician)
    client.post(reverse("pathways:goal-move", args=[second.pk]), {"direction": "up"})
    assert list(plan.goals.order_by("order").values_list("pk", flat=True)) == [second.pk, first.pk]


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


# --- Access and size ------------------------------------------------------------------------


def test_others_cannot_see_or_change_the_plan(
    client, plan, other_physician, mentor, staff, support
):
    goal = plan.goals.first()
    action = goal.actions.first()
    owner_only = [
        ("post", reverse("pathways:goal-edit", args=[goal.pk]), {"title": "x"}),
        ("post", reverse("pathways:goal-delete", args=[goal.pk]), {}),
        ("post", reverse("pathways:action-delete", args=[action.pk]), {}),
        ("post", reverse("pathways:plan-regenerate", args=[plan.pk]), {}),
        ("post", reverse("pathways:plan-status", args=[plan.pk]), {"status": "active"}),
        ("post", reverse("pathways:plan-calendar-reset", args=[plan.pk]), {}),
    ]
    for user in (other_physician, mentor, staff, support):
        client.force_login(user)
        for method, url, data in owner_only:
            assert getattr(client, method)(url, data).status_code == 404, (user, url)
    assert PlanGoal.objects.filter(pk=goal.pk, title=goal.title).exists()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


@pytest.mark.parametrize("extra_goals", [0, 25])
def test_the_plan_page_costs_the_same_queries_however_big_the_plan(
    client, physician, plan, extra_goals, django_assert_max_num_queries
):
    for i in range(extra_goals):
        goal = plan_items.goal_create(
            plan=plan, actor=physician, data={"title": f"Goal {i}", "section": "networks"}
        )
        for j in range(3):
            plan_items.action_create(goal=goal, actor=physician, data={"title": f"Action {j}"})
    client.force_login(physician)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("pathways:plan-detail", args=[plan.pk])).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("pathways:plan-list")).status_code == 200


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


def test_an_opening_that_builds_two_gaps_is_suggested_once(physician, gapped):
    c = gapped["competencies"]
    both = OpportunityFactory(
        title="Pharma finance fellowship", deadline=TODAY + datetime.timedelta(days=60)
    )
    both.competencies.set([c["Finance"], c["Clinical trial design"]])

    plan = generate(physician, gapped)

    assert PlanAction.objects.filter(goal__plan=plan, opportunity=both).count() <= 1
