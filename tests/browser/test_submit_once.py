"""A double click on "Send the comment" sends one comment: the button disables itself
on the first click, and the server would refuse the same form a second time anyway."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from mentors.models.feedback import PlanComment
from tests.browser.pages import sign_in
from tests.factories import (
    CareerPlanFactory,
    MentorProfileFactory,
    MentorshipFactory,
    PlanGoalFactory,
    ProfileFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Noted by the page 50 ms after the submit, and read back once the next page is shown
# (a page that is navigating cannot be asked directly).
NOTE_THE_BUTTON = """() => document.addEventListener("submit", (event) => {
  const form = event.target;
  setTimeout(() => sessionStorage.setItem("after-submit", JSON.stringify({
    disabled: form.querySelector("button").disabled,
    busy: form.getAttribute("aria-busy"),
  })), 50);
})"""
ADVICE = "Ask the CEO to sponsor the sepsis audit: the board will notice."


def test_a_double_clicked_comment_is_sent_once_and_the_button_disables_itself(watched_page):
    physician = ProfileFactory(full_name="Dr Ada Owner").user
    mentor = ProfileFactory(full_name="Dr Di Active", career_stage="physician_leader").user
    MentorshipFactory(mentee=physician, mentor=MentorProfileFactory(user=mentor), status="active")
    plan = CareerPlanFactory(owner=physician)
    PlanGoalFactory(plan=plan, title="Chair the quality committee")
    page = watched_page.page
    sign_in(watched_page, mentor)
    watched_page.visit(plan.get_absolute_url())

    # Hold the comment's POST at the network while the page is watched.
    held = []
    page.route("**/comments/", lambda route: held.append(route))
    page.evaluate(NOTE_THE_BUTTON)
    page.locator("#comment-form textarea[name=body]").fill(ADVICE)
    try:
        page.get_by_role("button", name="Send the comment").dblclick()
        page.wait_for_timeout(500)
        assert len(held) == 1, "the second click sent the form again"
    finally:
        for route in held:
            route.continue_()
        page.unroute("**/comments/")
    page.wait_for_url(f"**{plan.get_absolute_url()}#comment-*")
    watched_page.check()

    assert page.evaluate("JSON.parse(sessionStorage.getItem('after-submit'))") == {
        "disabled": True,
        "busy": "true",
    }
    assert PlanComment.objects.filter(body=ADVICE).count() == 1
    assert [m.to for m in mail.outbox] == [[physician.email]]
    expect(page.get_by_text(ADVICE)).to_be_visible()
    expect(page.get_by_role("button", name="Send the comment")).to_be_enabled()
    watched_page.screenshot("comment-sent")
    watched_page.assert_clean()


def test_back_after_sending_a_comment_and_sending_again_keeps_one_comment(watched_page):
    physician = ProfileFactory(full_name="Dr Ada Owner").user
    mentor = ProfileFactory(full_name="Dr Di Active", career_stage="physician_leader").user
    MentorshipFactory(mentee=physician, mentor=MentorProfileFactory(user=mentor), status="active")
    plan = CareerPlanFactory(owner=physician)
    page = watched_page.page
    sign_in(watched_page, mentor)
    watched_page.visit(plan.get_absolute_url())
    page.locator("#comment-form textarea[name=body]").fill(ADVICE)
    page.get_by_role("button", name="Send the comment").click()
    page.wait_for_url(f"**{plan.get_absolute_url()}#comment-*")

    # Back loads the page again (it is not kept), with what was typed put back.
    page.go_back()
    page.wait_for_load_state("load")
    page.get_by_role("button", name="Send the comment").click()
    page.wait_for_url(f"**{plan.get_absolute_url()}#comment-*")
    watched_page.check()

    assert PlanComment.objects.filter(body=ADVICE).count() == 1
    expect(page.get_by_text("That was already sent.")).to_be_visible()
    watched_page.screenshot("comment-already-sent")
    watched_page.assert_clean()
