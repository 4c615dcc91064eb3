"""Fixtures shared by the mentors' tests."""

import pytest

from mentors.models.mentorships import Mentorship
from tests.factories import MentorshipFactory


@pytest.fixture
def requested(physician, mentor) -> Mentorship:
    """`physician` asked `mentor`; the mentor has not answered."""
    return MentorshipFactory(mentee=physician, mentor=mentor.mentor_profile)
