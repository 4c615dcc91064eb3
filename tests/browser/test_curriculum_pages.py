"""The curriculum pages, with the shipped curriculum, in a real browser."""

import pytest

from pathways.services.curriculum import curriculum_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def curriculum():
    curriculum_load()


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/pathways/", "pathway-list"),
        ("/pathways/digital-health-startup-cmo/", "pathway-detail"),
        (
            "/pathways/compare/?pathways=payer-cmo&pathways=cmio&pathways=pharma-biotech-cmo",
            "compare",
        ),
        ("/pathways/roles/", "role-kinds"),
        ("/competencies/", "competency-list"),
        ("/modules/?kind=first_90_days", "module-list"),
        ("/opportunities/", "opportunity-board"),
    ],
)
def test_curriculum_page_is_clean(curriculum, watched_page, path, name):
    response = watched_page.visit(path)
    assert response.status == 200
    assert watched_page.page.locator("h1").count() == 1
    watched_page.screenshot(name)
    watched_page.assert_clean()


def test_a_visitor_filters_pathways_and_opens_one_with_the_keyboard(curriculum, watched_page):
    page = watched_page.page
    watched_page.visit("/pathways/")
    page.get_by_label("Career stage").select_option("resident")
    page.get_by_role("button", name="Apply filters").press("Enter")
    page.wait_for_url("**stage=resident**")
    watched_page.check()

    titles = page.locator("main h2 a, main h3 a").all_inner_texts()
    assert titles, "no pathway suits residents"
    page.get_by_role("link", name=titles[0]).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    watched_page.check()
    assert page.locator("h1").inner_text() == titles[0]
    watched_page.assert_clean()
