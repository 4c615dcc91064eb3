"""Every mentoring event is an in-site notice and an email, by the topic's choice."""

import datetime

import pytest
from django.core import mail

from cmo_portal import clock
from cmo_portal.notifications.models import Notice, NoticeChoice, NotificationPreferences, Topic
from mentors.services.agreements import agreement_propose
from mentors.services.meetings import meeting_propose
from mentors.services.mentorships import mentorship_request_create
from tests.factories import CareerPlanFactory, MentorProfileFactory, PlanGoalFactory

pytestmark = pytest.mark.django_db


def choose(user, topic: str, choice: str) -> None:
    NotificationPreferences.objects.update_or_create(
        user=user, defaults={f"notice_{topic}": choice}
    )


def test_a_request_tells_the_mentor_in_the_site_and_by_email(run, physician):
    mentor = MentorProfileFactory()
    request = run(
        mentorship_request_create, mentee=physician, mentor=mentor, message="Your advice, please."
    )
    [notice] = Notice.objects.filter(user=mentor.user)
    assert notice.topic == Topic.REQUEST
    assert notice.text == "Dr Ada Owner asked you to be their mentor"
    assert notice.url == request.get_absolute_url()
    assert [message.to for message in mail.outbox] == [[mentor.user.email]]


def test_site_only_keeps_the_notice_and_sends_no_email(run, physician):
    mentor = MentorProfileFactory()
    choose(mentor.user, Topic.REQUEST, NoticeChoice.SITE_ONLY)
    run(mentorship_request_create, mentee=physician, mentor=mentor, message="Your advice?")
    assert Notice.objects.filter(user=mentor.user, topic=Topic.REQUEST).count() == 1
    assert mail.outbox == []


def test_off_sends_neither(run, physician):
    mentor = MentorProfileFactory()
    choose(mentor.user, Topic.REQUEST, NoticeChoice.OFF)
    run(mentorship_request_create, mentee=physician, mentor=mentor, message="Your advice?")
    assert not Notice.objects.filter(user=mentor.user).exists()
    assert mail.outbox == []


def test_proposed_meeting_times_are_a_notice_for_the_mentor(run, physician, active_mentor):
    mentorship = physician.mentorships.get()
    soon = clock.now() + datetime.timedelta(days=2)
    meeting = run(
        meeting_propose, mentorship=mentorship, user=physician, topic="Interviews", times=[soon]
    )
    [notice] = Notice.objects.filter(user=active_mentor, topic=Topic.MEETING)
    assert notice.text == "Dr Ada Owner proposed times for a meeting: pick one"
    assert notice.url == meeting.get_absolute_url()


def test_a_meeting_email_goes_by_the_meeting_topic(run, physician, active_mentor):
    choose(active_mentor, Topic.MEETING, NoticeChoice.SITE_ONLY)
    soon = clock.now() + datetime.timedelta(days=2)
    run(
        meeting_propose,
        mentorship=physician.mentorships.get(),
        user=physician,
        topic="Interviews",
        times=[soon],
    )
    assert Notice.objects.filter(user=active_mentor, topic=Topic.MEETING).count() == 1
    assert mail.outbox == []


def test_a_proposed_agreement_asks_the_other_side_to_confirm(run, physician, active_mentor):
    run(
        agreement_propose,
        mentorship=physician.mentorships.get(),
        user=physician,
        goals=[PlanGoalFactory(plan=CareerPlanFactory(owner=physician))],
        cadence="monthly",
        meeting_format="video",
        confidentiality="What we say stays between us.",
        ends_on=clock.today() + datetime.timedelta(days=180),
    )
    [notice] = Notice.objects.filter(user=active_mentor, topic=Topic.AGREEMENT)
    assert "proposed an agreement" in notice.text
    assert notice.url.endswith("#agreement")
