"""A physician asks the best-matched mentor; the mentor accepts, reads the plan, comments
and reviews it; the physician sees the comment and the review. Two browsers, one site."""

import pytest
from django.core import mail

from mentors.models.mentorships import Mentorship
from pathways.models.curriculum import Competency, Pathway
from pathways.models.plan import CareerPlan
from pathways.services.curriculum import curriculum_load
from pathways.services.plan import plan_generate
from tests.browser.pages import WatchedPage, sign_in
from tests.factories import (
    MentorProfileFactory,
    ProfileFactory,
    complete_assessment,
    submit_ratings,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def second_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield WatchedPage(context.new_page(), live_server.url)
    context.close()


def test_a_mentor_is_asked_accepts_comments_and_reviews_the_plan(watched_page, second_page):
    curriculum_load()
    physician = ProfileFactory(full_name="Dr Mentee Journey", time_zone="America/Chicago").user
    pathway = Pathway.objects.get(slug="payer-cmo")
    complete_assessment(physician, pathway)
    competencies = list(Competency.objects.filter(targets__pathway=pathway).distinct())
    submit_ratings(physician, dict.fromkeys(competencies, 1))
    plan = plan_generate(owner=physician, pathway=pathway, actor=physician)
    largest = plan.goals.order_by("order").first().competency
    best = MentorProfileFactory(
        user=ProfileFactory(full_name="Dr Best Match", career_stage="physician_leader").user,
        teaches={largest: 4},
        time_zone="America/Chicago",
    )
    MentorProfileFactory(
        user=ProfileFactory(full_name="Dr Other Fit", career_stage="physician_leader").user
    )

    # The physician finds the best match and asks.
    page = watched_page.page
    sign_in(watched_page, physician)
    watched_page.visit("/mentors/suggestions/")
    text = page.locator("main").inner_text()
    assert text.index("Dr Best Match") < text.index("Dr Other Fit")
    assert f"of your top 5 gaps: {largest.name.lower()}" in text.lower()
    watched_page.screenshot("mentor-suggestions")
    page.locator(f"a[href='/mentors/{best.pk}/request/']").first.click()
    page.wait_for_url(f"**/mentors/{best.pk}/request/")
    watched_page.check()
    page.get_by_label("Your message").fill("I aim for a payer CMO role within three years.")
    page.get_by_role("button", name="Send my request").click()
    page.wait_for_url("**/mentoring/*/")
    watched_page.check()
    mentorship = Mentorship.objects.get(mentee=physician)
    assert mentorship.mentor == best and mentorship.status == "requested"
    assert [m.to for m in mail.outbox] == [[best.user.email]]

    # The mentor accepts, then reads, comments and reviews.
    mentor_page = second_page.page
    sign_in(second_page, best.user)
    second_page.visit("/mentoring/dashboard/")
    assert "Dr Mentee Journey" in mentor_page.locator("main").inner_text()
    second_page.screenshot("mentor-dashboard-request")
    second_page.visit(f"/mentoring/{mentorship.pk}/")
    with mentor_page.expect_navigation():
        mentor_page.get_by_role("button", name="Accept Dr Mentee Journey").click()
    second_page.check()
    mentorship.refresh_from_db()
    assert mentorship.status == "active"

    # The physician asks their new mentor for a review of the plan.
    watched_page.visit(f"/plans/{plan.pk}/")
    with page.expect_navigation():
        page.get_by_role("button", name="Ask for a review").click()
    watched_page.check()

    second_page.visit(f"/plans/{plan.pk}/")
    mentor_page.get_by_role("textbox", name="Comment").fill(
        "Ask your CFO to join the next budget cycle."
    )
    with mentor_page.expect_navigation():
        mentor_page.get_by_role("button", name="Send the comment").click()
    second_page.check()
    second_page.visit(f"/plans/{plan.pk}/review/")
    mentor_page.get_by_label("Looks good: start the plan").check()
    mentor_page.get_by_label("Summary for your mentee").fill("Realistic for five hours a week.")
    with mentor_page.expect_navigation():
        mentor_page.get_by_role("button", name="Save the review").click()
    mentor_page.wait_for_url(f"**/plans/{plan.pk}/**")
    second_page.check()
    second_page.screenshot("mentor-reads-plan")

    # The physician sees the comment and the review, and was emailed about both.
    watched_page.visit(f"/plans/{plan.pk}/")
    main = page.locator("main").inner_text()
    assert "Ask your CFO to join the next budget cycle." in main
    assert "Realistic for five hours a week." in main
    assert {tuple(m.to) for m in mail.outbox[1:]} == {(physician.email,)}
    assert len(mail.outbox) == 4  # request, accepted, comment, review
    watched_page.screenshot("mentee-sees-feedback")
    assert CareerPlan.objects.get(pk=plan.pk).status == "active"
    watched_page.assert_clean()
    second_page.assert_clean()
