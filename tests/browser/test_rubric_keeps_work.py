"""The rubric keeps work, in Chromium: levels and notes survive switching the view and a
reload after the draft saved itself, the rated count moves as levels are picked, leaving
with a change not yet saved asks first, and the save bar stays on screen on a phone."""

import re

import pytest
from playwright.sync_api import expect

from assessments.models import RatingSet
from pathways.models.curriculum import Pathway
from pathways.services.curriculum import curriculum_load
from tests.browser.pages import screenshot_path, sign_in
from tests.factories import ProfileFactory, complete_assessment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Chaired the budget committee for two years."


@pytest.fixture
def rubric(watched_page):
    """A physician aiming at payer CMO, signed in, on their rubric."""
    curriculum_load()
    user = ProfileFactory(full_name="Dr Keeps Work").user
    complete_assessment(user, Pathway.objects.get(slug="payer-cmo"))
    sign_in(watched_page, user)
    watched_page.visit("/rubric/")
    return user


def competency(page, index: int):
    return page.locator("fieldset.rubric-item").nth(index)


def pick(page, index: int, level: int) -> None:
    """Click the level's card, as a person would."""
    competency(page, index).locator(f"label:has-text('Level {level}')").click()


def counts(page) -> list[str]:
    return page.locator("[data-rated-count]").all_inner_texts()


def test_levels_and_notes_survive_the_view_switch_and_a_reload(watched_page, rubric):
    page = watched_page.page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    total = page.locator("fieldset.rubric-item").count()
    assert counts(page) == [f"0 of {total}"] * 2

    pick(page, 0, 2)
    assert counts(page) == [f"1 of {total}"] * 2  # at once, before any save
    pick(page, 1, 3)
    assert counts(page) == [f"2 of {total}"] * 2
    assert page.locator("progress").evaluate("p => p.value") == 2
    first_name = competency(page, 0).locator("legend").inner_text()
    second_name = competency(page, 1).locator("legend").inner_text()
    competency(page, 0).locator("textarea").fill(NOTE)

    # Straight to the other view, before the draft had time to save itself.
    page.get_by_role("button", name="All competencies").click()
    page.wait_for_url("**/rubric/?scope=all")
    watched_page.check()
    assert dialogs == []  # the switch saves: nothing to ask about
    everything = page.locator("fieldset.rubric-item").count()
    assert everything > total
    assert counts(page) == [f"2 of {everything}"] * 2
    first = page.locator("fieldset.rubric-item", has=page.get_by_text(first_name, exact=True))
    second = page.locator("fieldset.rubric-item", has=page.get_by_text(second_name, exact=True))
    expect(first.locator("input[value='2']")).to_be_checked()
    expect(first.locator("textarea")).to_have_value(NOTE)
    expect(second.locator("input[value='3']")).to_be_checked()

    # A change saves itself; a reload then finds it, and asks nothing.
    pick(page, everything - 1, 4)
    assert counts(page) == [f"3 of {everything}"] * 2
    expect(page.locator("[data-save-status]")).to_have_text(re.compile(r"^Saved at \d\d:\d\d$"))
    page.reload()
    watched_page.check()
    assert dialogs == []
    expect(competency(page, everything - 1).locator("input[value='4']")).to_be_checked()
    expect(first.locator("textarea")).to_have_value(NOTE)
    assert counts(page) == [f"3 of {everything}"] * 2

    draft = RatingSet.objects.drafts().get(subject=rubric)
    assert sorted(draft.ratings.values_list("level", flat=True)) == [2, 3, 4]
    assert draft.ratings.get(level=2).evidence == NOTE
    watched_page.screenshot("rubric-keeps-work")
    watched_page.assert_clean()


def test_leaving_with_an_unsaved_change_asks_first(watched_page, rubric):
    page = watched_page.page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))

    pick(page, 0, 1)
    page.get_by_role("link", name="Home").first.click()  # within the pause before saving

    for _ in range(20):  # the dialog comes before any navigation
        if dialogs:
            break
        page.wait_for_timeout(100)
    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/rubric/")  # dismissed: still here, the level still picked
    expect(competency(page, 0).locator("input[value='1']")).to_be_checked()

    # Once the draft has saved itself, leaving asks nothing.
    expect(page.locator("[data-save-status]")).to_have_text(re.compile(r"^Saved at "))
    page.get_by_role("link", name="Home").first.click()
    page.wait_for_url(watched_page.base_url + "/")
    assert dialogs == ["beforeunload"]
    watched_page.assert_clean()


def test_submitting_asks_nothing_and_the_bar_stays_on_screen_on_a_phone(watched_page, rubric):
    page = watched_page.page
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.set_viewport_size({"width": 375, "height": 700})
    bar = page.locator(".rubric-bar")
    submit = page.get_by_role("button", name="Submit ratings")

    expect(bar).to_be_in_viewport(ratio=1)  # at the top of a long page
    competency(page, 3).scroll_into_view_if_needed()
    pick(page, 3, 2)
    expect(bar).to_be_in_viewport(ratio=1)
    expect(submit).to_be_in_viewport(ratio=1)
    box = bar.bounding_box()
    assert box["y"] + box["height"] <= 700 and box["width"] <= 375
    page.screenshot(path=screenshot_path("rubric-bar-phone"))

    # At the end of the form the bar comes to rest below the last of it, covering nothing.
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    last_words = page.locator(".rubric-actions").bounding_box()
    assert last_words["y"] + last_words["height"] <= bar.bounding_box()["y"]

    submit.click()  # straight away, with the change not yet saved by the page
    page.wait_for_url("**/results/")
    watched_page.check()
    assert dialogs == []
    assert RatingSet.objects.submitted().get(subject=rubric).ratings.get().level == 2
    watched_page.assert_clean()


def test_enter_on_a_level_saves_the_draft_and_keeps_the_view(watched_page, rubric):
    page = watched_page.page
    competency(page, 0).locator("input[value='2']").focus()
    page.keyboard.press("ArrowRight")  # level 3
    page.keyboard.press("Enter")

    expect(page.locator(".messages")).to_contain_text("Draft saved")
    assert page.url.endswith("/rubric/")  # not switched to all competencies
    watched_page.check()
    assert RatingSet.objects.drafts().get(subject=rubric).ratings.get().level == 3
    watched_page.assert_clean()
