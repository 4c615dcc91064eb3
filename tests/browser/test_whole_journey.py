"""The whole journey, in three browsers on one site:

1. a visitor signs up, verifies the address from the email, and is led through
   onboarding (profile, needs assessment, rubric, results, plan) to a plan generated
   from their gaps, then asks the best-matched mentor;
2. the mentor signs in, accepts, reviews the plan and comments on a goal; the physician
   sees the comment on the dashboard and the plan;
3. a curriculum editor changes a competency's rubric descriptor in admin, and the
   physician sees the new words.

Every page is checked by the WatchedPage (console errors, CSP violations, off-site
requests, axe-core serious or critical violations) and timed; screenshots at 375 and
1280 px land in test-artifacts/screenshots/."""

import re

import pytest
from django.core import mail

from cmo_portal.accounts.models import User
from mentors.models.feedback import PlanComment
from mentors.models.mentorships import Mentorship
from pathways.models.curriculum import Competency, RubricLevel
from pathways.models.plan import CareerPlan
from pathways.services.curriculum import curriculum_editor_group_sync, curriculum_load
from tests.browser.pages import WatchedPage
from tests.factories import (
    PASSWORD,
    MentorProfileFactory,
    ProfileFactory,
    UserFactory,
    second_factor_for,
    totp_code,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Steady-Climb-2026!"


@pytest.fixture
def another_page(browser, live_server):
    """A second person's browser, with its own cookies."""
    contexts = []

    def open_page():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        contexts.append(context)
        return WatchedPage(context.new_page(), live_server.url)

    yield open_page
    for context in contexts:
        context.close()


def sign_in(watched, email: str, password: str = PASSWORD) -> None:
    page = watched.page
    watched.visit("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    watched.check()


def click_and_check(watched, locator) -> None:
    with watched.page.expect_navigation():
        locator.click()
    watched.check()


def continue_onboarding(watched, expected: str) -> None:
    """From the dashboard, follow the current step's button."""
    watched.visit("/")
    button = watched.page.get_by_role("link", name=expected)
    click_and_check(watched, button.first)


def test_sign_up_onboard_plan_mentor_review_and_a_curriculum_change(watched_page, another_page):
    curriculum_load()
    mentor = MentorProfileFactory(
        user=ProfileFactory(
            full_name="Dr Seasoned Mentor", career_stage="physician_leader", intent="mentor"
        ).user,
        time_zone="America/Chicago",
        capacity=3,
        teaches={c: 4 for c in Competency.objects.all()[:12]},
    )
    editor = ProfileFactory(user=UserFactory(is_staff=True), full_name="Cleo Editor").user
    editor.groups.add(curriculum_editor_group_sync())
    editor_secret = second_factor_for(editor)  # staff open the admin only with one
    page = watched_page.page

    # 1. Sign up and verify the address from the email.
    watched_page.visit("/accounts/signup/")
    page.get_by_label("Email").fill("new.physician@example.com")
    page.locator("#id_password1").fill(NEW_PASSWORD)
    page.locator("#id_password2").fill(NEW_PASSWORD)
    watched_page.screenshot("journey-signup")
    click_and_check(watched_page, page.get_by_role("button", name="Sign up"))
    [confirmation] = [m for m in mail.outbox if m.to == ["new.physician@example.com"]]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", confirmation.body).group(0)
    watched_page.visit("/" + link.split("://", 1)[1].split("/", 1)[1])
    click_and_check(watched_page, page.get_by_role("button", name="Confirm"))

    # 2. Onboarding: the profile first.
    assert "/profile/" in page.url
    page.get_by_label("Full name").fill("Dr Nadia Newcomer")
    page.get_by_label("Career stage").select_option("practising")
    page.get_by_label("Specialty").fill("Internal medicine")
    page.get_by_label("Years of practice since residency").fill("6")
    page.get_by_label("Country").select_option("US")
    page.get_by_label("Time zone").select_option("America/Chicago")
    watched_page.screenshot("journey-profile")
    click_and_check(watched_page, page.get_by_role("button", name=re.compile("Save")))
    assert "Step 2 of 6" in page.locator("main").inner_text()
    watched_page.screenshot("journey-onboarding")

    # The needs assessment, then back to the dashboard mid-way: it resumes there.
    continue_onboarding(watched_page, "Take the needs assessment")
    page.locator("#id_board_certification").select_option("certified")
    click_and_check(watched_page, page.get_by_role("button", name="Save and continue"))
    watched_page.visit("/")
    assert "carry on where you left off" in page.locator("main").inner_text().lower()
    continue_onboarding(watched_page, "Continue the needs assessment")
    assert page.url.endswith("/step/2/")
    page.get_by_label("First choice").select_option("payer-cmo")
    page.get_by_label("When you aim to get there").select_option("3")
    page.get_by_label("Hours a week for your development").fill("5")
    page.get_by_label("Willing to relocate").select_option("maybe")
    click_and_check(watched_page, page.get_by_role("button", name="Save and continue"))
    click_and_check(watched_page, page.get_by_role("button", name="Save and continue"))
    click_and_check(watched_page, page.get_by_role("button", name="Finish the assessment"))

    # The rubric: level 1 everywhere, so the gaps are real.
    assert page.url.endswith("/rubric/")
    for radio in page.locator("input[type=radio][value='1']").all():
        page.locator(f"label[for='{radio.get_attribute('id')}']").click()  # the level card
    click_and_check(watched_page, page.get_by_role("button", name="Submit ratings"))
    assert "Where you stand" in page.locator("h1").inner_text()
    watched_page.screenshot("journey-results")

    # The plan, generated from the gaps.
    continue_onboarding(watched_page, "Build your plan")
    click_and_check(watched_page, page.get_by_role("button", name=re.compile("Build my plan for")))
    physician = User.objects.get(email="new.physician@example.com")
    plan = CareerPlan.objects.get(owner=physician)
    goal_competencies = set(
        plan.goals.exclude(competency=None).values_list("competency", flat=True)
    )
    assert goal_competencies, "no goal came from a gap"
    watched_page.screenshot("journey-plan")

    # A mentor, the best match first.
    continue_onboarding(watched_page, "See your mentor suggestions")
    assert "Dr Seasoned Mentor" in page.locator("main").inner_text()
    click_and_check(watched_page, page.locator(f"a[href='/mentors/{mentor.pk}/request/']").first)
    page.get_by_label("Your message").fill("I aim for a payer CMO role within three years.")
    click_and_check(watched_page, page.get_by_role("button", name="Send my request"))
    mentorship = Mentorship.objects.get(mentee=physician)
    assert mentorship.status == "requested"
    assert any(m.to == [mentor.user.email] for m in mail.outbox)
    watched_page.visit("/")
    watched_page.screenshot("journey-dashboard-done")

    # 3. The mentor accepts, reviews the plan and comments on a goal.
    mentor_page = another_page()
    sign_in(mentor_page, mentor.user.email)
    mentor_page.visit("/mentoring/dashboard/")
    mentor_page.visit(f"/mentoring/{mentorship.pk}/")
    click_and_check(
        mentor_page, mentor_page.page.get_by_role("button", name="Accept Dr Nadia Newcomer")
    )
    mentor_page.visit(f"/plans/{plan.pk}/")
    goal = plan.goals.exclude(competency=None).order_by("order").first()
    mentor_page.page.get_by_label("About").select_option(str(goal.pk))
    mentor_page.page.get_by_role("textbox", name="Comment").fill("Start with the budget cycle.")
    click_and_check(mentor_page, mentor_page.page.get_by_role("button", name="Send the comment"))
    mentor_page.visit(f"/plans/{plan.pk}/review/")
    mentor_page.page.get_by_label("Reviewed, no change of status").check()
    mentor_page.page.get_by_label("Summary for your mentee").fill("A realistic plan.")
    click_and_check(mentor_page, mentor_page.page.get_by_role("button", name="Save the review"))
    assert PlanComment.objects.get(plan=plan).goal == goal
    mentor_page.screenshot("journey-mentor-review")

    # The physician sees the comment on the dashboard and on the plan.
    watched_page.visit("/")
    assert "Start with the budget cycle." in page.locator("main").inner_text()
    watched_page.visit(f"/plans/{plan.pk}/")
    assert "Start with the budget cycle." in page.locator("main").inner_text()
    assert "A realistic plan." in page.locator("main").inner_text()
    assert any(m.to == [physician.email] and "comment" in m.subject.lower() for m in mail.outbox)

    # 4. A curriculum editor rewrites a descriptor; the physician sees it.
    competency = goal.competency
    level = RubricLevel.objects.get(competency=competency, level=1)
    editor_page = another_page()
    sign_in(editor_page, editor.email)
    editor_page.page.get_by_label("Code").fill(totp_code(editor_secret))
    click_and_check(editor_page, editor_page.page.get_by_role("button", name="Sign in"))
    editor_page.visit(f"/admin/pathways/competency/{competency.pk}/change/")
    index = list(competency.levels.order_by("pk").values_list("pk", flat=True)).index(level.pk)
    editor_page.page.locator(f"#id_levels-{index}-descriptor").fill(
        "Reads a budget line by line and asks what each one buys for patients."
    )
    click_and_check(editor_page, editor_page.page.locator("input[name=_save]"))
    watched_page.visit(f"/competencies/{competency.slug}/")
    assert "Reads a budget line by line" in page.locator("main").inner_text()

    watched_page.assert_clean()
    mentor_page.assert_clean()
    editor_page.assert_clean()
