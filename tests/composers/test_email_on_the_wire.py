"""The digest as a real SMTP server receives it (aiosmtpd on localhost): the one-click
unsubscribe headers of RFC 8058 arrive as plain headers, never RFC 2047-encoded, however
long the signed link."""

import logging
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from cmo_portal.composers.digests import digests_due_sweep
from cmo_portal.settings.env import mailer_from_url
from tests.composers.physicians import at_now, physician_with_plan

pytestmark = pytest.mark.django_db


class Keeping:
    """Keeps the bytes of every message it accepts."""

    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope.original_content)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's chatter
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = Keeping()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = {"default": mailer_from_url(f"smtp://127.0.0.1:{port}")}
    settings.SITE_URL = "https://cmo-pathways.example.org"
    yield handler
    controller.stop()


def test_the_unsubscribe_headers_arrive_as_plain_headers(clock, run, smtp_server):
    user, _, _ = physician_with_plan(clock)
    at_now(clock)

    run(digests_due_sweep)

    [raw] = smtp_server.received
    lines = raw.split(b"\r\n") if b"\r\n" in raw else raw.split(b"\n")
    [unsubscribe] = [line for line in lines if line.startswith(b"List-Unsubscribe:")]
    assert unsubscribe.startswith(b"List-Unsubscribe: <https://cmo-pathways.example.org/")
    assert unsubscribe.endswith(b">")
    assert b"=?utf-8?" not in unsubscribe
    assert len(unsubscribe) > 78  # the signed link is longer than a folded line
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in lines
    # The link in the header is the one in the footer, and the message still parses.
    parsed = message_from_bytes(raw, policy=policy.default)
    link = parsed["List-Unsubscribe"].strip("<>")
    assert link in parsed.get_body(("plain",)).get_content()
    assert parsed["To"] == user.email
