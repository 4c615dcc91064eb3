"""Mentors: who offers to mentor (profiles.py), the mentorships between a physician and
a mentor (mentorships.py), and what mentors leave on a mentee's plan (feedback.py).
Import a model from its module; this package only registers them with Django."""

from . import (  # noqa: F401
    agreements,  # issue 19 part A: agreement and ending
    feedback,
    mentorships,
    profiles,
)
