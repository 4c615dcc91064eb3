"""A physician takes a lesson on the site from their plan: reads every section in turn,
writes a reflection, answers the self-check with the keyboard, and finds the plan's action
done; and one who stops half way carries on where they left off. axe-core checks each kind
of lesson page: the overview, a section, the reflection, the self-check and its results."""

import pytest
from django.urls import reverse

from pathways.models.curriculum import Competency, Pathway
from pathways.models.lessons import LessonProgress, ReflectionAnswer
from pathways.models.plan import ItemStatus, PlanAction
from pathways.services.curriculum import curriculum_load
from pathways.services.plan import plan_generate
from tests.browser.pages import sign_in_by_cookie
from tests.factories import LessonFactory, ProfileFactory, complete_assessment, submit_ratings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A shipped lesson the payer-CMO plan below asks for (5 sections, 3 questions).
LESSON = "board-and-executive-communication"


def _plan_with_a_lesson(user):
    """A generated payer-CMO plan for `user`, and its action for the lesson LESSON."""
    pathway = Pathway.objects.get(slug="payer-cmo")
    complete_assessment(user, pathway)
    submit_ratings(user, dict.fromkeys(Competency.objects.all()[:12], 1))
    plan = plan_generate(owner=user, pathway=pathway, actor=user)
    action = PlanAction.objects.get(goal__plan=plan, module__slug=LESSON)
    return plan, action


def _answer_with_the_keyboard(page, choices: list[str], answer: int) -> None:
    """With the focus just before a radio group, Tab into it, Space to choose its first
    choice, then the arrow keys down to choice `answer` (from 1)."""
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.closest('label')?.innerText.trim()")
    assert focused == choices[0]
    page.keyboard.press("Space")
    for _ in range(answer - 1):
        page.keyboard.press("ArrowDown")
    assert page.get_by_label(choices[answer - 1], exact=True).is_checked()


def test_take_a_lesson_from_the_plan_to_the_finish(watched_page):
    curriculum_load()
    user = ProfileFactory(full_name="Dr Learner").user
    plan, action = _plan_with_a_lesson(user)
    module = action.module
    sections = list(module.lesson_sections.all())
    questions = list(module.check_questions.all())
    page = watched_page.page
    main = page.locator("main")
    sign_in_by_cookie(watched_page, user)

    # The plan's "take it" link for the action opens the lesson's overview.
    watched_page.visit(f"/plans/{plan.pk}/?goal={action.goal_id}#action-{action.pk}")
    page.locator(f"#action-{action.pk}").get_by_role(
        "link", name=f"take it (“{module.title}”)"
    ).click()
    page.wait_for_url(f"**{reverse('pathways:lesson', args=[module.slug])}")
    watched_page.check()
    assert module.title in page.locator("h1").inner_text()
    page.get_by_role("link", name="Start the lesson").click()

    # Every section in turn, each with the button at its foot.
    for number, section in enumerate(sections, start=1):
        page.wait_for_url(f"**{reverse('pathways:lesson-section', args=[module.slug, number])}")
        watched_page.check()
        assert page.locator("h1").inner_text() == section.heading
        current = page.locator(".lesson-steps [aria-current=step]")
        assert section.heading in current.inner_text()
        if number == 2:
            watched_page.screenshot("lesson-section")
        last = number == len(sections)
        page.get_by_role("button", name="On to reflection" if last else "Next section").click()

    page.wait_for_url(f"**{reverse('pathways:lesson-reflect', args=[module.slug])}")
    watched_page.check()
    reflection = module.reflection_questions.first()
    page.get_by_label(reflection.prompt).fill("I would open with the decision I need.")
    page.get_by_role("button", name="Save and go to the self-check").click()

    check_url = reverse("pathways:lesson-check", args=[module.slug])
    page.wait_for_url(f"**{check_url}")
    watched_page.check()
    assert "Only you can read them" in page.locator(".messages").inner_text()
    assert ReflectionAnswer.objects.get(user=user).text.startswith("I would open")

    # The first question by pointer; the others from it with Tab, Space and arrows, the
    # last one wrong (two of three still pass); Tab on to the button, Enter submits.
    first = questions[0]
    page.get_by_label(first.choice_list[first.answer - 1], exact=True).check()
    page.get_by_label(first.choice_list[first.answer - 1], exact=True).focus()
    for index, question in enumerate(questions[1:], start=2):
        wrong = index == len(questions)
        answer = question.answer % len(question.choice_list) + 1 if wrong else question.answer
        _answer_with_the_keyboard(page, question.choice_list, answer)
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.innerText") == "Check my answers"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The same address as the form: its results heading's fragment has axe look again.
    watched_page.visit(f"{check_url}#result-title")
    assert f"you finished “{module.title}”" in page.locator(".messages").inner_text()
    assert "1 action in your plan for it is marked done" in page.locator(".messages").inner_text()
    total = len(questions)
    assert f"Your answers: {total - 1} of {total} right" in main.inner_text()
    assert "Not right" in page.locator(".lesson-answer").last.inner_text()
    watched_page.screenshot("lesson-check-results")

    progress = LessonProgress.objects.get(user=user, module=module)
    assert progress.is_finished and progress.sections_read == len(sections)
    action.refresh_from_db()
    assert action.status == ItemStatus.DONE

    # Back on the plan the action is done and no longer offers the lesson.
    watched_page.visit(f"/plans/{plan.pk}/?goal={action.goal_id}#action-{action.pk}")
    shown = page.locator(f"#action-{action.pk}")
    assert "action--done" in shown.get_attribute("class")
    assert shown.get_by_role("link", name="take it").count() == 0
    watched_page.visit(reverse("pathways:lesson", args=[module.slug]))
    assert "You finished this lesson" in main.inner_text()
    watched_page.assert_clean()


def test_stop_half_way_and_carry_on_where_you_left_off(watched_page):
    module = LessonFactory(title="Reading a budget", parts__sections=4)
    user = ProfileFactory(full_name="Dr Halfway").user
    page = watched_page.page
    sign_in_by_cookie(watched_page, user)

    watched_page.visit(reverse("pathways:lesson", args=[module.slug]))
    page.get_by_role("link", name="Start the lesson").click()
    for number in (1, 2):
        page.wait_for_url(f"**{reverse('pathways:lesson-section', args=[module.slug, number])}")
        watched_page.check()
        page.get_by_role("button", name="Next section").click()
    page.wait_for_url(f"**{reverse('pathways:lesson-section', args=[module.slug, 3])}")
    watched_page.check()

    # Away, then back to the overview: it knows how far they got.
    watched_page.visit("/")
    watched_page.visit(reverse("pathways:lesson", args=[module.slug]))
    assert "You have read 2 of 4 sections." in page.locator("main").inner_text()
    steps = page.locator(".lesson-steps li")
    assert ["(read)" in steps.nth(i).inner_text() for i in range(4)] == [
        True,
        True,
        False,
        False,
    ]
    page.get_by_role("link", name="Carry on where you left off").click()
    page.wait_for_url(f"**{reverse('pathways:lesson-section', args=[module.slug, 3])}")
    watched_page.check()
    assert page.locator("h1").inner_text() == "Section 3"
    watched_page.assert_clean()
