"""Reading a mentorship back from the database, after a page or a service changed it."""

from mentors.models.mentorships import Mentorship


def status_of(mentorship: Mentorship) -> str:
    mentorship.refresh_from_db()
    return mentorship.status
