"""A physician builds a plan from their gaps and edits it with the keyboard alone; marks
an action done with one key, on the plan and on the dashboard; answers a goal proposed
as met; says when a role they accepted starts, and takes it back."""

import datetime
import re

import pytest

from cmo_portal import clock
from pathways.models.curriculum import Competency, Pathway
from pathways.models.plan import CareerPlan, PlanAction, PlanGoal
from pathways.services.curriculum import curriculum_load
from pathways.services.plan import plan_generate
from tests.browser.pages import sign_in_by_cookie
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


def _plan_in_progress(user):
    """A generated payer-CMO plan, as a later rating and the generator's pace leave it:
    a goal proposed as met, an action serving a second goal and due soon, targets out of
    reach at 5 hours a week."""
    pathway = Pathway.objects.get(slug="payer-cmo")
    complete_assessment(user, pathway)
    submit_ratings(user, dict.fromkeys(Competency.objects.all()[:12], 1))
    plan = plan_generate(owner=user, pathway=pathway, actor=user)
    today = clock.today()
    CareerPlan.objects.filter(pk=plan.pk).update(
        hours_per_week=5, horizon_end=today + datetime.timedelta(weeks=52), weeks_needed=80
    )
    goals = list(plan.goals.in_section_order())
    PlanGoal.objects.filter(pk=goals[0].pk).update(met_proposed_at=clock.now())
    # The first action of a later goal (not every goal has actions), serving another.
    action = (
        PlanAction.objects.filter(goal__in=goals[1:])
        .exclude(goal=goals[0])
        .order_by("goal__order", "order", "pk")
        .first()
    )
    assert action is not None
    action.serves.set([next(g for g in goals[1:] if g.pk != action.goal_id)])
    PlanAction.objects.filter(pk=action.pk).update(due_date=today + datetime.timedelta(days=2))
    return plan, goals[0], action


def named(words: str, title: str) -> re.Pattern:
    """A button's name: its visible words, then the item's title in visually hidden text
    (which sits in a box of its own, so a name may carry a space before the colon)."""
    return re.compile(rf"^{re.escape(words)}\s*: “{re.escape(title)}”$")


def _tab_to(page, name: re.Pattern, *, presses: int = 40) -> None:
    """Press Tab until the focused element's text matches `name`."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => (document.activeElement.innerText || '').replace(/\\s+/g, ' ').trim()"
        )
        if name.match(focused):
            return
    raise AssertionError(f"{name.pattern!r} not reached with Tab")


def test_mark_an_action_done_with_one_keypress_and_answer_a_met_goal(watched_page):
    curriculum_load()
    user = ProfileFactory(full_name="Dr Planner").user
    plan, met_goal, action = _plan_in_progress(user)
    page = watched_page.page
    sign_in_by_cookie(watched_page, user)

    watched_page.visit(f"/plans/{plan.pk}/")
    main = page.locator("main")
    assert "this plan needs 80 weeks; your horizon ends in 52" in main.inner_text()
    assert "Also serves:" in page.locator(f"#action-{action.pk}").inner_text()
    assert "Mark it met?" in page.locator(f"#goal-{met_goal.pk}").inner_text()
    watched_page.screenshot("plan-in-progress")

    # From the goal's last control before its actions, Tab reaches the action's button.
    page.locator(f"a[href='/plans/goals/{action.goal_id}/edit/']").focus()
    _tab_to(page, named("Mark done", action.title))
    page.keyboard.press("Enter")
    # Back to the goal: a done action leaves its list of next ones (the count says it).
    page.wait_for_url(f"**/plans/{plan.pk}/#goal-{action.goal_id}")
    watched_page.check()
    action.refresh_from_db()
    assert action.status == "done"
    assert f"Marked “{action.title}” done." in main.inner_text()
    page.get_by_role("link", name="Undo in your plan").click()
    page.wait_for_url(f"**/plans/{plan.pk}/?goal={action.goal_id}#action-{action.pk}")
    watched_page.check()
    undo = page.get_by_role("button", name=named("Mark not done", action.title))
    assert undo.is_visible()

    watched_page.visit(f"/plans/{plan.pk}/")
    page.get_by_role("button", name=named("Yes, it is met", met_goal.title)).click()
    page.wait_for_url(f"**/plans/{plan.pk}/#goal-{met_goal.pk}")
    watched_page.check()
    met_goal.refresh_from_db()
    assert met_goal.status == "done" and met_goal.met_proposed_at is None

    # The role accepted: a day too far ahead is refused with what was typed kept.
    field = page.get_by_label("The day the role starts")
    field.fill((clock.today() + datetime.timedelta(days=3 * 365)).isoformat())
    page.get_by_role("button", name="Plan my first 90 days").click()
    page.wait_for_url(f"**/plans/{plan.pk}/role/")
    watched_page.check(expect_status=400)
    assert "more than 2 years ahead" in main.inner_text()
    watched_page.screenshot("plan-role-error")
    page.get_by_label("The day the role starts").fill(
        (clock.today() + datetime.timedelta(days=30)).isoformat()
    )
    page.get_by_role("button", name="Plan my first 90 days").click()
    page.wait_for_url(f"**/plans/{plan.pk}/#section-first_90_days")
    watched_page.check()
    plan.refresh_from_db()
    assert plan.role_starts_on == clock.today() + datetime.timedelta(days=30)
    page.get_by_role("link", name="I no longer have this role lined up").click()
    page.wait_for_url(f"**/plans/{plan.pk}/role/clear/")
    watched_page.check()
    page.get_by_role("button", name="Yes, no role lined up").click()
    page.wait_for_url(f"**/plans/{plan.pk}/#section-first_90_days")
    plan.refresh_from_db()
    assert plan.role_starts_on is None
    watched_page.assert_clean()


def test_mark_the_next_action_done_from_the_dashboard(watched_page):
    curriculum_load()
    user = ProfileFactory(full_name="Dr Planner").user
    plan, _, action = _plan_in_progress(user)
    PlanAction.objects.filter(goal__plan=plan).exclude(pk=action.pk).update(due_date=None)
    page = watched_page.page
    sign_in_by_cookie(watched_page, user)

    watched_page.visit("/")
    assert "1 goal looks met: review it" in page.locator("main").inner_text()
    watched_page.screenshot("dashboard-next-actions")
    page.get_by_role("button", name=named("Mark done", action.title)).click()
    page.wait_for_url(watched_page.base_url + "/#next-actions-title")
    watched_page.check()
    action.refresh_from_db()
    assert action.status == "done"
    assert "Undo in your plan" in page.locator("main").inner_text()
    watched_page.screenshot("dashboard-after-done")
    watched_page.assert_clean()
