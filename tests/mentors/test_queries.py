"""The mentors' pages run a fixed number of queries however many mentors, mentees,
requests, comments and reviews there are: each budget is the count at the small size,
and the large size must fit in it too."""

import itertools

import pytest
from django.urls import reverse

from mentors.models.feedback import PlanComment, PlanReview
from mentors.models.mentorships import MentorshipStatus
from mentors.models.profiles import MentorProfile
from pathways.models.plan import CareerPlan, PlanAction, PlanGoal
from tests.factories import (
    CompetencyFactory,
    MentorProfileFactory,
    MentorshipFactory,
    PathwayFactory,
    ProfileFactory,
    SettingFactory,
    complete_assessment,
    submit_ratings,
)
from tests.pages import client_for

pytestmark = pytest.mark.django_db

# Each page's nav reads the person's roles: one query (cmo_portal/home/navigation.py), and on
# a plan page one more to tell its owner from a mentor reading it.
DIRECTORY_BUDGET = 12
# Validating the filter looks up the chosen setting and competency: two queries more.
FILTERED_DIRECTORY_BUDGET = 14
DASHBOARD_BUDGET = 8
# The session, the user and the nav (3); the results summary (5); the physician's time zone
# and open requests (1); the candidates with what they teach and know (1); the suggested
# mentors (1); the names of the settings matched on (1).
SUGGESTIONS_BUDGET = 12
# The owner's plan page: 12 at most (tests/pathways/test_plan_page_size.py). A mentor
# reading it costs one more: the access rule is asked for the plan and, for the change per
# competency since the previous ratings, for the results (each a fresh look, so that a
# mentorship that ended is seen at once); the plan's mentoring part loads the mentorship.
PLAN_PAGE_BUDGET = 13


def mentor_with_details(competencies, settings, pathways, **kwargs) -> MentorProfile:
    profile = MentorProfileFactory(teaches={c: 3 for c in competencies}, **kwargs)
    profile.settings_known.set(settings)
    profile.pathways_known.set(pathways)
    return profile


@pytest.mark.parametrize("size", [3, 40])
def test_the_directory_queries_do_not_grow_with_mentors(
    physician, size, django_assert_max_num_queries
):
    competencies = CompetencyFactory.create_batch(5)
    settings = [SettingFactory(), SettingFactory()]
    pathways = [PathwayFactory(setting=settings[0]), PathwayFactory(setting=settings[1])]
    for index in range(size):
        mentor = mentor_with_details(
            [competencies[(index + k) % 5] for k in range(3)], settings, pathways, capacity=3
        )
        if index % 2:
            MentorshipFactory(mentor=mentor, status=MentorshipStatus.ACTIVE)
    client = client_for(physician)

    with django_assert_max_num_queries(DIRECTORY_BUDGET):
        response = client.get(reverse("mentors:directory"))
    with django_assert_max_num_queries(FILTERED_DIRECTORY_BUDGET):
        filtered = client.get(
            reverse("mentors:directory"),
            {"setting": settings[0].slug, "competency": competencies[0].slug, "room": "on"},
        )

    assert response.status_code == filtered.status_code == 200
    assert response.context["page"].paginator.count == size
    assert len(response.context["page"].object_list) == min(size, 12)


def plan_with_goals(owner, pathway, *, goals: int = 3, actions: int = 2) -> CareerPlan:
    plan = CareerPlan.objects.create(owner=owner, pathway=pathway)
    for g in range(goals):
        goal = PlanGoal.objects.create(plan=plan, title=f"Goal {g}", section="networks", order=g)
        PlanAction.objects.bulk_create(
            PlanAction(goal=goal, title=f"Action {g}.{a}", order=a) for a in range(actions)
        )
    return plan


@pytest.mark.parametrize(("mentees", "pending"), [(1, 2), (12, 30)])
def test_the_mentor_dashboard_queries_do_not_grow_with_mentees_or_requests(
    mentees, pending, django_assert_max_num_queries
):
    profile = MentorProfileFactory(capacity=12)
    pathway = PathwayFactory()
    for _ in range(mentees):
        mentorship = MentorshipFactory(mentor=profile, status=MentorshipStatus.ACTIVE)
        plan_with_goals(mentorship.mentee, pathway)
    MentorshipFactory.create_batch(pending, mentor=profile)
    MentorshipFactory.create_batch(pending, mentor=profile, status=MentorshipStatus.DECLINED)
    client = client_for(profile.user)

    with django_assert_max_num_queries(DASHBOARD_BUDGET):
        response = client.get(reverse("mentors:dashboard"))

    assert response.status_code == 200
    board = response.context["board"]
    assert (len(board.mentees), len(board.pending)) == (mentees, pending)
    assert all(len(row.plans) == 1 for row in board.mentees)


@pytest.mark.parametrize("size", [3, 60])
def test_the_suggestions_queries_do_not_grow_with_candidate_mentors(
    physician,
    curriculum,
    size,
    django_assert_max_num_queries,
):
    c = curriculum["competencies"]
    complete_assessment(physician, curriculum["pharma"])
    submit_ratings(physician, {c["Clinical trial design"]: 1, c["Finance"]: 1, c["Negotiation"]: 2})
    pharma = curriculum["pharma"]
    teachable = list(c.values())
    time_zones = itertools.cycle(["America/New_York", "Europe/London", "Asia/Tokyo"])
    for index in range(size):
        mentor = mentor_with_details(
            [teachable[(index + k) % 4] for k in range(3)],
            [pharma.setting] if index % 2 else [],
            [pharma] if index % 3 else [],
            capacity=3,
            time_zone=next(time_zones),
            offers_async=bool(index % 2),
        )
        if index % 4 == 0:
            MentorshipFactory(mentor=mentor, status=MentorshipStatus.ACTIVE)
    client = client_for(physician)

    with django_assert_max_num_queries(SUGGESTIONS_BUDGET):
        response = client.get(reverse("mentors:suggestions"))

    assert response.status_code == 200
    found = response.context["found"]
    assert found.candidates == size
    assert len(found.items) == min(size, 10)


@pytest.mark.parametrize(("comments", "reviews"), [(0, 0), (30, 10)])
def test_the_plan_page_queries_do_not_grow_with_comments_or_reviews(
    physician, active_mentor, comments, reviews, django_assert_max_num_queries
):
    plan = plan_with_goals(physician, PathwayFactory())
    goals = list(plan.goals.all())
    actions = list(PlanAction.objects.filter(goal__plan=plan))
    mentorship = physician.mentorships.get()
    other_mentor = ProfileFactory(full_name="Dr Second Opinion").user
    MentorshipFactory(
        mentee=physician,
        mentor=MentorProfileFactory(user=other_mentor),
        status=MentorshipStatus.ACTIVE,
    )
    authors = itertools.cycle([active_mentor, physician, other_mentor])
    for index in range(comments):
        where = index % 3
        action = actions[index % len(actions)] if where == 2 else None
        goal = action.goal if action else (goals[index % len(goals)] if where == 1 else None)
        PlanComment.objects.create(
            plan=plan, goal=goal, action=action, author=next(authors), body=f"Comment {index}"
        )
    for index in range(reviews):
        PlanReview.objects.create(
            plan=plan, mentorship=mentorship, outcome="noted", summary=f"Review {index}"
        )

    for viewer in (physician, active_mentor):
        client = client_for(viewer)
        with django_assert_max_num_queries(PLAN_PAGE_BUDGET):
            response = client.get(plan.get_absolute_url())
        assert response.status_code == 200
        feedback = response.context["feedback"]
        assert (len(feedback.comments), len(feedback.reviews)) == (comments, reviews)
