"""The foundation's pages in a real browser: they load only from the site, break no
Content Security Policy rule, log no error, and can be used with the keyboard."""

import pytest

from tests.factories import PASSWORD, ProfileFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("path", "name", "heading"),
    [
        ("/", "home", "CMO"),
        ("/accounts/login/", "login", "Sign in"),
        ("/accounts/signup/", "signup", "Sign up"),
        ("/accounts/password/reset/", "password-reset", "Password"),
        ("/no-such-page/", "not-found", "Page not found"),
    ],
)
def test_public_page_is_clean_and_served_from_the_site(watched_page, path, name, heading):
    expected = 404 if name == "not-found" else 200
    response = watched_page.visit(path, expect_status=expected)

    assert response.status == expected
    assert heading.lower() in watched_page.page.locator("h1").first.inner_text().lower()
    stylesheet = watched_page.page.evaluate("getComputedStyle(document.body).fontFamily")
    assert stylesheet != "Times New Roman"  # the site's own CSS arrived
    watched_page.screenshot(name)
    watched_page.assert_clean()


def test_physician_logs_in_with_the_keyboard_and_fills_in_the_profile(watched_page):
    user = UserFactory(email="keys@example.com")
    page = watched_page.page
    watched_page.visit("/accounts/login/")

    page.locator("input[name=login]").focus()
    page.keyboard.type(user.email)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/profile/")
    watched_page.check()
    watched_page.screenshot("profile-new")

    page.get_by_label("Full name").fill("Dr Keyboard User")
    page.get_by_label("Career stage").select_option("fellow")
    page.get_by_label("Specialty").fill("Nephrology")
    page.get_by_label("Country").select_option("IE")
    page.get_by_label("Time zone").select_option("Europe/Dublin")
    page.get_by_role("button", name="Save profile").press("Enter")

    page.wait_for_url(watched_page.base_url + "/")
    watched_page.check()
    assert "Dr Keyboard User" in page.locator("h1").inner_text()
    watched_page.screenshot("home-logged-in")
    watched_page.assert_clean()


def test_bad_profile_input_is_shown_next_to_the_field_in_the_browser(watched_page):
    profile = ProfileFactory(full_name="Dr Typed Values")
    page = watched_page.page
    watched_page.visit("/accounts/login/")
    page.get_by_label("Email").fill(profile.user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(watched_page.base_url + "/")
    watched_page.visit("/profile/")

    page.get_by_label("Years of practice since residency").fill("99")
    with page.expect_navigation():
        page.get_by_role("button", name="Save profile").click()
    watched_page.check(expect_status=400)  # the form again, with its error

    years = page.get_by_label("Years of practice since residency")
    assert years.get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Full name").input_value() == "Dr Typed Values"
    assert "less than or equal to 60" in page.locator("main").inner_text()
    watched_page.screenshot("profile-error")
    watched_page.assert_clean()
