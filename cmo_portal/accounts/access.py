"""Who may see whose data: the one rule every view and export that shows a person's data
goes through (`user_can_view_data_of`).

- The person sees their own data.
- An active mentor sees what a mentorship grants (`MENTORSHIP_GRANTS`), and nothing from
  the moment the mentorship ends.
- Support is a permission (`SUPPORT_PERMISSION`), never the staff flag; superusers hold
  every permission and so go through it too. A support member needs a second factor, and
  each look at a person's data is written to that person's access log, which they read
  on "Who has seen my data".
- Nobody else: staff, curriculum editors among them, see nothing of anyone's data.

The rule is asked with a viewer, not a request; `page_being_served` (opened by
`accounts.middleware.support_views_logged`) tells it which page is being served, keeps
one log entry per page per (viewer, person), and writes them only if the page was served:
a refused request leaves no trace.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.core.exceptions import PermissionDenied

from .models import DataAccessLog, DataKind, User
from .services import data_access_log_record

SUPPORT_PERMISSION = "accounts.view_physician_records"

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

# The second factors that allauth asks for at login (recovery codes alone are not one).
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


class TwoFactorRequired(PermissionDenied):
    """A support grant refused because the viewer has no second factor. The middleware
    (`accounts.middleware.TwoFactorForStaff`) turns it into the way to set one up; without
    the middleware it is a plain 403."""


def has_second_factor(user: User) -> bool:
    return is_mfa_enabled(user, SECOND_FACTORS)


def needs_second_factor(user: User) -> bool:
    """Staff, superusers and support members open the admin or a support view only with a
    second factor on their account."""
    if not user.is_authenticated or not user.is_active:
        return False
    privileged = user.is_staff or user.is_superuser or user.has_perm(SUPPORT_PERMISSION)
    return privileged and not has_second_factor(user)


def user_can_view_data_of(viewer: User, owner: User, *, what: DataKind) -> bool:
    """May `viewer` see `what` of `owner`'s data? True for the owner, for an active mentor
    of the owner when the mentorship grants `what`, and for a support member, whose look
    is logged for the owner. Raises TwoFactorRequired for a support member without a
    second factor."""
    if not viewer.is_authenticated or not viewer.is_active:
        return False
    if viewer.pk == owner.pk:
        return True
    if what in MENTORSHIP_GRANTS:
        from mentors.selectors.mentorships import is_active_mentor_of

        if is_active_mentor_of(viewer, owner):
            return True
    if not viewer.has_perm(SUPPORT_PERMISSION):
        return False
    page = _page.get()
    if page is not None and (viewer.pk, owner.pk) in page.views:
        return True  # already granted, and noted, on this page
    if not has_second_factor(viewer):
        raise TwoFactorRequired("Support views need two-factor authentication.")
    _note_support_view(page, viewer=viewer, person=owner, what=what)
    return True


# --- The log of support views ------------------------------------------------------------


@dataclass
class PageViews:
    """The support views of one page being served, keyed by (viewer id, person id)."""

    path: str
    views: dict[tuple[int, int], DataAccessLog] = field(default_factory=dict)

    def entries(self) -> list[DataAccessLog]:
        return list(self.views.values())


_page: ContextVar[PageViews | None] = ContextVar("data_access_page", default=None)


@contextmanager
def page_being_served(path: str) -> Iterator[PageViews]:
    """While a page at `path` is served, support views are collected here rather than
    written: the caller writes `entries()` once it knows the page was served."""
    page = PageViews(path=path[: DataAccessLog._meta.get_field("path").max_length])
    token = _page.set(page)
    try:
        yield page
    finally:
        _page.reset(token)


def _note_support_view(
    page: PageViews | None, *, viewer: User, person: User, what: DataKind
) -> None:
    entry = DataAccessLog(person=person, viewer=viewer, path=page.path if page else "", what=what)
    if page is None:
        # Outside a page (a shell, a command): nothing to wait for, written now.
        data_access_log_record(entries=[entry])
    else:
        page.views[(viewer.pk, person.pk)] = entry
