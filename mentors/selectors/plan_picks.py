"""The mentors a physician's plan suggests (its Mentors section): their active mentors,
or else the best matches. The plan generator finds this through
settings.PLAN_MENTOR_PICKS, as the plan sits below this app."""

from cmo_portal.accounts.models import User
from mentors.models.mentorships import Mentorship
from mentors.selectors.suggestions import mentor_suggestions
from pathways.models.curriculum import Pathway
from pathways.services.plan_needs import MentorPick

SUGGESTED = 2


def plan_mentor_picks(*, owner: User, pathway: Pathway) -> list[MentorPick]:
    current = [
        MentorPick(
            user_id=m.mentor.user_id,
            topic=pathway.title,
            reason="Your mentor: ask for a review of the plan and set a rhythm of meetings.",
            is_current=True,
        )
        for m in Mentorship.objects.active()
        .filter(mentee=owner, mentor__isnull=False)
        .select_related("mentor__user__profile")
    ]
    if current:
        return current
    suggestions = mentor_suggestions(mentee=owner, pathway_slug=pathway.slug, limit=SUGGESTED)
    return [
        MentorPick(
            user_id=item.mentor.user_id,
            topic=item.match.covered[0].name if item.match.covered else pathway.title,
            reason="Suggested by the matching: " + "; ".join(item.reasons) + ".",
        )
        for item in suggestions.items
    ]
