"""What an email looks like on the wire. Headers are folded at RFC 5322's limit of 998
characters, not Python's 78: a List-Unsubscribe link is one long word that cannot be
folded, so at 78 it went out RFC 2047-encoded (`=?utf-8?q?=3Chttps…`), and mail
providers are reported to ignore the header then (RFC 8058 wants it as it is)."""

import email.policy
from email.message import EmailMessage as WireMessage
from email.policy import Policy

from django.core.mail import EmailMultiAlternatives

HEADER_LINE_LIMIT = 998


class OutboxEmail(EmailMultiAlternatives):
    def message(self, *, policy: Policy | None = None) -> WireMessage:
        policy = policy or email.policy.default
        return super().message(policy=policy.clone(max_line_length=HEADER_LINE_LIMIT))
