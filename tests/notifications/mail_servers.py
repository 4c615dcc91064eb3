"""Stand-ins for a mail server that fails, for `EmailMultiAlternatives.send`:
`monkeypatch.setattr(EmailMultiAlternatives, "send", server_down)`."""

import smtplib
from collections.abc import Callable


def server_down(self, fail_silently: bool = False) -> int:
    """No SMTP server answers: a temporary failure."""
    raise ConnectionRefusedError("no SMTP server")


def refusing(email: str) -> Callable[..., int]:
    """A server that refuses `email` for good."""

    def refused(self, fail_silently: bool = False) -> int:
        raise smtplib.SMTPRecipientsRefused({email: (550, b"no such user")})

    return refused
