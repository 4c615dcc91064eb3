"""A mentor reads a mentee's plan and results only while the mentorship is active: a
mentor whose request is pending, who declined, whose request was withdrawn or expired,
whose mentorship ended, or who was never asked gets a 404 on all of it."""

import pytest
from django.urls import reverse

from assessments.services import assessment_start_or_resume
from mentors.models.feedback import PlanComment, PlanReview
from mentors.models.mentorships import Mentorship
from pathways.models.plan import CareerPlan, PlanGoal
from tests.factories import MentorProfileFactory, MentorshipFactory, PathwayFactory
from tests.pages import client_for

pytestmark = pytest.mark.django_db

NOT_ACTIVE = ["requested", "needs_info", "declined", "withdrawn", "expired", "ended", None]


@pytest.fixture
def plan(physician):
    plan = CareerPlan.objects.create(owner=physician, pathway=PathwayFactory())
    PlanGoal.objects.create(plan=plan, title="Lead the budget", section="mentors")
    return plan


def mentor_in(status: str | None, mentee):
    """A mentor whose mentorship with `mentee` has `status` (None: never asked)."""
    profile = MentorProfileFactory()
    mentorship = None
    if status is not None:
        mentorship = MentorshipFactory(mentee=mentee, mentor=profile, status=status)
    return profile.user, mentorship


def pages(plan, mentorship) -> list[tuple[str, str, dict]]:
    owner = plan.owner
    rows = [
        ("get", reverse("pathways:plan-detail", kwargs={"pk": plan.pk}), {}),
        ("get", reverse("pathways:plan-json", kwargs={"pk": plan.pk}), {}),
        ("get", reverse("assessments:results-for", kwargs={"user_id": owner.pk}), {}),
        (
            "get",
            reverse("assessments:detail", kwargs={"pk": assessment_start_or_resume(user=owner).pk}),
            {},
        ),
        ("get", reverse("accounts:profile-detail", kwargs={"user_id": owner.pk}), {}),
        ("get", reverse("mentors:plan-review", kwargs={"pk": plan.pk}), {}),
        (
            "post",
            reverse("mentors:plan-review", kwargs={"pk": plan.pk}),
            {"outcome": "noted", "summary": "Looks fine."},
        ),
        ("post", reverse("mentors:comment-add", kwargs={"pk": plan.pk}), {"body": "Hello"}),
    ]
    if mentorship is not None:
        rows.append(("get", reverse("mentors:mentee-rubric", kwargs={"pk": mentorship.pk}), {}))
    return rows


@pytest.mark.parametrize("status", NOT_ACTIVE, ids=lambda s: s or "never asked")
def test_a_mentor_without_an_active_mentorship_sees_nothing_of_the_physician(
    physician, plan, status
):
    user, mentorship = mentor_in(status, physician)
    client = client_for(user)
    for method, url, data in pages(plan, mentorship):
        response = client.post(url, data) if method == "post" else client.get(url)
        assert response.status_code == 404, f"{status}: {method} {url}"
    assert not PlanComment.objects.exists()
    assert not PlanReview.objects.exists()


def test_the_active_mentor_sees_it_all_and_loses_it_the_moment_the_mentorship_ends(physician, plan):
    user, mentorship = mentor_in("active", physician)
    client = client_for(user)
    for method, url, data in pages(plan, mentorship):
        response = client.post(url, data) if method == "post" else client.get(url)
        assert response.status_code in (200, 302), f"active: {method} {url}"

    response = client.post(reverse("mentors:end", kwargs={"pk": mentorship.pk}), {"reason": ""})
    assert response.status_code == 302
    assert Mentorship.objects.get(pk=mentorship.pk).status == "ended"
    for method, url, data in pages(plan, mentorship):
        response = client.post(url, data) if method == "post" else client.get(url)
        assert response.status_code == 404, f"ended: {method} {url}"


def test_a_mentor_active_with_someone_else_sees_nothing_of_this_physician(
    physician, other_physician, plan
):
    user, _ = mentor_in("active", other_physician)
    response = client_for(user).get(reverse("pathways:plan-detail", kwargs={"pk": plan.pk}))
    assert response.status_code == 404


def test_a_tampered_mentorship_id_is_a_404_for_everyone_but_its_parties(physician, other_physician):
    user, mentorship = mentor_in("requested", physician)
    url = reverse("mentors:mentorship", kwargs={"pk": mentorship.pk})
    assert client_for(other_physician).get(url).status_code == 404
    assert (
        client_for(user).get(reverse("mentors:mentorship", kwargs={"pk": 999999})).status_code
        == 404
    )
    response = client_for(other_physician).post(
        reverse("mentors:accept", kwargs={"pk": mentorship.pk})
    )
    assert response.status_code == 404
    mentorship.refresh_from_db()
    assert mentorship.status == "requested"
