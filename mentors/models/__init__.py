"""Mentors: who offers to mentor (profiles.py), the mentorships between a physician and
a mentor (mentorships.py), what mentors leave on a mentee's plan (feedback.py), the
agreement a mentorship starts with and the feedback it ends with (agreements.py), the
meetings of a mentorship with their notes (meetings.py), and the messages between the two
(messages.py).
Import a model from its module; this package only registers them with Django."""

from . import agreements, feedback, meetings, mentorships, messages, profiles  # noqa: F401
