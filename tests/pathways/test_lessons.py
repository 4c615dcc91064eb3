"""Lessons taken on the site: the way through (sections, reflection, self-check), what
finishing records (the finish, the competency's evidence, the plan's action done), the
place kept to resume, the reflections kept for their author, and bad input."""

import datetime

import pytest
from django.urls import reverse

from pathways.models.lessons import LessonProgress, ReflectionAnswer
from pathways.models.plan import ItemStatus, PlanAction, PlanChange
from pathways.services import plan as plan_services
from pathways.services.lessons import pass_mark
from tests.factories import (
    CompetencyFactory,
    LearningModuleFactory,
    LessonFactory,
    OpportunityFactory,
    complete_assessment,
    submit_ratings,
)
from tests.pages import client_for

pytestmark = pytest.mark.django_db

RIGHT = 2  # LessonFactory's right choice


@pytest.fixture
def competency():
    return CompetencyFactory(name="Finance")


@pytest.fixture
def lesson(competency):
    return LessonFactory(title="Finance for physician leaders", competencies=[competency])


@pytest.fixture
def owner_client(physician):
    return client_for(physician)


def _url(name: str, lesson, *args) -> str:
    return reverse(f"pathways:{name}", args=[lesson.slug, *args])


def _answers(lesson, choice: int | list[int] = RIGHT) -> dict:
    questions = list(lesson.check_questions.order_by("order"))
    choices = choice if isinstance(choice, list) else [choice] * len(questions)
    return {f"answer_{q.pk}": str(c) for q, c in zip(questions, choices, strict=True)}


def _read_all(client, lesson) -> None:
    count = lesson.lesson_sections.count()
    for number in range(1, count + 1):
        response = client.post(_url("lesson-section", lesson, number))
        expected = (
            _url("lesson-section", lesson, number + 1)
            if number < count
            else _url("lesson-reflect", lesson)
        )
        assert response.status_code == 302 and response.url == expected


@pytest.fixture
def planned(physician, lesson, competency):
    """A plan of the physician's with an action to take the lesson."""
    from pathways.models.plan import CareerPlan, PlanGoal
    from tests.factories import PathwayFactory

    plan = CareerPlan.objects.create(owner=physician, pathway=PathwayFactory())
    goal = PlanGoal.objects.create(
        plan=plan, title="Reach level 3 in Finance", section="learning_objectives"
    )
    return PlanAction.objects.create(goal=goal, title=lesson.title, module=lesson)


# --- Taking a lesson to the end --------------------------------------------------------


def test_taking_a_lesson_to_the_end_records_completion_evidence_and_the_plan_action(
    physician, owner_client, lesson, competency, planned
):
    start = owner_client.get(_url("lesson", lesson))
    assert start.status_code == 200
    assert "Start the lesson" in start.content.decode()

    _read_all(owner_client, lesson)
    reflect = lesson.reflection_questions.first()
    response = owner_client.post(
        _url("lesson-reflect", lesson), {f"reflection_{reflect.pk}": "I will ask our CFO."}
    )
    assert response.url == _url("lesson-check", lesson)
    response = owner_client.post(_url("lesson-check", lesson), _answers(lesson), follow=True)

    page = response.content.decode()
    assert "you finished “Finance for physician leaders”" in page
    assert "1 action in your plan for it is marked done" in page
    progress = LessonProgress.objects.get(user=physician, module=lesson)
    assert progress.is_finished and (progress.check_score, progress.check_total) == (3, 3)
    # The plan's action is done, with the lesson as its evidence and a line of history.
    planned.refresh_from_db()
    assert planned.status == ItemStatus.DONE
    assert "Finished the lesson “Finance for physician leaders”" in planned.evidence
    assert "3 of 3" in planned.evidence
    assert PlanChange.objects.filter(
        plan=planned.goal.plan, summary__startswith="Finished the lesson"
    ).exists()
    # The competency shows it as the reader's evidence, and so does the rubric.
    evidence = owner_client.get(competency.get_absolute_url()).content.decode()
    assert "Your evidence" in evidence and "Finance for physician leaders" in evidence
    # The module's page and the overview say it is finished.
    assert "You finished it on" in owner_client.get(lesson.get_absolute_url()).content.decode()
    assert (
        "You finished this lesson on" in owner_client.get(_url("lesson", lesson)).content.decode()
    )


def test_the_rubric_shows_finished_lessons_beside_the_competency_they_build(
    physician, owner_client, curriculum
):
    finance = curriculum["competencies"]["Finance"]
    lesson = LessonFactory(title="Budgets, plainly", competencies=[finance])
    complete_assessment(physician, curriculum["pharma"])
    _read_all(owner_client, lesson)
    owner_client.post(_url("lesson-check", lesson), _answers(lesson))

    page = owner_client.get(reverse("assessments:rubric")).content.decode()
    assert "Lessons you finished that build it" in page
    assert "Budgets, plainly" in page


def test_a_second_pass_records_nothing_more(physician, owner_client, lesson, planned):
    _read_all(owner_client, lesson)
    owner_client.post(_url("lesson-check", lesson), _answers(lesson))
    first = LessonProgress.objects.get(user=physician, module=lesson).completed_at

    again = owner_client.post(_url("lesson-check", lesson), _answers(lesson), follow=True)

    assert "You had finished this lesson already" in again.content.decode()
    assert LessonProgress.objects.get(user=physician, module=lesson).completed_at == first
    assert PlanChange.objects.filter(summary__startswith="Finished the lesson").count() == 1
    planned.refresh_from_db()
    assert planned.version == 2  # changed once


def test_a_failed_self_check_finishes_nothing_and_shows_why(
    physician, owner_client, lesson, planned
):
    _read_all(owner_client, lesson)
    response = owner_client.post(
        _url("lesson-check", lesson), _answers(lesson, [1, 1, RIGHT]), follow=True
    )

    page = response.content.decode()
    assert "1 of 3 right: not yet a pass" in page
    assert "Because the second is right." in page  # the explanation
    assert "<dt>The right answer</dt><dd>Right</dd>" in page
    assert not LessonProgress.objects.get(user=physician, module=lesson).is_finished
    planned.refresh_from_db()
    assert planned.status == ItemStatus.NOT_STARTED
    # Trying again shows a blank self-check.
    again = owner_client.get(_url("lesson-check", lesson) + "?again=1").content.decode()
    assert "Check my answers" in again


def test_the_pass_mark_is_two_thirds_rounded_up():
    assert [pass_mark(n) for n in (1, 2, 3, 4, 5, 6)] == [1, 2, 2, 3, 4, 4]


def test_passing_with_sections_unread_does_not_finish_the_lesson(physician, owner_client, lesson):
    owner_client.post(_url("lesson-section", lesson, 1))
    response = owner_client.post(_url("lesson-check", lesson), _answers(lesson), follow=True)

    assert "Read the 2 sections you have not opened yet" in response.content.decode()
    assert not LessonProgress.objects.get(user=physician, module=lesson).is_finished


# --- Resuming --------------------------------------------------------------------------


def test_the_overview_resumes_where_the_physician_left_off(owner_client, lesson):
    owner_client.post(_url("lesson-section", lesson, 1))
    owner_client.post(_url("lesson-section", lesson, 2))

    page = owner_client.get(_url("lesson", lesson))

    assert page.context["resume_url"] == _url("lesson-section", lesson, 3)
    assert "You have read 2 of 3 sections" in page.content.decode()
    assert (
        "Carry on where you left off"
        in owner_client.get(lesson.get_absolute_url()).content.decode()
    )


def test_reading_an_earlier_section_again_keeps_the_furthest_read(physician, owner_client, lesson):
    for number in (1, 2, 3, 1):
        owner_client.post(_url("lesson-section", lesson, number))

    progress = LessonProgress.objects.get(user=physician, module=lesson)
    assert progress.sections_read == 3
    assert progress.step == 2  # resumes after the section read last


# --- Reflections are their author's ----------------------------------------------------


def test_reflections_are_kept_for_their_author_alone(physician, other_physician, lesson):
    question = lesson.reflection_questions.first()
    client_for(physician).post(
        _url("lesson-reflect", lesson), {f"reflection_{question.pk}": "Afraid of budgets."}
    )

    assert (
        "Afraid of budgets."
        in client_for(physician).get(_url("lesson-reflect", lesson)).content.decode()
    )
    assert (
        "Afraid of budgets."
        not in client_for(other_physician).get(_url("lesson-reflect", lesson)).content.decode()
    )


def test_an_emptied_reflection_is_deleted(physician, owner_client, lesson):
    question = lesson.reflection_questions.first()
    field = f"reflection_{question.pk}"
    owner_client.post(_url("lesson-reflect", lesson), {field: "First thoughts"})
    owner_client.post(_url("lesson-reflect", lesson), {field: "  "})

    assert not ReflectionAnswer.objects.filter(user=physician).exists()


def test_a_reflection_too_long_is_refused_and_kept_on_the_form(physician, owner_client, lesson):
    question = lesson.reflection_questions.first()
    text = "x" * 4001

    response = owner_client.post(
        _url("lesson-reflect", lesson), {f"reflection_{question.pk}": text}
    )

    assert response.status_code == 200
    assert "at most 4000 characters" in response.content.decode()
    assert text in response.content.decode()
    assert not ReflectionAnswer.objects.exists()


# --- Bad input -------------------------------------------------------------------------


def test_an_unanswered_question_is_named_and_the_other_answers_are_kept(owner_client, lesson):
    answers = _answers(lesson)
    first, *rest = sorted(answers)
    del answers[first]

    response = owner_client.post(_url("lesson-check", lesson), answers)

    page = response.content.decode()
    assert "Choose an answer to this question." in page
    assert page.count("checked") == len(rest)
    assert not LessonProgress.objects.filter(check_score__isnull=False).exists()


@pytest.mark.parametrize("choice", ["9", "0", "two", ""])
def test_a_choice_that_is_not_offered_is_an_error_not_a_500(owner_client, lesson, choice):
    answers = _answers(lesson)
    answers[sorted(answers)[0]] = choice

    response = owner_client.post(_url("lesson-check", lesson), answers)

    assert response.status_code == 200
    assert "field--invalid" in response.content.decode()


@pytest.mark.parametrize("number", [0, 4, 999])
def test_a_section_the_lesson_does_not_have_is_not_found(owner_client, lesson, number):
    assert owner_client.get(_url("lesson-section", lesson, number)).status_code == 404
    assert owner_client.post(_url("lesson-section", lesson, number)).status_code == 404


def test_a_module_taken_elsewhere_has_no_lesson_pages(owner_client):
    elsewhere = LearningModuleFactory(delivery="society", provider="A specialty society")
    for name in ("lesson", "lesson-reflect", "lesson-check"):
        assert owner_client.get(_url(name, elsewhere)).status_code == 404
    page = owner_client.get(elsewhere.get_absolute_url()).content.decode()
    assert "This site does not run this module" in page
    assert "Take the lesson" not in page


def test_a_lesson_still_being_written_cannot_be_taken(owner_client):
    draft = LessonFactory(parts__sections=0)
    assert owner_client.get(_url("lesson", draft)).status_code == 404
    assert "still being written" in owner_client.get(draft.get_absolute_url()).content.decode()


def test_a_visitor_is_asked_to_sign_in_to_take_a_lesson(client, lesson):
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert "Sign in to take the lesson" in page
    response = client.post(_url("lesson-section", lesson, 1))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert not LessonProgress.objects.exists()


# --- Queries ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["lesson", "lesson-reflect", "lesson-check"])
def test_lesson_pages_cost_the_same_queries_at_any_length(
    name, owner_client, competency, django_assert_max_num_queries
):
    short = LessonFactory(competencies=[competency], parts__sections=3, parts__questions=3)
    long = LessonFactory(competencies=[competency], parts__sections=12, parts__questions=10)
    counts = []
    for lesson in (short, long):
        owner_client.get(_url(name, lesson))  # the session, once
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(_url(name, lesson)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(12):
        owner_client.get(_url(name, long))


# --- Example listings in the plan ------------------------------------------------------


def _plan_with(physician, curriculum, opportunity):
    c = curriculum["competencies"]
    complete_assessment(physician, curriculum["pharma"])
    submit_ratings(physician, {c["Clinical trial design"]: 1})
    opportunity.competencies.set([c["Clinical trial design"]])
    return plan_services.plan_generate(
        owner=physician, pathway=curriculum["pharma"], actor=physician
    )


def test_an_example_listing_never_produces_a_dated_apply_action(physician, curriculum, on_date):
    from tests.pathways.dates import TODAY

    on_date(TODAY)
    example = OpportunityFactory(
        title="Trials fellowship at a large sponsor",
        listing="example",
        url="",
        how_to_find="Look at the trial societies' fellowship boards in the autumn.",
        deadline=TODAY + datetime.timedelta(days=10),
    )

    plan = _plan_with(physician, curriculum, example)

    action = PlanAction.objects.get(goal__plan=plan, opportunity=example)
    assert (
        action.title
        == "Find and apply to a fellowship like this: Trials fellowship at a large sponsor"
    )
    assert not action.title.startswith("Apply")
    assert "It is an example" in action.notes
    # Its deadline dates nothing: the work is planned like any undated work.
    assert "closes on" not in action.notes
    assert example.deadline_to_act_on is None


def test_a_real_listing_gets_an_apply_action_due_by_its_deadline(physician, curriculum, on_date):
    from tests.pathways.dates import TODAY

    on_date(TODAY)
    deadline = TODAY + datetime.timedelta(days=10)
    real = OpportunityFactory(title="Trials fellowship", listing="real", deadline=deadline)

    plan = _plan_with(physician, curriculum, real)

    action = PlanAction.objects.get(goal__plan=plan, opportunity=real)
    assert action.title == "Apply: Trials fellowship"
    assert action.due_date is not None and action.due_date <= deadline


def test_an_example_listing_says_so_and_how_to_find_real_ones(client):
    example = OpportunityFactory(
        listing="example", url="", how_to_find="Ask the society's fellowship office."
    )
    page = client.get(example.get_absolute_url()).content.decode()
    assert "An example, not a live listing" in page
    assert "How to find real ones" in page and "fellowship office" in page
    assert "Apply by" not in page


def test_the_plan_sends_its_owner_to_the_lesson_and_says_an_example_is_one(
    physician, owner_client, lesson, planned
):
    example = OpportunityFactory(listing="example", url="", how_to_find="Ask the society.")
    PlanAction.objects.create(
        goal=planned.goal, title="Find and apply to a fellowship like this", opportunity=example
    )

    page = owner_client.get(planned.goal.plan.get_absolute_url()).content.decode()

    assert f'href="{_url("lesson", lesson)}"' in page
    assert "A lesson on this site: <a" in page
    assert "its page says how to find real ones" in page


def test_the_module_list_filters_lessons_here_from_modules_taken_elsewhere(client):
    LessonFactory(title="A lesson here")
    LearningModuleFactory(title="A course at a school")

    here = client.get(reverse("pathways:module-list") + "?where=here").content.decode()
    elsewhere = client.get(reverse("pathways:module-list") + "?where=elsewhere").content.decode()

    assert "A lesson here" in here and "A course at a school" not in here
    assert "A course at a school" in elsewhere and "A lesson here" not in elsewhere
    assert "Lesson on this site" in here
    assert "Taken elsewhere: A school&#x27;s executive programme" in elsewhere
