"""A mentor who goes takes their mentorships with them, closed, however they go: with
their account, or their mentor profile alone; and looking at what a deletion would do
(the personal-data walk, the admin's confirmation page) changes nothing."""

import pytest
from django.db.models.deletion import Collector
from django.urls import reverse

from cmo_portal.accounts.models import MENTOR_DELETED_REASON
from cmo_portal.accounts.personal_data import personal_data_of
from mentors.models.mentorships import Mentorship, MentorshipStatus
from tests.factories import MentorProfileFactory, MentorshipFactory

pytestmark = pytest.mark.django_db


def _one_of_each(mentor):
    return {
        status: MentorshipFactory(mentor=mentor, status=status)
        for status in (
            MentorshipStatus.REQUESTED,
            MentorshipStatus.NEEDS_INFO,
            MentorshipStatus.ACTIVE,
            MentorshipStatus.DECLINED,
        )
    }


def test_deleting_a_mentor_profile_withdraws_open_requests_and_ends_mentorships():
    mentor = MentorProfileFactory()
    rows = _one_of_each(mentor)

    mentor.delete()

    after = {status: Mentorship.objects.get(pk=row.pk) for status, row in rows.items()}
    assert after[MentorshipStatus.REQUESTED].status == MentorshipStatus.WITHDRAWN
    assert after[MentorshipStatus.NEEDS_INFO].status == MentorshipStatus.WITHDRAWN
    assert after[MentorshipStatus.ACTIVE].status == MentorshipStatus.ENDED
    for status in (MentorshipStatus.REQUESTED, MentorshipStatus.ACTIVE):
        assert after[status].end_reason == MENTOR_DELETED_REASON
        assert after[status].ended_at is not None
    declined = after[MentorshipStatus.DECLINED]
    assert declined.status == MentorshipStatus.DECLINED  # already closed: left as it was
    assert declined.end_reason == ""
    assert all(row.mentor_id is None for row in after.values())


def test_walking_what_a_deletion_would_do_changes_nothing():
    mentor = MentorProfileFactory()
    rows = _one_of_each(mentor)

    personal_data_of(mentor.user)
    Collector(using="default").collect([mentor])

    for status, row in rows.items():
        row.refresh_from_db()
        assert (row.status, row.mentor_id, row.end_reason) == (status, mentor.pk, "")


@pytest.mark.parametrize("status", [MentorshipStatus.REQUESTED, MentorshipStatus.DECLINED])
def test_a_mentee_who_sends_accept_after_the_mentor_went_is_refused(client, status):
    mentorship = MentorshipFactory(status=status)
    mentorship.mentor.delete()

    client.force_login(mentorship.mentee)
    response = client.post(reverse("mentors:accept", args=[mentorship.pk]))

    assert response.status_code == 403  # as for any mentee who sends accept, not a 500
    mentorship.refresh_from_db()
    assert mentorship.mentor_id is None
    assert mentorship.status != MentorshipStatus.ACTIVE
