"""Errors go to the tracker only when a DSN is set, and without anyone's personal data."""

import pytest
import sentry_sdk
from django.urls import path
from sentry_sdk.transport import Transport

from cmo_portal.errors import error_tracking_started
from cmo_portal.urls import urlpatterns as site_urlpatterns
from tests.pages import client_for

pytestmark = pytest.mark.django_db


def broken_view(request):
    raise RuntimeError("the plan could not be drawn")


urlpatterns = [path("broken/", broken_view), *site_urlpatterns]


class KeptEnvelopes(Transport):
    """Keeps what would be sent, so the test reads it; nothing leaves the machine."""

    def __init__(self, options=None):
        super().__init__(options)
        self.events: list[dict] = []

    def capture_envelope(self, envelope):
        self.events.extend(item.payload.json for item in envelope.items if item.type == "event")


@pytest.fixture
def tracker():
    transport = KeptEnvelopes()
    assert error_tracking_started(
        "https://public@errors.example.org/1", environment="test", transport=transport
    )
    yield transport
    sentry_sdk.init()  # no DSN: the tracker is off again for the other tests


def test_no_dsn_starts_nothing():
    assert not error_tracking_started("", environment="production")
    assert not sentry_sdk.get_client().is_active()


@pytest.mark.urls("tests.test_error_tracking")
def test_an_error_is_one_event_with_the_request_id_and_no_personal_data(tracker, physician):
    client = client_for(physician)
    client.raise_request_exception = False
    response = client.get("/broken/", HTTP_COOKIE="sessionid=secret-session")
    assert response.status_code == 500
    sentry_sdk.flush()
    [event] = tracker.events
    [exception] = event["exception"]["values"]
    assert exception["type"] == "RuntimeError"
    assert exception["value"] == "the plan could not be drawn"
    assert event["tags"]["request_id"] == response["X-Request-ID"]
    text = repr(event)
    assert physician.email not in text
    assert "secret-session" not in text
    assert "sessionid" not in text
