"""What an email looks like on the wire. Headers are folded at RFC 5322's limit of 998
characters, not Python's 78: a List-Unsubscribe link is one long word that cannot be
folded, so at 78 it went out RFC 2047-encoded (`=?utf-8?q?=3Chttps…`), and mail
providers are reported to ignore the header then (RFC 8058 wants it as it is).

A file attached to an email (a meeting's .ics invitation) is kept in the email log's
payload as JSON: text as it is, any other content in base64."""

import base64
import email.policy
from email.message import EmailMessage as WireMessage
from email.policy import Policy

from django.core.mail import EmailMultiAlternatives

HEADER_LINE_LIMIT = 998


class OutboxEmail(EmailMultiAlternatives):
    def message(self, *, policy: Policy | None = None) -> WireMessage:
        policy = policy or email.policy.default
        return super().message(policy=policy.clone(max_line_length=HEADER_LINE_LIMIT))


def attachment_to_payload(filename: str | None, content, mimetype: str | None) -> dict:
    """One attachment of a rendered message, JSON-safe."""
    if isinstance(content, str):
        return {"filename": filename, "content": content, "mimetype": mimetype}
    return {
        "filename": filename,
        "base64": base64.b64encode(content).decode("ascii"),
        "mimetype": mimetype,
    }


def attachment_from_payload(kept: dict) -> tuple[str | None, str | bytes, str | None]:
    """(filename, content, mimetype), as EmailMessage.attach takes them."""
    content = kept["content"] if "content" in kept else base64.b64decode(kept["base64"])
    return kept["filename"], content, kept["mimetype"]
