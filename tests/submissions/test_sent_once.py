"""Every POST that changes something has one effect, however often it is sent: a double
click, or Back and send again. Forms that create carry a one-time token; the answers to a
mentorship request are refused a second time by their state check, kindly."""

import datetime
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.models import RatingSet
from cmo_portal.submissions.models import SubmittedForm
from cmo_portal.submissions.services import (
    AlreadySent,
    form_sent_once,
    form_token_new,
    submitted_forms_forget,
)
from cmo_portal.submissions.tasks import submitted_forms_forget as forget_task
from mentors.models.feedback import PlanComment, PlanReview
from mentors.models.mentorships import Mentorship, MentorshipStatus
from pathways.models.plan import (
    CareerPlan,
    PlanAction,
    PlanChange,
    PlanGoal,
)
from tests.factories import MentorshipFactory, complete_assessment, submit_ratings
from tests.pages import client_for, page_text

pytestmark = pytest.mark.django_db

ALREADY_SENT = "That was already sent."


def token_in(response, action: str | None = None) -> str:
    """The one-time token of the page's form (the one posting to `action`, if given)."""
    page = response.content.decode()
    if action is not None:
        start = page.index(f'action="{action}"')
        page = page[start : page.index("</form>", start)]
    tokens = re.findall(r'name="once_token" value="([^"]+)"', page)
    assert len(tokens) == 1, tokens
    return tokens[0]


def twice(client, url: str, data: dict, capture) -> tuple:
    """Post the same form twice, each after the other's commit, emails delivered."""
    responses = []
    for _ in range(2):
        with capture(execute=True):
            responses.append(client.post(url, data))
    return tuple(responses)


def told_already_sent(client, response) -> bool:
    return ALREADY_SENT in page_text(client.get(response.url))


# --- The one-time token ----------------------------------------------------------------


def test_a_token_runs_its_block_once_and_the_second_time_says_where_the_first_led(physician):
    token = form_token_new()
    with form_sent_once(user=physician, token=token) as sending:
        sending.leads_to = "/plans/7/#goal-3"

    ran = False
    with pytest.raises(AlreadySent) as repeat, form_sent_once(user=physician, token=token):
        ran = True

    assert ran is False
    assert repeat.value.leads_to == "/plans/7/#goal-3"
    assert SubmittedForm.objects.get().user == physician


def test_a_refused_sending_leaves_the_token_free_for_the_corrected_form(physician):
    token = form_token_new()
    with pytest.raises(ValidationError), form_sent_once(user=physician, token=token):
        raise ValidationError("Write a comment before sending it.")
    assert not SubmittedForm.objects.exists()

    with form_sent_once(user=physician, token=token) as sending:
        sending.leads_to = "/plans/"
    assert SubmittedForm.objects.count() == 1


def test_another_persons_token_does_not_lead_to_what_they_made(physician, other_physician):
    token = form_token_new()
    with form_sent_once(user=physician, token=token) as sending:
        sending.leads_to = "/plans/7/"

    with pytest.raises(AlreadySent) as repeat, form_sent_once(user=other_physician, token=token):
        pass
    assert repeat.value.leads_to == ""


def test_tokens_older_than_30_days_are_forgotten_by_the_daily_task(physician, on_date):
    on_date(datetime.date(2026, 1, 1))
    with form_sent_once(user=physician, token=form_token_new()):
        pass
    on_date(datetime.date(2026, 1, 25))
    with form_sent_once(user=physician, token=form_token_new()):
        pass

    on_date(datetime.date(2026, 2, 5))
    assert forget_task.delay().get() == 1
    assert submitted_forms_forget() == 0
    assert SubmittedForm.objects.count() == 1
    schedule = settings.CELERY_BEAT_SCHEDULE["forget-old-form-tokens"]
    assert schedule["task"] == "cmo_portal.submissions.tasks.submitted_forms_forget"


# --- Comments and reviews --------------------------------------------------------------


def test_a_comment_sent_twice_is_one_comment_and_one_email(
    physician, active_mentor, plan, goal, django_capture_on_commit_callbacks
):
    client = client_for(active_mentor)
    url = reverse("mentors:comment-add", args=[plan.pk])
    token = token_in(client.get(plan.get_absolute_url()), action=url)

    first, second = twice(
        client,
        url,
        {"body": "Ask the CEO to sponsor it.", "goal": goal.pk, "once_token": token},
        django_capture_on_commit_callbacks,
    )

    comment = PlanComment.objects.get()
    assert first.url == second.url == plan.get_absolute_url() + f"#comment-{comment.pk}"
    assert told_already_sent(client, second)
    assert [m.to for m in mail.outbox] == [[physician.email]]


def test_back_then_a_different_comment_on_the_same_page_is_a_new_comment(
    physician, active_mentor, plan, goal, django_capture_on_commit_callbacks
):
    """The token stops the same form sent twice, not a second thing typed into it: the
    page put back by Back carries the first token, and what was typed then is kept."""
    client = client_for(active_mentor)
    url = reverse("mentors:comment-add", args=[plan.pk])
    token = token_in(client.get(plan.get_absolute_url()), action=url)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url, {"body": "Ask the CEO to sponsor it.", "goal": goal.pk, "once_token": token}
        )
        client.post(url, {"body": "And the CFO too.", "goal": goal.pk, "once_token": token})
        client.post(url, {"body": "And the CFO too.", "goal": goal.pk, "once_token": token})

    assert sorted(PlanComment.objects.values_list("body", flat=True)) == [
        "And the CFO too.",
        "Ask the CEO to sponsor it.",
    ]
    assert len(mail.outbox) == 2


def test_an_overlong_token_is_no_guard_and_no_error(physician, active_mentor, plan, goal):
    client = client_for(active_mentor)
    url = reverse("mentors:comment-add", args=[plan.pk])
    response = client.post(url, {"body": "Fine.", "goal": goal.pk, "once_token": "x" * 64})
    assert response.status_code == 302
    assert PlanComment.objects.count() == 1


def test_a_review_sent_twice_is_one_review_and_one_email(
    physician, active_mentor, plan, django_capture_on_commit_callbacks
):
    client = client_for(active_mentor)
    url = reverse("mentors:plan-review", args=[plan.pk])
    token = token_in(client.get(url))

    _, second = twice(
        client,
        url,
        {"outcome": "noted", "summary": "A sound start.", "once_token": token},
        django_capture_on_commit_callbacks,
    )

    review = PlanReview.objects.get()
    assert second.url == plan.get_absolute_url() + f"#review-{review.pk}"
    assert told_already_sent(client, second)
    assert [m.to for m in mail.outbox] == [[physician.email]]


# --- Ratings ---------------------------------------------------------------------------


def test_ratings_submitted_again_after_back_make_one_rating_set(
    physician,
    curriculum,
    django_capture_on_commit_callbacks,
):
    complete_assessment(physician, curriculum["pharma"])
    client = client_for(physician)
    url = reverse("assessments:rubric") + "?scope=all"
    token = token_in(client.get(url))
    data = {f"level_{c.pk}": "2" for c in curriculum["competencies"].values()}
    data.update(action="submit", once_token=token)

    first, second = twice(client, url, data, django_capture_on_commit_callbacks)

    assert RatingSet.objects.submitted().filter(subject=physician).count() == 1
    assert first.url == second.url == reverse("assessments:results")
    assert told_already_sent(client, second)


def test_the_rating_history_tells_two_sets_of_one_day_apart_by_their_time(
    physician,
    curriculum,
    time_machine,
):
    physician.profile.time_zone = "Europe/London"  # GMT in March: the page shows UTC's hours
    physician.profile.save()
    levels = {c: 2 for c in curriculum["competencies"].values()}
    time_machine.move_to(datetime.datetime(2026, 3, 9, 9, 15, tzinfo=datetime.UTC), tick=False)
    submit_ratings(physician, levels)
    time_machine.move_to(datetime.datetime(2026, 3, 9, 16, 40, tzinfo=datetime.UTC), tick=False)
    submit_ratings(physician, levels)

    page = page_text(client_for(physician).get(reverse("assessments:history")))

    assert "9 Mar 2026, 09:15" in page
    assert "9 Mar 2026, 16:40" in page


# --- Mentorship requests and their answers ---------------------------------------------


def test_a_mentorship_request_sent_twice_is_one_request_and_one_email(
    physician, mentor, django_capture_on_commit_callbacks
):
    client = client_for(physician)
    url = reverse("mentors:request", args=[mentor.mentor_profile.pk])
    message = "I would value your advice on moving into a CMO role within two years."
    data = {"message": message, "once_token": token_in(client.get(url))}

    first, second = twice(client, url, data, django_capture_on_commit_callbacks)

    mentorship = Mentorship.objects.get()
    assert first.url == second.url == mentorship.get_absolute_url()
    assert told_already_sent(client, second)
    assert [m.to for m in mail.outbox] == [[mentor.email]]


@pytest.mark.parametrize(
    ("who", "name", "status", "data", "after"),
    [
        ("mentor", "accept", "requested", {}, MentorshipStatus.ACTIVE),
        ("mentor", "decline", "requested", {"reason": "I am away."}, MentorshipStatus.DECLINED),
        ("mentor", "ask", "requested", {"question": "Which hospital?"}, "needs_info"),
        ("physician", "answer", "needs_info", {"answer": "St Mary's."}, "requested"),
        ("physician", "withdraw", "requested", {}, MentorshipStatus.WITHDRAWN),
        ("physician", "end", "active", {"reason": "Goals met."}, MentorshipStatus.ENDED),
        ("mentor", "end", "active", {"reason": "Goals met."}, MentorshipStatus.ENDED),
    ],
)
def test_an_answer_to_a_request_sent_twice_acts_once_and_says_so_kindly(
    request, physician, mentor, who, name, status, data, after, django_capture_on_commit_callbacks
):
    question = "Which hospital?" if status == "needs_info" else ""
    mentorship = MentorshipFactory(
        mentee=physician, mentor=mentor.mentor_profile, status=status, question=question
    )
    client = client_for(request.getfixturevalue(who))
    url = reverse(f"mentors:{name}", args=[mentorship.pk])

    first, second = twice(client, url, data, django_capture_on_commit_callbacks)

    mentorship.refresh_from_db()
    assert mentorship.status == after
    assert first.status_code == second.status_code == 302
    assert second.url == mentorship.get_absolute_url()
    page = page_text(client.get(second.url))
    assert ALREADY_SENT in page
    assert "can no longer be answered" not in page
    assert len(mail.outbox) == 1


def test_an_answer_after_the_other_side_moved_on_still_says_why_it_was_refused(
    physician, mentor, django_capture_on_commit_callbacks
):
    mentorship = MentorshipFactory(mentee=physician, mentor=mentor.mentor_profile)
    client_for(physician).post(reverse("mentors:withdraw", args=[mentorship.pk]))

    response = client_for(mentor).post(reverse("mentors:accept", args=[mentorship.pk]), follow=True)

    assert "This request is withdrawn and can no longer be answered." in page_text(response)
    assert ALREADY_SENT not in page_text(response)


# --- The plan: generation, regeneration, goals and actions ------------------------------


@pytest.fixture
def rated(physician, curriculum):
    complete_assessment(physician, curriculum["pharma"])
    submit_ratings(physician, {c: 1 for c in curriculum["competencies"].values()})
    return curriculum


def test_building_a_plan_sent_twice_builds_it_once(
    physician, rated, django_capture_on_commit_callbacks
):
    client = client_for(physician)
    url = reverse("pathways:plan-create")
    token = token_in(client.get(reverse("pathways:plan-list")), action=url)

    first, second = twice(
        client,
        url,
        {"pathway": "pharma-cmo", "once_token": token},
        django_capture_on_commit_callbacks,
    )

    plan = CareerPlan.objects.get()
    assert plan.goals.exists()
    assert first.url == second.url == plan.get_absolute_url()
    assert told_already_sent(client, second)
    assert [c.summary.split(":")[0] for c in PlanChange.objects.all()] == ["Generated the plan"]


def test_updating_suggestions_sent_twice_updates_once(
    physician, rated, django_capture_on_commit_callbacks
):
    client = client_for(physician)
    client.post(reverse("pathways:plan-create"), {"pathway": "pharma-cmo"})
    plan = CareerPlan.objects.get()
    url = reverse("pathways:plan-regenerate", args=[plan.pk])
    token = token_in(client.get(plan.get_absolute_url()), action=url)

    _, second = twice(client, url, {"once_token": token}, django_capture_on_commit_callbacks)

    assert told_already_sent(client, second)
    summaries = [c.summary.split(":")[0] for c in PlanChange.objects.order_by("pk")]
    assert summaries == ["Generated the plan", "Regenerated the plan"]


def test_a_goal_added_twice_is_one_goal(physician, plan, django_capture_on_commit_callbacks):
    client = client_for(physician)
    url = reverse("pathways:goal-add", args=[plan.pk])
    data = {
        "title": "Lead the sepsis audit",
        "section": "experiential",
        "status": "not_started",
        "once_token": token_in(client.get(url)),
    }

    first, second = twice(client, url, data, django_capture_on_commit_callbacks)

    goal = PlanGoal.objects.get()
    assert first.url == second.url == f"{plan.get_absolute_url()}#goal-{goal.pk}"
    assert told_already_sent(client, second)


def test_an_action_added_twice_is_one_action(
    physician, plan, goal, django_capture_on_commit_callbacks
):
    client = client_for(physician)
    url = reverse("pathways:action-add", args=[goal.pk])
    data = {
        "title": "Book a meeting with the CFO",
        "goal": goal.pk,
        "status": "not_started",
        "once_token": token_in(client.get(url)),
    }

    first, second = twice(client, url, data, django_capture_on_commit_callbacks)

    action = PlanAction.objects.get()
    assert first.url == second.url == f"{plan.get_absolute_url()}#action-{action.pk}"
    assert told_already_sent(client, second)


def test_the_edit_forms_carry_no_token(physician, goal):
    response = client_for(physician).get(reverse("pathways:goal-edit", args=[goal.pk]))
    assert "once_token" not in response.content.decode()
    assert "data-submit-once" in response.content.decode()
