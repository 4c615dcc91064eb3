"""On a phone the signed-in header is one compact line; the main nav opens behind a
"Menu" disclosure button, with the keyboard too."""

import pytest

from tests.browser.pages import screenshot_path, sign_in_by_cookie
from tests.factories import ProfileFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
MAX_CLOSED_HEADER_PX = 72


def header_height(page) -> float:
    return page.locator(".site-header").bounding_box()["height"]


def test_the_phone_header_is_compact_and_its_menu_opens_with_the_keyboard(watched_page):
    page = watched_page.page
    page.set_viewport_size(PHONE)
    sign_in_by_cookie(watched_page, ProfileFactory(full_name="Dr Small Screen").user)
    watched_page.visit("/profile/")

    menu = page.get_by_role("button", name="Menu")
    assert menu.get_attribute("aria-expanded") == "false"
    assert header_height(page) <= MAX_CLOSED_HEADER_PX
    assert not page.get_by_role("navigation", name="Main").is_visible()
    # The account links are one row on a phone: the profile's heading is in the first screen.
    assert page.locator("h1").bounding_box()["y"] < 300
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=screenshot_path("phone-header-closed"))

    menu.focus()
    page.keyboard.press("Enter")
    assert menu.get_attribute("aria-expanded") == "true"
    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="My plan").is_visible()
    assert nav.get_by_role("link", name="Profile").get_attribute("aria-current") == "page"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Home"
    watched_page.check()
    page.screenshot(path=screenshot_path("phone-header-open"))

    page.keyboard.press("Escape")
    assert menu.get_attribute("aria-expanded") == "false"
    assert page.evaluate("document.activeElement.textContent") == "Menu"
    watched_page.assert_clean()


def test_without_javascript_the_menu_link_leads_to_the_footer_nav(browser, live_server):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/pathways/")
    link = page.get_by_role("link", name="Menu")
    assert link.get_attribute("href") == "#footer-nav"
    assert page.locator(".site-header").bounding_box()["height"] <= MAX_CLOSED_HEADER_PX
    footer_nav = page.get_by_role("navigation", name="Footer")
    assert footer_nav.get_by_role("link", name="Competencies").count() == 1
    context.close()


def test_on_a_wide_screen_the_nav_shows_without_a_menu_button(watched_page):
    page = watched_page.page
    watched_page.visit("/pathways/")
    assert page.get_by_role("navigation", name="Main").is_visible()
    assert (
        page.get_by_role("button", name="Menu").count() == 0
        or not page.get_by_role("button", name="Menu").is_visible()
    )
    watched_page.assert_clean()
