"""The end of a mentorship: each side gives short feedback once, on the mentorship's
page; the mentee may let it show, without their name, on the mentor's profile, and take
that back; staff with the figures permission see totals in the admin, nobody else does."""

import datetime
import re

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from cmo_portal import clock
from cmo_portal.notifications.models import EmailLog
from mentors.models.agreements import EndFeedback
from mentors.models.mentorships import Mentorship
from mentors.selectors.endings import mentoring_figures
from mentors.services.endings import end_feedback_give
from mentors.services.mentorships import mentorship_end
from tests.factories import (
    CareerPlanFactory,
    EndFeedbackFactory,
    MentorshipAgreementFactory,
    MentorshipFactory,
    PlanGoalFactory,
)
from tests.pages import client_for

pytestmark = pytest.mark.django_db

FIGURES = reverse("admin:mentors_mentoringfigures_changelist")


@pytest.fixture
def ended(physician, active_mentor) -> Mentorship:
    mentorship = Mentorship.objects.get(mentee=physician, mentor__user=active_mentor)
    return mentorship_end(mentorship=mentorship, user=physician, reason="Done.")


def feedback_url(mentorship) -> str:
    return reverse("mentors:end-feedback", kwargs={"pk": mentorship.pk})


def answers(**changes) -> dict:
    return {"helped": "yes", "would_again": "yes", "comment": "Clear and kind.", **changes}


def test_each_side_sees_the_feedback_form_once_the_mentorship_has_ended(physician, active_mentor):
    mentorship = Mentorship.objects.get(mentee=physician)
    before = client_for(physician).get(mentorship.get_absolute_url())
    assert before.context["end_feedback"]["form"] is None
    mentorship_end(mentorship=mentorship, user=active_mentor)

    mentee_page = client_for(physician).get(mentorship.get_absolute_url())
    mentor_page = client_for(active_mentor).get(mentorship.get_absolute_url())

    assert "Send my feedback" in mentee_page.content.decode()
    assert "Send my feedback" in mentor_page.content.decode()
    assert "show_on_profile" in mentee_page.context["end_feedback"]["form"].fields
    assert "show_on_profile" not in mentor_page.context["end_feedback"]["form"].fields


def test_feedback_is_saved_once_and_the_other_side_is_invited_once(
    run, ended, physician, active_mentor
):
    client = client_for(physician)
    page = client.get(ended.get_absolute_url()).content.decode()
    token = re.search(r'name="once_token" value="([^"]+)"', page).group(1)
    data = {**answers(), "once_token": token}

    first = client.post(feedback_url(ended), data)
    again = client.post(feedback_url(ended), data, follow=True)
    other_token = client.post(feedback_url(ended), {**answers(helped="no")}, follow=True)

    assert first.status_code == 302
    assert "That was already sent." in again.content.decode()
    assert "That was already sent." in other_token.content.decode()
    feedback = EndFeedback.objects.get()
    assert (feedback.side, feedback.helped, feedback.would_again) == ("mentee", "yes", True)
    invites = EmailLog.objects.filter(period_key__endswith="feedback-invite")
    assert [log.user for log in invites] == [active_mentor]
    with pytest.raises(ValidationError, match="already given"):
        end_feedback_give(mentorship=ended, user=physician, helped="no", would_again=False)

    run(end_feedback_give, mentorship=ended, user=active_mentor, helped="partly", would_again=True)
    assert EndFeedback.objects.count() == 2
    assert invites.count() == 1  # the mentee gave theirs already: no invitation back


def test_a_form_with_a_mistake_keeps_what_was_typed(ended, physician):
    response = client_for(physician).post(
        feedback_url(ended), {"would_again": "maybe", "comment": "My words stay here."}
    )

    assert response.status_code == 400
    assert "My words stay here." in response.content.decode()
    assert not EndFeedback.objects.exists()


def test_the_goals_offered_are_those_the_mentorship_worked_on(ended, physician, active_mentor):
    plan = CareerPlanFactory(owner=physician)
    asked, agreed, other = (PlanGoalFactory(plan=plan, title=t) for t in ("Ask", "Agree", "No"))
    ended.goals.set([asked])
    MentorshipAgreementFactory(mentorship=ended).goals.set([agreed])
    form = client_for(active_mentor).get(feedback_url(ended)).context["form"]
    assert {pk for pk, _ in form.fields["goals"].choices} == {asked.pk, agreed.pk}

    refused = client_for(active_mentor).post(feedback_url(ended), answers(goals=[other.pk]))
    saved = client_for(physician).post(feedback_url(ended), answers(goals=[agreed.pk]))

    assert refused.status_code == 400
    assert saved.status_code == 302
    assert list(EndFeedback.objects.get().goals.all()) == [agreed]


def test_only_the_mentees_consent_shows_feedback_on_the_mentor_profile_and_it_can_be_taken_back(
    ended, physician, active_mentor, other_physician
):
    client_for(active_mentor).post(feedback_url(ended), answers(show_on_profile="on"))
    client_for(physician).post(
        feedback_url(ended), answers(comment="She opened doors.", show_on_profile="on")
    )
    profile = reverse("mentors:detail", kwargs={"pk": ended.mentor_id})

    shown = client_for(other_physician).get(profile).content.decode()

    assert EndFeedback.objects.get(side="mentor").show_on_profile is False
    assert "She opened doors." in shown and "Clear and kind." not in shown
    assert physician.get_full_name() not in shown

    hide = reverse("mentors:end-feedback-hide", kwargs={"pk": ended.pk})
    assert client_for(active_mentor).post(hide).status_code == 403
    assert client_for(physician).post(hide).status_code == 302
    assert client_for(physician).post(hide).status_code == 302  # a second click: no change
    assert "She opened doors." not in client_for(other_physician).get(profile).content.decode()


def test_feedback_waits_for_the_end(physician, active_mentor):
    mentorship = Mentorship.objects.get(mentee=physician)
    response = client_for(physician).post(feedback_url(mentorship), answers())
    assert response.status_code == 302
    assert not EndFeedback.objects.exists()


def test_nobody_else_gives_feedback(ended, other_physician, mentor, support):
    assert client_for(other_physician).post(feedback_url(ended), answers()).status_code == 404
    assert client_for(mentor).get(feedback_url(ended)).status_code == 404
    assert client_for(support).post(feedback_url(ended), answers()).status_code == 403
    assert client_for(None).post(feedback_url(ended), answers()).status_code == 302
    assert not EndFeedback.objects.exists()


# --- The figures in the admin --------------------------------------------------------


def test_the_figures_count_mentorships_their_length_and_the_feedback():
    now = clock.now()
    MentorshipFactory(status="active", started_at=now)
    MentorshipFactory(status="requested")
    for days in (10, 30):
        mentorship = MentorshipFactory(
            status="ended", started_at=now - datetime.timedelta(days=days), ended_at=now
        )
        EndFeedbackFactory(mentorship=mentorship, helped="yes" if days == 10 else "no")
    EndFeedbackFactory(mentorship=mentorship, side="mentor", helped="partly", would_again=False)

    figures = mentoring_figures()

    assert (figures.started, figures.active, figures.ended) == (3, 1, 2)
    assert figures.average_days == 20
    mentees, mentors = figures.feedback
    assert (mentees.given, mentees.helped, mentees.not_helped, mentees.helped_share) == (
        2,
        1,
        1,
        50,
    )
    assert (mentors.given, mentors.helped_partly, mentors.would_again) == (1, 1, 0)


def test_no_mentorship_yet_shows_zeros_not_an_error():
    figures = mentoring_figures()
    assert (figures.started, figures.average_days, figures.feedback[0].helped_share) == (
        0,
        None,
        None,
    )


def test_the_figures_page_needs_its_own_permission(staff, curriculum_editor, superuser, support):
    assert client_for(staff).get(FIGURES).status_code == 403
    assert client_for(curriculum_editor).get(FIGURES).status_code == 403
    assert client_for(support).get(FIGURES).status_code == 302  # not staff: the admin's login
    staff.user_permissions.add(Permission.objects.get(codename="view_mentoringfigures"))

    granted = client_for(staff).get(FIGURES)

    assert granted.status_code == 200
    assert "Average length" in granted.content.decode()
    assert client_for(superuser).get(FIGURES).status_code == 200
    index = client_for(curriculum_editor).get(reverse("admin:index")).content.decode()
    assert "Mentoring figures" not in index


@pytest.mark.parametrize("size", [1, 30])
def test_the_figures_page_queries_do_not_grow(superuser, size, django_assert_max_num_queries):
    for _ in range(size):
        EndFeedbackFactory(mentorship=MentorshipFactory(status="ended", started_at=clock.now()))
    client = client_for(superuser)

    with django_assert_max_num_queries(FIGURES_BUDGET):
        response = client.get(FIGURES)

    assert response.context["figures"].ended == size


# The admin's own three (session, user, second factor) and three for the figures.
FIGURES_BUDGET = 6


@pytest.mark.parametrize("size", [1, 30])
def test_the_mentor_profile_queries_do_not_grow_with_feedback(
    active_mentor, other_physician, size, django_assert_max_num_queries
):
    profile = active_mentor.mentor_profile
    for _ in range(size):
        mentorship = MentorshipFactory(mentor=profile, status="ended")
        EndFeedbackFactory(mentorship=mentorship, show_on_profile=True, comment="Good.")
    client = client_for(other_physician)

    with django_assert_max_num_queries(PROFILE_BUDGET):
        response = client.get(reverse("mentors:detail", kwargs={"pk": profile.pk}))

    assert len(response.context["mentee_feedback"]) == min(size, 10)


# The mentor's page as it was (8), and one query for what mentees agreed to show.
PROFILE_BUDGET = 9
