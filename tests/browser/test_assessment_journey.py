"""A physician takes the needs assessment, rates competencies with the keyboard, and
sees where they stand: in a real browser, with the shipped curriculum."""

import pytest

from assessments.models import RatingSet
from pathways.services.curriculum import curriculum_load
from tests.factories import PASSWORD, ProfileFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_assessment_rubric_and_results(watched_page):
    curriculum_load()
    user = ProfileFactory(full_name="Dr Journey").user
    page = watched_page.page
    watched_page.visit("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(watched_page.base_url + "/")

    watched_page.visit("/assessment/")
    page.locator("#id_board_certification").select_option("certified")
    watched_page.screenshot("assessment-background")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/step/2/")
    watched_page.check()

    page.get_by_label("First choice").select_option("payer-cmo")
    page.get_by_label("Second choice").select_option("cmio")
    page.get_by_label("When you aim to get there").select_option("3")
    page.get_by_label("Hours a week for your development").fill("5")
    page.get_by_label("Willing to relocate").select_option("maybe")
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_url("**/step/3/")
    watched_page.check()
    page.get_by_role("button", name="Save and continue").click()  # mentoring: optional
    page.wait_for_url("**/step/4/")
    watched_page.check()
    watched_page.screenshot("assessment-review")
    page.get_by_role("button", name="Finish the assessment").click()
    page.wait_for_url("**/rubric/")
    watched_page.check()

    # Rate with the keyboard alone: focus the first level, arrow to level 2, and every
    # competency's first level likewise by tabbing through the groups.
    first = page.locator("input[type=radio]").first
    first.focus()
    page.keyboard.press("ArrowRight")  # level 2 of the first competency
    watched_page.screenshot("rubric")
    page.get_by_role("button", name="Submit ratings").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/results/")
    watched_page.check()

    rating_set = RatingSet.objects.get(subject=user)
    assert rating_set.is_submitted
    assert list(rating_set.ratings.values_list("level", flat=True)) == [2]
    assert "Where you stand" in page.locator("h1").inner_text()
    assert page.locator("svg[role=img]").count() >= 1
    assert "Not yet rated" in page.locator("main").inner_text()
    watched_page.screenshot("results")
    watched_page.assert_clean()
