"""The mentorship page with every part full costs what it costs nearly empty."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mentors.models.messages import Message
from tests.factories import (
    CareerPlanFactory,
    MeetingFactory,
    MentorshipAgreementFactory,
    PlanGoalFactory,
    ProposedTimeFactory,
)
from tests.mentors.budgets import MENTORSHIP_PAGE_BUDGET
from tests.pages import client_for, page_text

pytestmark = pytest.mark.django_db


def filled(physician, active_mentor, size: int):
    mentorship = physician.mentorships.get()
    goals = [PlanGoalFactory(plan=CareerPlanFactory(owner=physician)) for _ in range(3)]
    mentorship.goals.set(goals)
    for version in range(1, size + 1):
        MentorshipAgreementFactory(mentorship=mentorship, version=version).goals.set(goals)
    for _ in range(size):
        ProposedTimeFactory.create_batch(2, meeting=MeetingFactory(mentorship=mentorship))
    people = (active_mentor, physician)
    Message.objects.bulk_create(
        Message(
            mentorship=mentorship,
            sender=people[index % 2],
            recipient=people[(index + 1) % 2],
            body=f"Message {index}",
        )
        for index in range(size)
    )
    return mentorship


def page_queries(reader, mentorship) -> tuple[int, str]:
    client = client_for(reader)
    client.get(mentorship.get_absolute_url())  # the session and caches warmed, as in use
    with CaptureQueriesContext(connection) as queries:
        response = client.get(mentorship.get_absolute_url())
    assert response.status_code == 200
    return len(queries), page_text(response)


@pytest.mark.parametrize("reader", ["mentee", "mentor"])
def test_the_mentorship_page_costs_the_same_at_1_and_200_of_everything(
    physician, active_mentor, other_physician, reader
):
    small = filled(physician, active_mentor, 1)
    small_count, _ = page_queries(physician if reader == "mentee" else active_mentor, small)

    # A second pair, with 200 of every part: messages, meetings, agreement versions.
    from tests.factories import MentorProfileFactory, MentorshipFactory

    big_mentor = MentorProfileFactory().user
    MentorshipFactory(mentee=other_physician, mentor=big_mentor.mentor_profile, status="active")
    big = filled(other_physician, big_mentor, 200)
    big_count, text = page_queries(other_physician if reader == "mentee" else big_mentor, big)

    assert big_count == small_count <= MENTORSHIP_PAGE_BUDGET
    assert "Message 199" in text
