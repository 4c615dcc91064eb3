"""The mentorship pages: the request form, the mentorship page and its answers, the
mentor's dashboard and the physician's mentors. Each page also shows who is refused and
that a refusal changes nothing."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mentors.models.feedback import PlanComment
from mentors.models.mentorships import Mentorship, MentorshipStatus
from mentors.models.profiles import MentorProfile
from pathways.models.plan import CareerPlan, PlanGoal
from tests.factories import (
    MentorshipFactory,
    PathwayFactory,
    ProfileFactory,
    fill,
    make_mentor,
)
from tests.mentors.mentorships import status_of
from tests.pages import client_for, page_text, textarea_value

pytestmark = pytest.mark.django_db

PROFILE_EDIT = reverse("mentors:profile-edit")
DASHBOARD = reverse("mentors:dashboard")
MESSAGE = "I lead our sepsis programme and would value advice on moving into a CMO role."


# --- The request form ----------------------------------------------------------------


def request_url(profile: MentorProfile) -> str:
    return reverse("mentors:request", args=[profile.pk])


def test_the_request_form_shows_the_form(client, physician, mentor):
    client.force_login(physician)
    response = client.get(request_url(mentor.mentor_profile))
    assert response.status_code == 200
    page = page_text(response)
    assert 'name="message"' in page
    assert "Dr Cy Mentor" in page


def test_a_valid_request_creates_a_mentorship_and_emails_the_mentor(
    client, physician, mentor, django_capture_on_commit_callbacks
):
    client.force_login(physician)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(request_url(mentor.mentor_profile), {"message": MESSAGE})

    mentorship = Mentorship.objects.get()
    assert (mentorship.mentee, mentorship.mentor.user) == (physician, mentor)
    assert mentorship.status == MentorshipStatus.REQUESTED
    assert mentorship.message == MESSAGE
    assert response.status_code == 302
    assert response.url == reverse("mentors:mentorship", args=[mentorship.pk])
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [mentor.email]
    assert email.subject == "Dr Ada Owner asks you to be their mentor"


def assert_refused(response, message: str, typed: str) -> None:
    """A 400 page that says why, keeps what was typed, and saved nothing."""
    assert response.status_code == 400
    assert message in page_text(response)
    assert textarea_value(response, "message") == typed
    assert not Mentorship.objects.filter(message=typed).exists()


def test_a_mentor_cannot_ask_themselves(client, mentor):
    client.force_login(mentor)
    response = client.post(request_url(mentor.mentor_profile), {"message": MESSAGE})
    assert_refused(response, "You cannot ask yourself to be your mentor.", MESSAGE)
    assert Mentorship.objects.count() == 0


def test_a_request_to_an_unapproved_mentor_is_404(client, physician):
    application = make_mentor("Dr Applicant", status="pending")
    client.force_login(physician)

    assert client.get(request_url(application)).status_code == 404
    assert client.post(request_url(application), {"message": MESSAGE}).status_code == 404
    assert Mentorship.objects.count() == 0


def test_a_request_to_a_mentor_at_capacity_is_refused(client, physician):
    full = make_mentor("Dr Full", capacity=1)
    fill(full)
    client.force_login(physician)

    response = client.post(request_url(full), {"message": MESSAGE})

    assert_refused(response, "Dr Full has no free places at the moment.", MESSAGE)
    assert not Mentorship.objects.filter(mentee=physician).exists()


def test_a_request_to_a_paused_mentor_is_refused(client, physician):
    paused = make_mentor("Dr Paused", accepting_requests=False)
    client.force_login(physician)

    response = client.post(request_url(paused), {"message": MESSAGE})

    assert_refused(response, "Dr Paused has paused new requests for now.", MESSAGE)


def test_a_duplicate_request_is_refused(
    client, physician, mentor, django_capture_on_commit_callbacks
):
    first = MentorshipFactory(mentee=physician, mentor=mentor.mentor_profile)
    client.force_login(physician)
    again = "Just checking you received my request from last week, thank you!"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(request_url(mentor.mentor_profile), {"message": again})

    assert_refused(response, "You already have a request or a mentorship with Dr Cy Mentor.", again)
    assert list(Mentorship.objects.all()) == [first]
    assert mail.outbox == []


def test_a_too_short_message_is_refused_and_kept(client, physician, mentor):
    client.force_login(physician)

    response = client.post(request_url(mentor.mentor_profile), {"message": "Help me"})

    assert_refused(response, "at least 20 characters", "Help me")
    assert response.context["form"]["message"].value() == "Help me"
    assert Mentorship.objects.count() == 0


def test_a_request_naming_another_physicians_goal_is_refused(client, physician, mentor):
    stranger = ProfileFactory().user
    plan = CareerPlan.objects.create(owner=stranger, pathway=PathwayFactory())
    goal = PlanGoal.objects.create(plan=plan, title="Their goal", section="networks")
    client.force_login(physician)

    response = client.post(
        request_url(mentor.mentor_profile), {"message": MESSAGE, "goals": [goal.pk]}
    )

    assert response.status_code == 400
    assert Mentorship.objects.count() == 0


# --- The mentorship page and its answers ---------------------------------------------


def act(user, name: str, mentorship: Mentorship, data: dict | None = None, **kwargs):
    return client_for(user).post(
        reverse(f"mentors:{name}", args=[mentorship.pk]), data or {}, **kwargs
    )


def test_the_mentorship_page_is_seen_by_both_sides_and_support_only(
    physician, mentor, other_physician, active_mentor, staff, curriculum_editor, support, requested
):
    url = reverse("mentors:mentorship", args=[requested.pk])
    for user in (physician, mentor, support):
        assert client_for(user).get(url).status_code == 200
    for user in (other_physician, active_mentor, staff, curriculum_editor):
        assert client_for(user).get(url).status_code == 404


def test_the_mentor_accepts_and_the_physician_is_emailed(
    physician, mentor, requested, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = act(mentor, "accept", requested)

    assert response.status_code == 302
    assert response.url == reverse("mentors:mentorship", args=[requested.pk])
    assert status_of(requested) == MentorshipStatus.ACTIVE
    assert requested.started_at is not None
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([physician.email], "Dr Cy Mentor will be your mentor")
    ]


def test_the_mentor_declines_with_a_reason_and_the_physician_is_emailed(
    physician, mentor, requested, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        act(mentor, "decline", requested, {"reason": "I am away for three months."})

    assert status_of(requested) == MentorshipStatus.DECLINED
    assert requested.decline_reason == "I am away for three months."
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([physician.email], "Dr Cy Mentor cannot take on your request")
    ]


def test_the_mentor_asks_a_question_and_the_physician_is_emailed(
    physician, mentor, requested, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        act(mentor, "ask", requested, {"question": "Which hospital do you work in?"})

    assert status_of(requested) == MentorshipStatus.NEEDS_INFO
    assert requested.question == "Which hospital do you work in?"
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([physician.email], "Dr Cy Mentor has a question about your request")
    ]


def test_an_empty_question_is_refused_with_a_message(mentor, requested):
    response = act(mentor, "ask", requested, {"question": ""}, follow=True)
    assert status_of(requested) == MentorshipStatus.REQUESTED
    assert "This field is required." in page_text(response)
    assert mail.outbox == []


def test_the_physician_answers_and_the_mentor_is_emailed(
    physician, mentor, requested, django_capture_on_commit_callbacks
):
    Mentorship.objects.filter(pk=requested.pk).update(
        status=MentorshipStatus.NEEDS_INFO, question="Which hospital?"
    )

    with django_capture_on_commit_callbacks(execute=True):
        act(physician, "answer", requested, {"answer": "St Mary's, a 400-bed hospital."})

    assert status_of(requested) == MentorshipStatus.REQUESTED
    assert requested.answer == "St Mary's, a 400-bed hospital."
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([mentor.email], "Dr Ada Owner answered your question")
    ]


def test_the_physician_withdraws_a_request(physician, mentor, requested):
    response = act(physician, "withdraw", requested, follow=True)

    assert status_of(requested) == MentorshipStatus.WITHDRAWN
    assert "Your request was withdrawn." in page_text(response)


@pytest.mark.parametrize(
    ("ender", "told", "subject"),
    [
        ("physician", "mentor", "Dr Ada Owner has ended your mentorship"),
        ("mentor", "physician", "Dr Cy Mentor has ended your mentorship"),
    ],
)
def test_either_side_ends_a_mentorship_and_the_other_is_emailed(
    request, requested, django_capture_on_commit_callbacks, ender, told, subject
):
    Mentorship.objects.filter(pk=requested.pk).update(status=MentorshipStatus.ACTIVE)
    ender_user = request.getfixturevalue(ender)
    told_user = request.getfixturevalue(told)

    with django_capture_on_commit_callbacks(execute=True):
        act(ender_user, "end", requested, {"reason": "We met the goals we set."})

    assert status_of(requested) == MentorshipStatus.ENDED
    assert requested.ended_by == ender_user
    assert requested.end_reason == "We met the goals we set."
    assert [(m.to, m.subject) for m in mail.outbox] == [([told_user.email], subject)]


@pytest.mark.parametrize("action", ["accept", "decline", "ask", "answer", "withdraw", "end"])
def test_a_tampered_mentorship_id_is_404(physician, mentor, requested, action):
    missing = Mentorship(pk=requested.pk + 1000)
    response = act(mentor, action, missing, {"reason": "x", "question": "x", "answer": "x"})
    assert response.status_code == 404
    assert status_of(requested) == MentorshipStatus.REQUESTED


@pytest.mark.parametrize("action", ["accept", "decline", "ask"])
def test_the_mentee_cannot_answer_their_own_request_as_mentor(physician, requested, action):
    response = act(physician, action, requested, {"reason": "x", "question": "Why?"})
    assert response.status_code == 403
    assert status_of(requested) == MentorshipStatus.REQUESTED
    assert mail.outbox == []


def test_the_mentor_cannot_withdraw_or_answer_for_the_physician(mentor, requested):
    assert act(mentor, "withdraw", requested).status_code == 403
    Mentorship.objects.filter(pk=requested.pk).update(status=MentorshipStatus.NEEDS_INFO)
    assert act(mentor, "answer", requested, {"answer": "Myself"}).status_code == 403
    assert status_of(requested) == MentorshipStatus.NEEDS_INFO


def test_a_stranger_cannot_act_on_a_mentorship(other_physician, requested):
    assert act(other_physician, "accept", requested).status_code == 404
    assert act(other_physician, "withdraw", requested).status_code == 404
    assert status_of(requested) == MentorshipStatus.REQUESTED


def test_accepting_when_full_is_refused_with_a_message(mentor, requested):
    fill(mentor.mentor_profile)

    response = act(mentor, "accept", requested, follow=True)

    assert status_of(requested) == MentorshipStatus.REQUESTED
    assert "You already mentor 2 of the 2 people you offered to." in page_text(response)


def test_accepting_an_answered_request_again_changes_nothing(mentor, requested):
    Mentorship.objects.filter(pk=requested.pk).update(status=MentorshipStatus.DECLINED)

    response = act(mentor, "accept", requested, follow=True)

    assert status_of(requested) == MentorshipStatus.DECLINED
    assert "can no longer be answered" in page_text(response)


def test_the_answers_refuse_get(mentor, requested):
    response = client_for(mentor).get(reverse("mentors:accept", args=[requested.pk]))
    assert response.status_code == 405
    assert status_of(requested) == MentorshipStatus.REQUESTED


# --- The dashboard -------------------------------------------------------------------


def test_the_dashboard_sends_a_user_without_a_mentor_profile_to_the_form(client, physician):
    client.force_login(physician)
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url == PROFILE_EDIT


def test_the_dashboard_shows_pending_requests_and_mentees(
    physician, other_physician, active_mentor
):
    profile = MentorProfile.objects.get(user=active_mentor)
    pending = MentorshipFactory(mentee=other_physician, mentor=profile)

    response = client_for(active_mentor).get(DASHBOARD)

    assert response.status_code == 200
    board = response.context["board"]
    assert board.pending == [pending]
    assert [row.mentorship.mentee for row in board.mentees] == [physician]
    page = page_text(response)
    assert "Dr Bo Stranger" in page
    assert "Dr Ada Owner" in page
    assert reverse("mentors:mentorship", args=[pending.pk]) in page


# --- The physician's mentors ---------------------------------------------------------


def test_the_physician_sees_their_mentors_requests_and_latest_advice(
    physician, mentor, active_mentor, other_physician
):
    MentorshipFactory(mentee=physician, mentor=mentor.mentor_profile)
    plan = CareerPlan.objects.create(owner=physician, pathway=PathwayFactory())
    PlanComment.objects.create(plan=plan, author=active_mentor, body="Book time with the CFO.")
    MentorshipFactory(mentee=other_physician, mentor=make_mentor("Dr Not Mine"))

    response = client_for(physician).get(reverse("mentors:mentorships"))

    assert response.status_code == 200
    assert [m.mentor.user for m in response.context["active"]] == [active_mentor]
    assert [m.mentor.user for m in response.context["open"]] == [mentor]
    page = page_text(response)
    assert "Dr Di Active" in page and "Dr Cy Mentor" in page
    assert "Book time with the CFO." in page
    assert "Dr Not Mine" not in page


def test_a_declined_physician_is_told_when_they_may_ask_again(physician, mentor):
    profile = mentor.mentor_profile
    MentorshipFactory(
        mentee=physician, mentor=profile, status="declined", responded_at=timezone.now()
    )
    response = client_for(physician).get(reverse("mentors:detail", kwargs={"pk": profile.pk}))
    assert response.status_code == 200
    assert "declined your last request" in page_text(response)
    assert reverse("mentors:request", kwargs={"pk": profile.pk}) not in response.text


def test_the_pages_that_ask_for_mentoring_give_the_expiry_the_requests_have(physician, monkeypatch):
    monkeypatch.setattr(
        "mentors.templatetags.mentoring.REQUEST_EXPIRES_AFTER", datetime.timedelta(days=5)
    )
    profile = make_mentor("Dr Ada Lane")
    client = client_for(physician)

    for url in (
        reverse("mentors:detail", kwargs={"pk": profile.pk}),
        reverse("mentors:request", args=[profile.pk]),
    ):
        page = page_text(client.get(url))
        assert "within 5 days" in page, url
        assert "within 3 days" not in page, url
