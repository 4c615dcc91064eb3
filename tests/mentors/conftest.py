"""Helpers shared by the mentors' tests."""

import html
import re

import pytest

from mentors.models import MentorProfile, MentorshipStatus
from tests.factories import MentorProfileFactory, MentorshipFactory, ProfileFactory


def make_mentor(name: str, **kwargs) -> MentorProfile:
    """An approved mentor (unless told otherwise) called `name`."""
    user = ProfileFactory(full_name=name, career_stage="physician_leader").user
    return MentorProfileFactory(user=user, **kwargs)


def fill(profile: MentorProfile, count: int | None = None) -> None:
    """Give the mentor `count` active mentees (their whole capacity by default)."""
    for _ in range(profile.capacity if count is None else count):
        MentorshipFactory(mentor=profile, status=MentorshipStatus.ACTIVE)


def textarea_value(response, name: str) -> str | None:
    """What the page's <textarea name=...> holds, or None when there is none."""
    found = re.search(
        rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', response.content.decode(), re.S
    )
    return html.unescape(found.group(1)).strip() if found else None


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Run a service and the work it queued for after the commit (the emails)."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run
