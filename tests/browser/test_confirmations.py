"""Removing a goal and ending a mentorship each ask first on a page of their own; a
removed goal waits in the removed list and comes back with its actions."""

import pytest

from mentors.models.mentorships import MentorshipStatus
from pathways.models.plan import CareerPlan, PlanAction, PlanGoal
from tests.browser.pages import sign_in
from tests.factories import (
    MentorProfileFactory,
    MentorshipFactory,
    PathwayFactory,
    ProfileFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_remove_a_goal_with_the_keyboard_then_restore_it_from_the_removed_list(watched_page):
    user = ProfileFactory(full_name="Dr Remover").user
    plan = CareerPlan.objects.create(owner=user, pathway=PathwayFactory(title="Payer CMO"))
    PlanGoal.objects.create(plan=plan, title="Lead the budget cycle", section="education")
    goal = PlanGoal.objects.create(plan=plan, title="Chair a quality committee", section="mentors")
    for title in ("Join the committee as a member", "Shadow the current chair"):
        PlanAction.objects.create(goal=goal, title=title)
    page = watched_page.page
    sign_in(watched_page, user)

    watched_page.visit(plan.get_absolute_url())
    page.get_by_role(
        "link", name="Remove the goal “Chair a quality committee” and its actions"
    ).focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/plans/goals/{goal.pk}/delete/")
    watched_page.check()
    assert "with its 2 actions" in page.locator("main").inner_text()
    watched_page.screenshot("confirm-remove-goal")
    goal.refresh_from_db()
    assert goal.removed_at is None  # the page only asked

    page.get_by_role("button", name="Remove the goal").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/plans/{plan.pk}/")
    watched_page.check()
    main = page.locator("main")
    assert "Chair a quality committee" not in main.inner_text().split("removed list")[-1]
    goal.refresh_from_db()
    assert goal.removed_at is not None

    page.get_by_role("link", name="the removed list").click()
    page.wait_for_url(f"**/plans/{plan.pk}/removed/")
    watched_page.check()
    assert "Shadow the current chair" in page.locator("main").inner_text()
    watched_page.screenshot("plan-removed-list")

    page.get_by_role(
        "button", name="Restore the goal “Chair a quality committee” and its actions"
    ).click()
    page.wait_for_url(f"**/plans/{plan.pk}/#goal-{goal.pk}")
    watched_page.check()
    assert "Shadow the current chair" in page.locator(f"#goal-{goal.pk}").inner_text()
    assert PlanAction.objects.filter(goal=goal, removed_at__isnull=True).count() == 2

    # Editing it in a tab opened before it was removed.
    PlanGoal.objects.filter(pk=goal.pk).update(removed_at=goal.removed_at)
    watched_page.visit(f"/plans/goals/{goal.pk}/edit/", expect_status=410)
    assert "This goal was removed" in page.locator("h1").inner_text()
    watched_page.screenshot("plan-item-removed")
    watched_page.assert_clean()


def test_end_a_mentorship_through_its_confirmation_page(watched_page):
    user = ProfileFactory(full_name="Dr Mentee").user
    mentor = MentorProfileFactory(user=ProfileFactory(full_name="Dr Guide").user)
    mentorship = MentorshipFactory(mentee=user, mentor=mentor, status="active")
    page = watched_page.page
    sign_in(watched_page, user)

    watched_page.visit(mentorship.get_absolute_url())
    watched_page.screenshot("mentorship-active")
    page.get_by_role("link", name="End the mentorship").click()
    page.wait_for_url(f"**/mentoring/{mentorship.pk}/end/")
    watched_page.check()
    watched_page.screenshot("confirm-end-mentorship")
    page.get_by_label("Reason (optional)").fill("We met the goals we set.")
    page.get_by_role("button", name="End the mentorship").click()
    page.wait_for_url(f"**/mentoring/{mentorship.pk}/")
    watched_page.check()
    assert "The mentorship has ended" in page.locator("main").inner_text()

    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ENDED
    assert mentorship.end_reason == "We met the goals we set."
    watched_page.assert_clean()
