"""Reads for the requests withdrawn because another mentor accepted: what the physician's
page of the accepted mentorship lists."""

from cmo_portal.accounts.models import User
from mentors.models.mentorships import Mentorship


def withdrawals_context(mentorship: Mentorship, viewer: User) -> dict:
    """For the physician only: the requests withdrawn when this mentorship was accepted,
    with their mentors, in one query. A mentor never sees the physician's other
    requests."""
    if viewer.pk != mentorship.mentee_id or mentorship.started_at is None:
        return {"withdrawn_requests": []}
    return {
        "withdrawn_requests": list(
            mentorship.withdrawn_requests.select_related("mentor__user__profile")
        )
    }
