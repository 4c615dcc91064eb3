"""The signed token in a one-click unsubscribe link: which user, which kind of email.
It needs no login and does not expire (an old digest's link must still work); anyone
holding it can only turn that one kind of email off for that one user."""

from django.core import signing

SALT = "cmo_portal.notifications.unsubscribe"


def unsubscribe_token(user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=SALT, compress=True)


def unsubscribe_token_read(token: str) -> tuple[int, str] | None:
    """(user id, kind), or None for a token that was not signed by this site."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    return data["u"], str(data.get("k", ""))
