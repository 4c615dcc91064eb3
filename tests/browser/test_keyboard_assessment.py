"""A physician signs in, takes the whole needs assessment and rates competencies on the
rubric with the keyboard alone: Tab and Shift+Tab to move, arrow keys for selects and
radio groups, Space for checkboxes, Enter to submit. The tests only read where focus is;
they never click, fill or check an element."""

import pytest

from assessments.models import NeedsAssessment, RatingSet
from pathways.services.curriculum import curriculum_load
from tests.factories import PASSWORD, ProfileFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What has focus, and whether it shows: a ring is an outline or a box shadow on the
# element; a radio or checkbox may draw it on its card instead (the rubric's levels do).
FOCUS_RING = """
() => {
  const el = document.activeElement;
  const drawn = (node, shadowToo) => {
    const style = getComputedStyle(node);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    return outline || (shadowToo && style.boxShadow !== 'none');
  };
  const choice = el.type === 'radio' || el.type === 'checkbox';
  return el.matches(':focus-visible')
    && (drawn(el, true) || (choice && drawn(el.parentElement, false)));
}
"""


def is_focused(page, selector: str) -> bool:
    return page.evaluate("s => document.activeElement.matches(s)", selector)


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until the element matching `selector` has focus."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        if is_focused(page, selector):
            return
    raise AssertionError(f"{limit} presses of {key} never reached {selector}")


def arrow_to(page, value: str, *, key: str = "ArrowDown", limit: int = 30) -> None:
    """Move the focused select or radio group with an arrow key until it holds `value`."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("() => document.activeElement.value") == value:
            return
    raise AssertionError(f"{key} never reached the option {value!r}")


def assert_focus_visible(page) -> None:
    described = page.evaluate(
        "() => document.activeElement.outerHTML.slice(0, 120)",
    )
    assert page.evaluate(FOCUS_RING), f"no visible focus ring on {described}"


def test_a_physician_takes_the_assessment_and_rates_with_the_keyboard_alone(watched_page):
    curriculum_load()
    user = ProfileFactory(full_name="Dr Keys Only").user
    page = watched_page.page

    watched_page.visit("/accounts/login/")
    tab_to(page, "input[name=login]")
    assert_focus_visible(page)
    page.keyboard.type(user.email)
    tab_to(page, "input[name=password]")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(watched_page.base_url + "/")

    # Step 1, background: the profile filled in stage, specialty and years.
    watched_page.visit("/assessment/")
    page.wait_for_url("**/assessment/*/step/1/")
    tab_to(page, "#id_board_certification")
    assert_focus_visible(page)
    arrow_to(page, "certified")
    tab_to(page, "input[name=degrees_planned][value=mba]")
    assert_focus_visible(page)
    page.keyboard.press("Space")
    tab_to(page, "#id_leadership_roles", backwards=True)
    page.keyboard.type("Chair of the sepsis committee")
    tab_to(page, "button[value=next]")
    assert_focus_visible(page)
    page.keyboard.press("Enter")

    # Step 2, goals.
    page.wait_for_url("**/step/2/")
    watched_page.check()
    tab_to(page, "#id_pathway_1")
    arrow_to(page, "payer-cmo")
    tab_to(page, "#id_pathway_2")
    arrow_to(page, "cmio")
    tab_to(page, "#id_time_horizon")
    arrow_to(page, "3")
    tab_to(page, "#id_hours_per_week")
    page.keyboard.type("5")
    tab_to(page, "#id_willing_to_relocate")
    arrow_to(page, "maybe")
    tab_to(page, "button[value=next]")
    page.keyboard.press("Enter")

    # Step 3, mentoring.
    page.wait_for_url("**/step/3/")
    watched_page.check()
    tab_to(page, "#id_mentoring_goals")
    assert_focus_visible(page)
    page.keyboard.type("How to run a utilisation review team.")
    tab_to(page, "input[name=mentoring_formats][value=video]")
    page.keyboard.press("Space")
    tab_to(page, "#id_mentoring_frequency")
    arrow_to(page, "monthly")
    tab_to(page, "button[value=next]")
    page.keyboard.press("Enter")

    # Step 4, review, then finish.
    page.wait_for_url("**/step/4/")
    watched_page.check()
    tab_to(page, "button[value=finish]")
    assert_focus_visible(page)
    page.keyboard.press("Enter")

    # The rubric: every competency starts on "Not rated yet", the last radio of its
    # group, so Tab lands there and the arrow keys move (and wrap) to a level.
    page.wait_for_url("**/rubric/")
    watched_page.check()
    wanted = {}
    for key, presses, level in [("ArrowRight", 2, 2), ("ArrowLeft", 1, 4), ("ArrowUp", 2, 3)]:
        tab_to(page, "input[type=radio]:checked")
        name = page.evaluate("() => document.activeElement.name")
        for _ in range(presses):
            page.keyboard.press(key)
        assert page.evaluate("() => document.activeElement.checked")
        assert page.evaluate("() => document.activeElement.value") == str(level)
        assert_focus_visible(page)
        wanted[int(name.removeprefix("level_"))] = level
        if len(wanted) == 1:
            tab_to(page, "textarea")
            page.keyboard.type("Led the 2025 budget for the hospitalist group.")
    tab_to(page, "button[value=submit]", limit=200)
    assert_focus_visible(page)
    page.keyboard.press("Enter")

    page.wait_for_url("**/results/")
    watched_page.check()
    assert "Where you stand" in page.locator("h1").inner_text()

    assessment = NeedsAssessment.objects.get(user=user)
    assert assessment.is_complete
    assert assessment.board_certification == "certified"
    assert assessment.leadership_roles == "Chair of the sepsis committee"
    assert assessment.degrees_planned == ["mba"]
    assert [p.slug for p in assessment.ranked_pathways()] == ["payer-cmo", "cmio"]
    assert (assessment.time_horizon, assessment.hours_per_week) == ("3", 5)
    assert assessment.willing_to_relocate == "maybe"
    assert assessment.mentoring_goals == "How to run a utilisation review team."
    assert assessment.mentoring_formats == ["video"]
    assert assessment.mentoring_frequency == "monthly"

    rating_set = RatingSet.objects.get(subject=user)
    assert rating_set.is_submitted
    assert dict(rating_set.ratings.values_list("competency_id", "level")) == wanted
    first = next(iter(wanted))
    evidence = rating_set.ratings.get(competency_id=first).evidence
    assert evidence == "Led the 2025 budget for the hospitalist group."
    watched_page.assert_clean()
