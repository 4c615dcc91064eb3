"""The career plan generated from the gaps, and regenerated without touching the
physician's work."""

import datetime

import pytest

from pathways import plan_rules
from pathways.models.plan import (
    ItemStatus,
    PlanAction,
    PlanGoal,
)
from pathways.services import plan as services
from pathways.services import plan_items
from tests.factories import (
    OpportunityFactory,
    complete_assessment,
    submit_ratings,
)
from tests.pathways.dates import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


def generate(physician, curriculum):
    return services.plan_generate(owner=physician, pathway=curriculum["pharma"], actor=physician)


# --- Generation -------------------------------------------------------------------------


def test_the_top_gaps_become_goals_with_a_measure_of_done(physician, gapped):
    plan = generate(physician, gapped)

    goals = list(plan.goals.filter(section="learning_objectives").order_by("order"))
    # Weighted gaps: trials (4-1)*3 = 9, finance (3-2)*2 = 2; negotiation is met and
    # safety (2 of 2) too, so neither becomes a goal.
    assert [g.competency.name for g in goals] == ["Clinical trial design", "Finance"]
    assert [g.target_level for g in goals] == [4, 3]
    assert all(g.is_generated for g in goals)
    # The other goals measure no competency: a fellowship is experience, not a lesson.
    others = plan.goals.exclude(section="learning_objectives")
    assert set(others.values_list("section", flat=True)) == {"experiential"}
    assert not others.exclude(competency=None).exists()


def test_actions_point_to_modules_that_build_the_goals_competency(physician, gapped):
    plan = generate(physician, gapped)
    trials = plan.goals.get(competency__name="Clinical trial design")

    titles = list(trials.actions.order_by("order").values_list("title", flat=True))
    # Both build trials; the shorter closes the same gap in fewer hours, so it comes first.
    assert titles == ["Trial design course", "Trials practicum"]
    for action in trials.actions.all():
        assert trials.competency in action.module.competencies.all()
        assert "closes 9 weighted levels of your gaps" in action.notes
    fellowship = PlanAction.objects.get(goal__plan=plan, opportunity__isnull=False)
    assert fellowship.title == "Apply: Trials fellowship"
    assert fellowship.goal.section == "experiential"


def test_due_dates_follow_the_hours_a_week_available(physician, gapped):
    plan = generate(physician, gapped)
    due = {a.title: a.due_date for a in PlanAction.objects.filter(goal__plan=plan)}

    # 5 hours a week. The fellowship closes in 10 days, so its 6 hours come first (week
    # 1 and an hour of week 2); then in order: the 10h course ends in week 4, the 20h
    # practicum in week 8, the 5h finance module in week 9.
    assert due["Apply: Trials fellowship"] == TODAY + datetime.timedelta(days=10)
    assert due["Trial design course"] == TODAY + datetime.timedelta(weeks=4)
    assert due["Trials practicum"] == TODAY + datetime.timedelta(weeks=8)
    assert due["Finance for physicians"] == TODAY + datetime.timedelta(weeks=9)
    plan.refresh_from_db()
    assert (plan.hours_per_week, plan.weeks_needed) == (5, 9)


def test_fewer_hours_a_week_spread_the_same_work_further():
    work = [plan_rules.Work(key, hours) for key, hours in (("a", 10), ("b", 20), ("c", 5))]
    fast = plan_rules.schedule(work, hours_per_week=10, start=TODAY).slots
    slow = plan_rules.schedule(work, hours_per_week=2, start=TODAY).slots
    assert [fast[k].due for k in "abc"] == [TODAY + datetime.timedelta(weeks=w) for w in (1, 3, 4)]
    assert [slow[k].due for k in "abc"] == [
        TODAY + datetime.timedelta(weeks=w) for w in (5, 15, 18)
    ]


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


def test_an_opening_that_builds_two_gaps_is_suggested_once(physician, gapped):
    c = gapped["competencies"]
    both = OpportunityFactory(
        title="Pharma finance fellowship", deadline=TODAY + datetime.timedelta(days=60)
    )
    both.competencies.set([c["Finance"], c["Clinical trial design"]])

    plan = generate(physician, gapped)

    assert PlanAction.objects.filter(goal__plan=plan, opportunity=both).count() <= 1
