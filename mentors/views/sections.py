"""Which side of a mentorship a page is on, for the main navigation: the mentor works in
"Mentoring", the mentee in "Mentors" (cmo_portal/home/navigation.py reads
`request.mentoring_side`, so it needs no query of its own to tell them apart)."""

from django.http import HttpRequest

from mentors.models.mentorships import Mentorship


def page_of_mentorship(request: HttpRequest, mentorship: Mentorship) -> None:
    is_mentor = request.user.pk is not None and mentorship.mentor_user_id == request.user.pk
    request.mentoring_side = "mentor" if is_mentor else "mentee"  # type: ignore[attr-defined]  # read by the navigation
