"""Regeneration keeps the physician's work: every field they edit, every action they
start or remove, stays as they left it, and no module or opportunity is ever in a plan
twice, whatever sequence of reassessments, edits and removals came before. Progress is
noticed: a closed gap proposes its goal as met."""

import datetime

import pytest
from django.db.models import Count
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmo_portal import clock
from pathways.models.plan import ItemStatus, PlanAction, PlanGoal
from pathways.services import plan as services
from pathways.services import plan_items
from tests.factories import (
    LearningModuleFactory,
    ProfileFactory,
    complete_assessment,
    submit_ratings,
)
from tests.pathways.dates import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


def generate(physician, curriculum):
    return services.plan_generate(owner=physician, pathway=curriculum["pharma"], actor=physician)


def course_of(plan) -> PlanAction:
    return PlanAction.objects.get(goal__plan=plan, title="Trial design course")


def reassess(physician, curriculum, **levels):
    c = curriculum["competencies"]
    base = {"Clinical trial design": 2, "Finance": 2, "Negotiation": 2, "Quality and safety": 2}
    submit_ratings(physician, {c[name]: level for name, level in (base | levels).items()})


EDITS = {
    "title": "Trial design, the evening course",
    "due_date": TODAY + datetime.timedelta(days=200),
    "effort_hours": 33,
    "notes": "Booked for the spring term.",
    "evidence": "Enrolment letter",
}


@pytest.mark.parametrize("field", sorted(EDITS))
def test_an_edit_of_any_field_survives_regeneration(field, physician, gapped):
    plan = generate(physician, gapped)
    course = course_of(plan)
    plan_items.action_update(
        action=course, actor=physician, data={field: EDITS[field]}, version=course.version
    )

    reassess(physician, gapped, **{"Clinical trial design": 2})
    generate(physician, gapped)

    course.refresh_from_db()
    assert getattr(course, field) == EDITS[field]
    assert course.module.title == "Trial design course"  # the module it points to, too


def test_moving_an_action_to_another_goal_survives_regeneration(physician, gapped):
    plan = generate(physician, gapped)
    course = course_of(plan)
    finance = plan.goals.get(competency__name="Finance")
    plan_items.action_update(
        action=course, actor=physician, data={"goal": finance}, version=course.version
    )

    generate(physician, gapped)

    assert (
        PlanAction.objects.filter(goal__plan=plan, generated_key=course.generated_key).count() == 1
    )
    course.refresh_from_db()
    assert course.goal == finance and course.removed_at is None


def test_a_started_action_keeps_its_date_and_new_work_is_planned_around_it(physician, gapped):
    plan = generate(physician, gapped)
    course = course_of(plan)
    plan_items.action_update(
        action=course,
        actor=physician,
        data={"status": ItemStatus.IN_PROGRESS},
        version=course.version,
    )
    course.refresh_from_db()
    LearningModuleFactory(
        title="Finance in an afternoon",
        competencies=[gapped["competencies"]["Finance"]],
        effort_hours=3,
    )

    generate(physician, gapped)

    kept = PlanAction.objects.get(pk=course.pk)
    assert (kept.due_date, kept.title, kept.status) == (
        course.due_date,
        course.title,
        ItemStatus.IN_PROGRESS,
    )
    # The course's 10 hours still fill the first weeks: nothing new lands before them
    # but the fellowship, which has a deadline.
    others = (
        PlanAction.objects.filter(goal__plan=plan)
        .exclude(pk=course.pk)
        .exclude(opportunity__isnull=False)
    )
    assert all(a.due_date > TODAY + datetime.timedelta(weeks=2) for a in others)


def test_a_removed_action_is_not_brought_back_under_any_goal(physician, gapped):
    plan = generate(physician, gapped)
    course = course_of(plan)
    plan_items.action_remove(action=course, actor=physician)

    reassess(physician, gapped, **{"Clinical trial design": 1})
    generate(physician, gapped)

    live = PlanAction.objects.filter(
        goal__plan=plan, generated_key=course.generated_key
    ).not_removed()
    assert not live.exists()
    assert (
        PlanAction.objects.filter(goal__plan=plan, generated_key=course.generated_key).count() == 1
    )


def test_a_restored_action_is_a_suggestion_again(physician, gapped):
    plan = generate(physician, gapped)
    course = course_of(plan)
    plan_items.action_remove(action=course, actor=physician)
    plan_items.action_restore(action=course, actor=physician)
    PlanAction.objects.filter(pk=course.pk).update(title="Stale title")

    generate(physician, gapped)

    course.refresh_from_db()
    assert course.title == "Trial design course" and course.removed_at is None


def test_copies_left_by_an_earlier_generation_are_folded_into_one(physician, gapped):
    plan = generate(physician, gapped)
    course = course_of(plan)
    finance = plan.goals.get(competency__name="Finance")
    copy = PlanAction.objects.create(
        goal=finance, title=course.title, generated_key=course.generated_key, module=course.module
    )

    generate(physician, gapped)

    live = PlanAction.objects.filter(
        goal__plan=plan, generated_key=course.generated_key
    ).not_removed()
    assert list(live) == [course]
    copy.refresh_from_db()
    assert copy.removed_at is not None  # kept as a row, out of the plan
    assert finance in course.serves.all()
    assert "Folded 1 repeated suggestion" in plan.changes.first().summary


# --- Progress noticed ----------------------------------------------------------------


def test_a_closed_gap_proposes_its_goal_as_met_and_refreshes_its_words(physician, gapped):
    plan = generate(physician, gapped)
    finance = plan.goals.get(competency__name="Finance")
    assert "your latest rating is level 2" in finance.notes
    reassess(physician, gapped, Finance=3)

    generate(physician, gapped)

    finance.refresh_from_db()
    assert finance.met_proposed_at is not None
    assert finance.status == ItemStatus.NOT_STARTED  # the physician confirms it
    assert "Your latest rating, level 3, reaches this goal's target of level 3" in finance.notes
    assert "1 goal looks met" in plan.changes.first().summary


def test_a_goal_kept_open_is_proposed_again_only_after_a_later_rating(physician, gapped, on_date):
    plan = generate(physician, gapped)
    finance = plan.goals.get(competency__name="Finance")
    reassess(physician, gapped, Finance=3)
    generate(physician, gapped)
    PlanGoal.objects.filter(pk=finance.pk).update(met_proposed_at=None, kept_open_at=clock.now())

    generate(physician, gapped)
    finance.refresh_from_db()
    assert finance.met_proposed_at is None

    on_date(TODAY + datetime.timedelta(days=30))
    reassess(physician, gapped, Finance=4)  # submitted after it was kept open
    generate(physician, gapped)
    finance.refresh_from_db()
    assert finance.met_proposed_at is not None


def test_a_reassessment_refreshes_the_plans_through_the_task(
    physician, gapped, django_capture_on_commit_callbacks
):
    plan = generate(physician, gapped)
    with django_capture_on_commit_callbacks(execute=True):
        reassess(physician, gapped, Finance=3, Negotiation=1)

    assert plan.goals.get(competency__name="Finance").met_proposed_at is not None
    assert plan.goals.filter(competency__name="Negotiation").exists()  # the new gap


# --- No repeats, whatever happened before ---------------------------------------------

steps = st.lists(
    st.one_of(
        st.tuples(
            st.just("reassess"),
            st.lists(st.integers(min_value=1, max_value=4), min_size=4, max_size=4),
        ),
        st.tuples(st.just("edit"), st.integers(min_value=0, max_value=20)),
        st.tuples(st.just("remove action"), st.integers(min_value=0, max_value=20)),
        st.tuples(st.just("remove goal"), st.integers(min_value=0, max_value=20)),
        st.tuples(st.just("restore"), st.integers(min_value=0, max_value=20)),
        st.tuples(st.just("regenerate"), st.just(0)),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(history=steps)
def test_no_module_or_opportunity_is_ever_in_a_plan_twice(history, gapped):
    c = gapped["competencies"]
    physician = ProfileFactory().user
    complete_assessment(physician, gapped["pharma"])
    reassess(physician, gapped, **{"Clinical trial design": 1})
    plan = generate(physician, gapped)
    names = list(c)
    for step, value in history:
        actions = list(PlanAction.objects.filter(goal__plan=plan).order_by("pk"))
        goals = list(plan.goals.order_by("pk"))
        if step == "reassess":
            reassess(physician, gapped, **dict(zip(names, value, strict=True)))
        elif step == "edit" and actions:
            action = actions[value % len(actions)]
            plan_items.action_update(
                action=action,
                actor=physician,
                data={"title": f"Mine {value}"},
                version=action.version,
            )
        elif step == "remove action" and actions:
            plan_items.action_remove(action=actions[value % len(actions)], actor=physician)
        elif step == "remove goal" and goals:
            plan_items.goal_remove(goal=goals[value % len(goals)], actor=physician)
        elif step == "restore":
            removed = [g for g in goals if g.is_removed]
            if removed:
                plan_items.goal_restore(goal=removed[value % len(removed)], actor=physician)
        generate(physician, gapped)

        repeated = (
            PlanAction.objects.filter(goal__plan=plan, removed_at__isnull=True)
            .exclude(generated_key="")
            .values("generated_key")
            .annotate(n=Count("pk"))
            .filter(n__gt=1)
        )
        assert not repeated.exists(), (step, list(repeated))
        modules = PlanAction.objects.filter(
            goal__plan=plan, removed_at__isnull=True, module__isnull=False
        )
        assert modules.values("module").distinct().count() == modules.count()


def test_after_a_reassessment_no_stretch_of_weeks_holds_more_than_the_hours_given(
    physician, gapped
):
    """What an earlier generation suggested and this one does not is planned again too,
    so old and new suggestions never pile into the same weeks."""
    c = gapped["competencies"]
    for n in range(6):
        LearningModuleFactory(
            title=f"Negotiation drill {n}", competencies=[c["Negotiation"]], effort_hours=7
        )
    plan = generate(physician, gapped)
    reassess(physician, gapped, **{"Clinical trial design": 4, "Finance": 3, "Negotiation": 1})
    generate(physician, gapped)

    live = PlanAction.objects.filter(goal__plan=plan).not_removed().exclude(status=ItemStatus.DONE)
    assert live.filter(title__startswith="Negotiation drill").exists()
    assert live.filter(title="Trial design course").exists()  # kept, though its gap closed
    for weeks in range(1, 30):
        end = TODAY + datetime.timedelta(weeks=weeks)
        due = sum(a.effort_hours or 1 for a in live if a.due_date and a.due_date <= end)
        assert due <= 5 * weeks, weeks


def test_a_goal_is_due_when_its_last_action_is_even_once_its_actions_are_done(physician, gapped):
    plan = generate(physician, gapped)
    trials = plan.goals.get(competency__name="Clinical trial design")
    for action in trials.actions.all():
        plan_items.action_update(
            action=action, actor=physician, data={"status": ItemStatus.DONE}, version=action.version
        )

    generate(physician, gapped)

    trials.refresh_from_db()
    assert trials.due_date == max(a.due_date for a in trials.actions.all())


def test_a_copy_folded_away_comes_back_when_its_goal_is_the_one_left(physician, gapped):
    plan = generate(physician, gapped)
    course = course_of(plan)
    finance = plan.goals.get(competency__name="Finance")
    copy = PlanAction.objects.create(
        goal=finance, title="Copy", generated_key=course.generated_key, module=course.module
    )
    generate(physician, gapped)  # folds the copy away
    course.serves.add(finance)
    PlanAction.objects.filter(pk=course.pk).delete()  # as if the only live row went
    trials = plan.goals.get(competency__name="Clinical trial design")
    PlanGoal.objects.filter(pk=trials.pk).update(removed_at=clock.now())
    LearningModuleFactory(  # now the course also serves finance, the goal that is left
        title="Unrelated", competencies=[gapped["competencies"]["Negotiation"]]
    )
    course.module.competencies.add(gapped["competencies"]["Finance"])

    generate(physician, gapped)

    copy.refresh_from_db()
    assert copy.removed_at is None and copy.title == "Trial design course"
    assert PlanAction.objects.filter(goal=finance, generated_key=course.generated_key).count() == 1
