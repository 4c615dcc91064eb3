"""Every clock is the reader's. A person's one time zone is their profile's; a request
runs in it. It is kept in the session (set at sign-in and whenever the person changes
it), so activating it costs no query. Before a person has a zone of their own (a visitor,
or someone who has not filled in their profile), the zone the browser guessed
(static/js/time-zone.js puts it in a cookie) stands in, and UTC when there is none.

Part of the foundation: it knows the user only by attribute (`user.profile.time_zone`),
so the outbox and every app above may read a person's zone."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import TYPE_CHECKING, TypeGuard

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import HttpRequest
from django.utils import timezone

if TYPE_CHECKING:
    # django-stubs' name for the user model AUTH_USER_MODEL names, whichever it is: the
    # type checker reads its `profile`; at run time the foundation imports no app.
    from django.contrib.auth.models import _User as User

SESSION_KEY = "time_zone"
# Written by static/js/time-zone.js; only ever a guess, checked against the zone list.
GUESS_COOKIE = "guessed_time_zone"
DEFAULT = "UTC"


@cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA time zones this machine knows, sorted; computed once per process."""
    return tuple(sorted(zoneinfo.available_timezones() - {"localtime", "Factory"}))


def validate_time_zone(value: str) -> None:
    if value not in time_zone_names():
        raise ValidationError("Choose a time zone from the list, for example Europe/London.")


def is_time_zone(name: str | None) -> TypeGuard[str]:
    return bool(name) and name in _known()


@cache
def _known() -> frozenset[str]:
    return frozenset(time_zone_names())


def time_zone_of(user: User) -> str:
    """The person's time zone: their profile's, or UTC before they have a profile. Load
    the user with select_related("profile") to read it without a query."""
    try:
        name = user.profile.time_zone
    except ObjectDoesNotExist:  # no profile yet
        return DEFAULT
    return name or DEFAULT


def time_zone_remember(request: HttpRequest, name: str) -> None:
    """Make `name` the zone of this session, from this response on."""
    if is_time_zone(name):
        request.session[SESSION_KEY] = name
        timezone.activate(zoneinfo.ZoneInfo(name))


def time_zone_for_request(request: HttpRequest) -> str:
    """The session's zone, else the browser's guess, else UTC. No query: the session is
    the one the authentication middleware loads anyway."""
    session = getattr(request, "session", None)
    name = session.get(SESSION_KEY) if session is not None else None
    if not is_time_zone(name):
        name = request.COOKIES.get(GUESS_COOKIE)
    return name if is_time_zone(name) else DEFAULT


def zone_label(zone: zoneinfo.ZoneInfo | None = None) -> str:
    """How a page names a zone: its city ("Chicago", "Ho Chi Minh"), or "UTC"."""
    key = getattr(zone or timezone.get_current_timezone(), "key", DEFAULT)
    if "/" not in key or key.startswith("Etc/"):
        return "UTC" if key in {"UTC", "Etc/UTC", "Etc/Universal", "Universal"} else key
    return key.rsplit("/", 1)[-1].replace("_", " ")
