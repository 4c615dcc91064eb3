"""Forms that create something have one effect, however often they are sent.

Each such form carries a random one-time token (`{% form_once_token %}`, a hidden field).
The view runs the effect inside `form_sent_once(...)`: one transaction that first inserts
the token's row, then runs the effect. The token is unique, so the same form sent again
(a double click, Back and send again) fails on the insert before anything happens, and
the view answers with where the first sending went. A second sending that arrives while
the first is still running waits on the unique index and then fails the same way."""

from __future__ import annotations

import datetime
import hashlib
import re
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from cmo_portal import clock

from .models import SubmittedForm

if TYPE_CHECKING:
    # Below accounts: the user model as the one AUTH_USER_MODEL names (django-stubs'
    # name for it), never by importing accounts.
    from django.contrib.auth.models import _User as User

TOKEN_FIELD = "once_token"  # noqa: S105 - the name of a form field, not a secret
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,39}$")  # ours are 32; with the digest it fits 64
# A token is remembered this long: a form kept open for longer could be sent again.
KEPT_FOR = datetime.timedelta(days=30)


def form_token_new() -> str:
    return secrets.token_urlsafe(24)


class AlreadySent(Exception):
    """The form was sent before. `leads_to` is the address the first sending led to
    (empty when it is not known)."""

    def __init__(self, leads_to: str) -> None:
        super().__init__("That was already sent.")
        self.leads_to = leads_to


@dataclass
class Sending:
    """What the block tells about its effect: the address of what it made."""

    leads_to: str = ""


# Fields that say nothing about what was sent.
_NOT_CONTENT = {"csrfmiddlewaretoken", TOKEN_FIELD}


def _sent_key(token: str, content: Mapping | None) -> str:
    """The token, and a digest of what was typed: the same form sent twice with the same
    content is one sending; Back, a different comment, then send, is a new one."""
    if content is None:
        return token
    getlist = getattr(content, "getlist", None)
    items = sorted(
        (name, tuple(getlist(name)) if getlist else (str(content[name]),))
        for name in content
        if name not in _NOT_CONTENT
    )
    digest = hashlib.sha256(repr(items).encode()).hexdigest()[:24]
    return f"{token}.{digest}"


@contextmanager
def form_sent_once(
    *, user: User, token: str | None, content: Mapping | None = None
) -> Iterator[Sending]:
    """Run the block once for this token and `content` (the POST), in one transaction
    with the token's row.

    Raises AlreadySent, without running the block, when the token was used. An
    exception from the block (a refusal) rolls the token back with everything else, so
    the corrected form can be sent again. A missing or malformed token (a page from
    before this rule, a script) runs the block unguarded: the state checks and unique
    constraints of each service still hold there."""
    sending = Sending()
    token = _sent_key(token, content) if token and _TOKEN_SHAPE.match(token) else None
    with transaction.atomic():
        row = None
        if token:
            try:
                with transaction.atomic():
                    row = SubmittedForm.objects.create(
                        token=token, user=user, submitted_at=clock.now()
                    )
            except IntegrityError:
                first = (
                    SubmittedForm.objects.filter(token=token, user=user)
                    .values_list("leads_to", flat=True)
                    .first()
                )
                raise AlreadySent(first or "") from None
        yield sending
        if row is not None and sending.leads_to:
            SubmittedForm.objects.filter(pk=row.pk).update(leads_to=sending.leads_to[:500])


def submitted_forms_forget(*, now: datetime.datetime | None = None) -> int:
    """Delete the tokens older than KEPT_FOR. Returns how many."""
    cutoff = (now or clock.now()) - KEPT_FOR
    deleted, _ = SubmittedForm.objects.filter(submitted_at__lt=cutoff).delete()
    return deleted
