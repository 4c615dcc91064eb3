"""Onboarding read from what a person has done, and the dashboard's fixed queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.services import assessment_start_or_resume
from cmo_portal.accounts.models import User
from cmo_portal.home.dashboard import dashboard_for
from mentors.models.feedback import PlanComment
from pathways.models.plan import CareerPlan, PlanAction, PlanGoal
from pathways.services.plan import plan_generate
from tests.factories import (
    MentorProfileFactory,
    MentorshipFactory,
    OpportunityFactory,
    PathwayFactory,
    ProfileFactory,
    UserFactory,
    complete_assessment,
    submit_ratings,
)
from tests.pages import client_for

pytestmark = pytest.mark.django_db


def fresh(user) -> User:
    """As a new request sees the user: nothing cached from earlier calls."""
    return User.objects.get(pk=user.pk)


def steps(user) -> dict[str, bool]:
    return {step.key: step.done for step in dashboard_for(fresh(user)).journey.steps}


def current(user) -> str | None:
    step = dashboard_for(fresh(user)).journey.current
    return step.key if step else None


def test_a_physician_is_led_step_by_step_and_comes_back_where_they_left(curriculum):
    user = UserFactory()
    assert current(user) == "profile"
    user = ProfileFactory(user=user).user
    assert current(user) == "assessment"
    assessment_start_or_resume(user=user)
    board = dashboard_for(fresh(user))
    assert board.journey.current.key == "assessment" and board.journey.current.started
    complete_assessment(user, curriculum["pharma"])
    assert current(user) == "rubric"
    submit_ratings(user, {c: 1 for c in curriculum["competencies"].values()})
    assert current(user) == "results"
    client_for(user).get(reverse("assessments:results"))
    assert current(user) == "plan"
    plan_generate(owner=user, pathway=curriculum["pharma"], actor=user)
    assert current(user) == "mentor"
    response = client_for(user).post(reverse("skip-mentor-step"))
    assert response.status_code == 302
    assert dashboard_for(fresh(user)).journey.finished


def test_asking_a_mentor_finishes_the_mentor_step(physician):
    MentorshipFactory(mentee=physician)
    assert steps(physician)["mentor"] is True


def test_a_mentor_is_led_through_the_mentor_profile():
    user = ProfileFactory(intent="mentor").user
    assert [s.key for s in dashboard_for(user).journey.steps] == [
        "profile",
        "mentor-profile",
        "approval",
    ]
    assert current(user) == "mentor-profile"
    profile = MentorProfileFactory(user=user, status="pending")
    assert current(user) == "approval"
    profile.status = "approved"
    profile.save()
    assert dashboard_for(user).journey.finished


def test_someone_here_for_both_has_both_journeys():
    user = ProfileFactory(intent="both").user
    keys = [s.key for s in dashboard_for(user).journey.steps]
    assert keys[:2] == ["profile", "assessment"] and keys[-2:] == ["mentor-profile", "approval"]


def test_the_dashboard_shows_the_next_three_actions_soonest_first(physician):
    plan = CareerPlan.objects.create(owner=physician, pathway=PathwayFactory())
    goal = PlanGoal.objects.create(plan=plan, title="G", section="education")
    today = timezone.localdate()
    for days in (9, 2, 5, 1):
        PlanAction.objects.create(
            goal=goal, title=f"In {days}", due_date=today + datetime.timedelta(days)
        )
    PlanAction.objects.create(goal=goal, title="Done", due_date=today, status="done")
    board = dashboard_for(physician)
    assert [a.title for a, _ in board.next_actions] == ["In 1", "In 2", "In 5"]


def make_busy(user, content, *, plans: int, actions: int, comments: int):
    complete_assessment(user, content["pharma"], content["hospital"])
    submit_ratings(user, {c: 1 for c in content["competencies"].values()})
    for pathway in (content["pharma"], content["hospital"])[:plans]:
        plan = plan_generate(owner=user, pathway=pathway, actor=user)
        goal = plan.goals.first()
        for i in range(actions):
            PlanAction.objects.create(goal=goal, title=f"A{i}", due_date=timezone.localdate())
    mentor = MentorProfileFactory()
    MentorshipFactory(mentee=user, mentor=mentor, status="active")
    plan = CareerPlan.objects.filter(owner=user).first()
    for i in range(comments):
        PlanComment.objects.create(plan=plan, author=mentor.user, body=f"Comment {i}")
    for _ in range(comments):
        opportunity = OpportunityFactory(
            deadline=timezone.localdate() + datetime.timedelta(days=10)
        )
        opportunity.pathways.add(content["pharma"])


def warm_queries(client, django_assert_max_num_queries) -> int:
    """The queries of the dashboard on a second request (its results stored by the
    first), within the budget of every page."""
    assert client.get("/").status_code == 200
    with django_assert_max_num_queries(12) as captured:
        assert client.get("/").status_code == 200
    return len(captured)


def readiness_card(page: str) -> str:
    start = page.index('aria-labelledby="readiness-title"')
    return page[start : page.index("</section>", start)]


def test_the_dashboards_queries_and_size_do_not_grow_with_rating_sets_or_other_people(
    curriculum, django_assert_max_num_queries
):
    c = list(curriculum["competencies"].values())
    small = ProfileFactory().user
    make_busy(small, curriculum, plans=1, actions=1, comments=1)
    small_client = client_for(small)
    budget = warm_queries(small_client, django_assert_max_num_queries)
    for i in range(5):  # as many self-ratings as the chart shows
        submit_ratings(small, {competency: 1 + (i % 4) for competency in c})
    size = len(readiness_card(small_client.get("/").text))

    large = ProfileFactory().user
    make_busy(large, curriculum, plans=1, actions=1, comments=1)
    for i in range(49):  # 50 self-ratings in all
        submit_ratings(large, {competency: 1 + (i % 4) for competency in c})
    for _ in range(30):  # and other people rating themselves
        other = ProfileFactory().user
        make_busy(other, curriculum, plans=0, actions=0, comments=0)
    large_client = client_for(large)
    assert warm_queries(large_client, django_assert_max_num_queries) <= budget
    response = large_client.get("/")
    # The chart and its table show the latest self-ratings only, and link to the rest.
    assert response.context["board"].history == response.context["board"].results.history[-6:]
    assert "all 50 are on your results page" in response.text
    assert len(readiness_card(response.text)) < size * 1.05  # (the dates' words differ)


def test_the_dashboards_queries_do_not_grow_with_plans_actions_or_comments(
    curriculum,
    django_assert_max_num_queries,
):
    small = ProfileFactory().user
    make_busy(small, curriculum, plans=1, actions=1, comments=1)
    small_client = client_for(small)  # signing in is not the dashboard's
    budget = warm_queries(small_client, django_assert_max_num_queries)
    large = ProfileFactory().user
    make_busy(large, curriculum, plans=2, actions=30, comments=20)
    large_client = client_for(large)
    assert large_client.get("/").status_code == 200  # stores the results
    with django_assert_max_num_queries(budget):
        response = large_client.get("/")
    assert response.status_code == 200
    assert "Comment 19" in response.text


def test_the_dashboards_queries_stay_flat_with_goals_proposed_as_met(
    curriculum, django_assert_max_num_queries
):
    small, large = ProfileFactory().user, ProfileFactory().user
    make_busy(small, curriculum, plans=1, actions=1, comments=1)
    make_busy(large, curriculum, plans=2, actions=30, comments=1)
    PlanGoal.objects.filter(plan__owner__in=[small, large]).update(met_proposed_at=timezone.now())
    small_client, large_client = client_for(small), client_for(large)
    budget = warm_queries(small_client, django_assert_max_num_queries)
    assert large_client.get("/").status_code == 200
    with django_assert_max_num_queries(budget):
        response = large_client.get("/")
    assert response.status_code == 200
    assert "goals look met" in response.text
    assert response.text.count("Mark done") == 3  # one button per next action


def test_a_visitor_sees_the_front_page_not_a_dashboard(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Plan your path" in response.text


def test_skipping_the_mentor_step_needs_a_post_and_a_login(client, physician):
    assert client.post(reverse("skip-mentor-step")).status_code == 302  # to log in
    assert client_for(physician).get(reverse("skip-mentor-step")).status_code == 405
    physician.profile.refresh_from_db()
    assert not physician.profile.onboarding.get("mentors_skipped")


def test_the_dashboard_offers_the_lesson_under_way_and_not_one_finished(
    curriculum, django_assert_max_num_queries
):
    from tests.factories import LessonProgressFactory

    small, large = ProfileFactory().user, ProfileFactory().user
    make_busy(small, curriculum, plans=1, actions=1, comments=1)
    make_busy(large, curriculum, plans=1, actions=1, comments=1)
    LessonProgressFactory(user=large, module__title="Old lesson", completed_at=timezone.now())
    for number in range(20):
        LessonProgressFactory(user=large, module__title=f"Lesson {number}", sections_read=1)
    small_client, large_client = client_for(small), client_for(large)
    budget = warm_queries(small_client, django_assert_max_num_queries)
    assert large_client.get("/").status_code == 200
    with django_assert_max_num_queries(budget):
        response = large_client.get("/")

    assert "Your lesson under way" in response.text
    assert "Lesson 19" in response.text and "Lesson 18<" not in response.text
    assert "Old lesson" not in response.text
