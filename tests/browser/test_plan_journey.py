"""A physician builds a plan from their gaps and edits it with the keyboard alone."""

import pytest

from pathways.models.curriculum import Competency, Pathway
from pathways.models.plan import CareerPlan
from pathways.services.curriculum import curriculum_load
from tests.factories import PASSWORD, ProfileFactory, complete_assessment, submit_ratings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_build_a_plan_and_edit_a_goal_with_the_keyboard(watched_page):
    curriculum_load()
    user = ProfileFactory(full_name="Dr Planner").user
    pathway = Pathway.objects.get(slug="payer-cmo")
    complete_assessment(user, pathway)
    submit_ratings(user, dict.fromkeys(Competency.objects.all()[:12], 1))
    page = watched_page.page
    watched_page.visit("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(watched_page.base_url + "/")

    watched_page.visit("/plans/")
    page.get_by_role("button", name=f"Build my plan for {pathway.title}").click()
    page.wait_for_url("**/plans/*/")
    watched_page.check()
    plan = CareerPlan.objects.get(owner=user)
    assert plan.goals.filter(section="learning_objectives").count() == 5
    assert plan.goals.values("section").distinct().count() > 3  # every section has its say
    watched_page.screenshot("plan")

    goal = plan.goals.order_by("order").first()
    page.locator(f"a[href='/plans/goals/{goal.pk}/edit/']").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/plans/goals/{goal.pk}/edit/")
    watched_page.check()
    title = page.get_by_label("Title")
    title.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("Lead a trial design workshop")
    page.get_by_label("Status").focus()
    page.keyboard.press("ArrowDown")  # In progress
    page.get_by_role("button", name="Save goal").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/plans/{plan.pk}/**")
    watched_page.check()

    goal.refresh_from_db()
    assert goal.title == "Lead a trial design workshop"
    assert goal.status == "in_progress"
    assert goal.due_date is not None
    assert "Lead a trial design workshop" in page.locator("main").inner_text()
    watched_page.visit(f"/plans/{plan.pk}/history/")
    assert "Lead a trial design workshop" in page.locator("main").inner_text()
    watched_page.visit(f"/plans/{plan.pk}/print/")
    watched_page.screenshot("plan-print")
    watched_page.assert_clean()
