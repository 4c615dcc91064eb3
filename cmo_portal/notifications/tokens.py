"""The signed token in a one-click unsubscribe link: which kind of email, for whose
preferences. It names the preferences by their random unsubscribe key, never by the user's
id or address, so the link says nothing about whose it is. It needs no login; anyone
holding it can only turn that one kind of email off for that one person, and only for
UNSUBSCRIBE_LINK_MAX_AGE_DAYS after it was sent (an old digest's link must keep working a
long while, not for ever)."""

import datetime

from django.conf import settings
from django.core import signing

# A new salt for the key-based tokens: the old ones, which held the user id, are refused.
SALT = "cmo_portal.notifications.unsubscribe.v2"


class UnsubscribeLinkExpired(Exception):
    """Signed by this site, but longer ago than UNSUBSCRIBE_LINK_MAX_AGE_DAYS."""


def unsubscribe_token(user_id: int, kind: str, *, key: str | None = None) -> str:
    """The token for this user and kind. Pass their preferences' unsubscribe key when it is
    at hand (a batch of digests); otherwise it is read, the preferences created if need be."""
    if key is None:
        from .services import unsubscribe_key_for

        key = unsubscribe_key_for(user_id)
    return signing.TimestampSigner(salt=SALT).sign_object({"p": key, "k": kind})


def unsubscribe_token_read(token: str) -> tuple[str, str] | None:
    """(unsubscribe key, kind), or None for a token that was not signed by this site.
    Raises UnsubscribeLinkExpired for one it signed too long ago."""
    max_age = datetime.timedelta(days=settings.UNSUBSCRIBE_LINK_MAX_AGE_DAYS)
    try:
        data = signing.TimestampSigner(salt=SALT).unsign_object(token, max_age=max_age)
    except signing.SignatureExpired as expired:
        raise UnsubscribeLinkExpired from expired
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("p"), str):
        return None
    return data["p"], str(data.get("k", ""))
