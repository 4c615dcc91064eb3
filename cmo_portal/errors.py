"""The error tracker: Sentry (or any service that takes its protocol) when SENTRY_DSN is
set, and nothing sent anywhere otherwise.

Nobody's data goes with an event: no cookies, no form fields, no user's name or address
(the 2.x SDK's default, which version 3 changes: pyproject keeps it below 3; a test reads
an event). An event carries the request's id, which the request's log line
carries too, so an operator finds the one from the other."""

from typing import Any

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration


def error_tracking_started(
    dsn: str,
    *,
    environment: str,
    release: str = "",
    traces_sample_rate: float = 0.0,
    transport: Any = None,
) -> bool:
    """Starts the tracker if `dsn` is set; True if it did. `transport` is for tests."""
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        max_request_body_size="never",
        integrations=[DjangoIntegration(), CeleryIntegration()],
        transport=transport,
    )
    return True


def request_id_tagged(request_id: str) -> None:
    """Names the request on every event it raises (a no-op with no tracker)."""
    sentry_sdk.set_tag("request_id", request_id)
