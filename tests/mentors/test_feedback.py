"""Feedback on a mentee's plan: an active mentor's comments (and the physician's
replies) and reviews, on the pages and in the services; and that it stops when the
mentorship ends."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from mentors.models.feedback import PlanComment, PlanReview
from mentors.models.mentorships import Mentorship, MentorshipStatus
from mentors.services.feedback import plan_comment_add, plan_review_submit
from pathways.models.plan import CareerPlan, PlanGoal, PlanStatus
from tests.factories import PathwayFactory, ProfileFactory
from tests.pages import client_for, page_text, textarea_value

pytestmark = pytest.mark.django_db

ADVICE = "Ask the CEO to sponsor this goal: it makes the committee take it seriously."


def comment_url(plan: CareerPlan) -> str:
    return reverse("mentors:comment-add", args=[plan.pk])


def review_url(plan: CareerPlan) -> str:
    return reverse("mentors:plan-review", args=[plan.pk])


# --- Comments ------------------------------------------------------------------------


def test_the_active_mentors_comment_on_a_goal_shows_on_the_plan_and_emails_the_mentee(
    physician, active_mentor, plan, goal, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(active_mentor).post(
            comment_url(plan), {"body": ADVICE, "goal": goal.pk}
        )

    comment = PlanComment.objects.get()
    assert (comment.plan, comment.goal, comment.author, comment.body) == (
        plan,
        goal,
        active_mentor,
        ADVICE,
    )
    assert response.status_code == 302
    assert response.url == plan.get_absolute_url() + f"#comment-{comment.pk}"
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([physician.email], "Dr Di Active commented on the plan for Hospital CMO")
    ]
    page = page_text(client_for(physician).get(plan.get_absolute_url()))
    assert ADVICE in page
    assert "Dr Di Active" in page


def test_the_mentees_reply_emails_the_active_mentor(
    physician, active_mentor, plan, goal, django_capture_on_commit_callbacks
):
    PlanComment.objects.create(plan=plan, goal=goal, author=active_mentor, body=ADVICE)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(physician).post(
            comment_url(plan), {"body": "Good idea, I will ask her on Monday.", "goal": goal.pk}
        )

    assert response.status_code == 302
    assert PlanComment.objects.filter(author=physician, goal=goal).count() == 1
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([active_mentor.email], "Dr Ada Owner commented on the plan for Hospital CMO")
    ]
    page = page_text(client_for(active_mentor).get(plan.get_absolute_url()))
    assert "Good idea, I will ask her on Monday." in page


def test_an_empty_comment_is_refused_with_a_message_and_nothing_saved(
    physician, active_mentor, plan, goal, django_capture_on_commit_callbacks
):
    mentor_client = client_for(active_mentor)

    with django_capture_on_commit_callbacks(execute=True):
        response = mentor_client.post(comment_url(plan), {"body": "   ", "goal": goal.pk})

    assert response.status_code == 302
    assert response.url == f"{plan.get_absolute_url()}?comment_goal={goal.pk}#comments"
    assert not PlanComment.objects.exists()
    assert mail.outbox == []
    page = page_text(mentor_client.get(response.url))
    assert "Your comment was empty or too long, so it was not sent." in page


def test_a_comment_too_long_is_offered_back_in_the_plan_page_form(active_mentor, plan):
    mentor_client = client_for(active_mentor)
    typed = "Think about who sits on the committee. " * 110  # over 4,000 characters

    response = mentor_client.post(comment_url(plan), {"body": typed})

    assert not PlanComment.objects.exists()
    plan_page = mentor_client.get(response.url)
    assert textarea_value(plan_page, "body") == typed[:4000].strip()
    # The draft is offered once, not forever.
    assert textarea_value(mentor_client.get(response.url), "body") == ""


def test_a_goal_from_another_plan_saves_nothing_and_keeps_the_text(
    physician, active_mentor, plan, django_capture_on_commit_callbacks
):
    elsewhere = CareerPlan.objects.create(owner=ProfileFactory().user, pathway=plan.pathway)
    foreign = PlanGoal.objects.create(plan=elsewhere, title="Not yours", section="networks")
    mentor_client = client_for(active_mentor)

    with django_capture_on_commit_callbacks(execute=True):
        response = mentor_client.post(comment_url(plan), {"body": ADVICE, "goal": foreign.pk})

    assert response.status_code == 302
    assert not PlanComment.objects.exists()
    assert mail.outbox == []
    plan_page = mentor_client.get(response.url)
    assert "That goal or action is not part of this plan any more." in page_text(plan_page)
    assert textarea_value(plan_page, "body") == ADVICE


@pytest.mark.parametrize("persona", ["mentor", "physician", "staff", "support"])
def test_only_the_owner_and_an_active_mentor_comment(persona, persona_clients, plan, goal):
    response = persona_clients[persona].post(comment_url(plan), {"body": ADVICE})
    assert response.status_code == 404
    assert not PlanComment.objects.exists()


def test_a_former_mentor_can_no_longer_comment(physician, active_mentor, plan):
    Mentorship.objects.filter(mentee=physician).update(status=MentorshipStatus.ENDED)

    response = client_for(active_mentor).post(comment_url(plan), {"body": ADVICE})

    assert response.status_code == 404
    assert not PlanComment.objects.exists()


# --- Reviews -------------------------------------------------------------------------


def post_review(user, plan, **data):
    return client_for(user).post(review_url(plan), data)


def test_the_review_form_shows_to_the_active_mentor(active_mentor, plan):
    response = client_for(active_mentor).get(review_url(plan))
    assert response.status_code == 200
    assert 'name="summary"' in response.content.decode()


def test_approving_a_plan_waiting_for_review_starts_it(
    physician, active_mentor, plan, django_capture_on_commit_callbacks
):
    CareerPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.WAITING_FOR_REVIEW)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_review(
            active_mentor, plan, outcome="approved", summary="Clear goals, realistic dates."
        )

    assert response.status_code == 302
    assert response.url == plan.get_absolute_url() + "#reviews"
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    review = PlanReview.objects.get()
    assert (review.plan, review.outcome, review.summary) == (
        plan,
        "approved",
        "Clear goals, realistic dates.",
    )
    assert review.mentorship.mentor.user == active_mentor
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([physician.email], "Dr Di Active reviewed your plan for Hospital CMO")
    ]


def test_asking_for_changes_sends_a_plan_in_review_back_to_draft(active_mentor, plan):
    CareerPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.IN_REVIEW)

    post_review(active_mentor, plan, outcome="changes", summary="Add dates to every action.")

    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT
    assert PlanReview.objects.get().outcome == "changes"


def test_the_mentee_sees_the_review_on_the_plan_page(physician, active_mentor, plan):
    post_review(active_mentor, plan, outcome="noted", summary="Strong start on networks.")

    page = page_text(client_for(physician).get(plan.get_absolute_url()))

    assert "Strong start on networks." in page
    assert "Dr Di Active" in page


def test_a_review_without_a_summary_is_refused(active_mentor, plan):
    CareerPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.WAITING_FOR_REVIEW)

    response = post_review(active_mentor, plan, outcome="approved", summary="  ")

    assert response.status_code == 400
    assert "This field is required." in page_text(response)
    assert not PlanReview.objects.exists()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.WAITING_FOR_REVIEW


def test_a_review_with_a_tampered_outcome_is_refused(active_mentor, plan):
    response = post_review(active_mentor, plan, outcome="burn-it", summary="Fine.")
    assert response.status_code == 400
    assert not PlanReview.objects.exists()


@pytest.mark.parametrize("persona", ["owner", "mentor", "physician", "staff", "support"])
def test_only_an_active_mentor_reviews(persona, persona_clients, plan):
    client = persona_clients[persona]
    assert client.get(review_url(plan)).status_code == 404
    response = client.post(review_url(plan), {"outcome": "approved", "summary": "Fine."})
    assert response.status_code == 404
    assert not PlanReview.objects.exists()


def test_an_empty_comment_on_a_goal_comes_back_with_that_goal_still_chosen(
    physician, active_mentor
):
    plan = CareerPlan.objects.create(owner=physician, pathway=PathwayFactory())
    goal = PlanGoal.objects.create(plan=plan, title="Lead the budget", section="education")
    client = client_for(active_mentor)
    response = client.post(
        reverse("mentors:comment-add", kwargs={"pk": plan.pk}), {"body": "  ", "goal": goal.pk}
    )
    assert response.status_code == 302
    assert f"comment_goal={goal.pk}" in response.url
    page = client.get(response.url)
    assert f'<option value="{goal.pk}" selected>' in page.text


# --- The services' rules ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "outcome", "expected"),
    [
        (PlanStatus.WAITING_FOR_REVIEW, "approved", PlanStatus.ACTIVE),
        (PlanStatus.IN_REVIEW, "changes", PlanStatus.DRAFT),
        (PlanStatus.WAITING_FOR_REVIEW, "noted", PlanStatus.WAITING_FOR_REVIEW),
        (PlanStatus.COMPLETE, "approved", PlanStatus.COMPLETE),
    ],
)
def test_a_review_moves_the_plan_as_far_as_its_status_allows(
    physician, active_mentor, run, status, outcome, expected
):
    plan = CareerPlan.objects.create(owner=physician, pathway=PathwayFactory(), status=status)
    review = run(
        plan_review_submit,
        plan=plan,
        user=active_mentor,
        outcome=outcome,
        summary="Clear goals; add a finance course.",
    )
    plan.refresh_from_db()
    assert plan.status == expected
    assert review.mentorship.mentor.user == active_mentor
    assert mail.outbox[-1].to == [physician.email]


def test_only_an_active_mentor_reviews_or_comments(physician, mentor, run):
    plan = CareerPlan.objects.create(owner=physician, pathway=PathwayFactory())
    with pytest.raises(PermissionDenied):
        run(plan_review_submit, plan=plan, user=mentor, outcome="noted", summary="Hi")
    with pytest.raises(PermissionDenied):
        run(plan_comment_add, plan=plan, author=mentor, body="Hi")
    assert not plan.reviews.exists() and not plan.comments.exists()
