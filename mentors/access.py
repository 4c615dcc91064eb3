"""What a mentorship lets a mentor see of their mentee: the mentors' part of the access
rule (`cmo_portal.accounts.access.user_can_view_data_of`).

The rule lives in accounts, below every app that shows a person's data, and asks the
authentication backends (settings.AUTHENTICATION_BACKENDS) whether a relationship
grants a look; this backend answers for mentorships. So the rule sees mentorships while
no module below mentors imports them."""

from django.contrib.auth.backends import BaseBackend

from cmo_portal.accounts.access import data_kind_of
from cmo_portal.accounts.models import DataKind, User

from .selectors.mentorships import is_active_mentor_of

# What an active mentorship lets the mentor see of the mentee. Not the mentee's other
# mentorships, and nothing of the mentee's own mentor profile.
MENTORSHIP_GRANTS = frozenset(
    {
        DataKind.PLAN,
        DataKind.RESULTS,
        DataKind.RATINGS,
        DataKind.ASSESSMENT,
        DataKind.PROFILE,
    }
)


class MentorshipGrants(BaseBackend):
    """An active mentor may see what `MENTORSHIP_GRANTS` lists of the mentee, and nothing
    from the moment the mentorship ends. Authenticates no one."""

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        what = data_kind_of(perm)
        if what not in MENTORSHIP_GRANTS or not isinstance(obj, User):
            return False
        return user_obj.is_active and is_active_mentor_of(user_obj, obj)
