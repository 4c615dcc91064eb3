"""The operator's log: one JSON line per request, and an error's traceback in one line."""

import io
import json
import logging

import pytest
from celery import Celery
from django.conf import settings
from django.urls import path, reverse
from pythonjsonlogger.json import JsonFormatter

from cmo_portal import logs
from cmo_portal.urls import urlpatterns as site_urlpatterns
from tests.pages import client_for

pytestmark = pytest.mark.django_db


def broken_view(request):
    raise RuntimeError("the view broke")


urlpatterns = [path("broken/", broken_view), *site_urlpatterns]


@pytest.fixture
def json_lines():
    """What the console handler writes in production (LOG_FORMAT=json), as parsed lines."""
    options = dict(settings.LOGGING["formatters"]["json"])
    options.pop("()")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter(**options))
    handler.addFilter(logs.ContextFields())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_a_request_is_one_json_line_with_its_id_user_status_latency_and_client(
    physician, settings, json_lines
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    response = client_for(physician).get(
        reverse("home"),
        HTTP_X_FORWARDED_FOR="203.0.113.9",
        REMOTE_ADDR="10.0.0.2",  # the proxy
        HTTP_X_REQUEST_ID="req-from-proxy-42",
    )
    assert response.status_code == 200
    [line] = [line for line in json_lines() if line["logger"] == "cmo_portal.requests"]
    assert line["request_id"] == "req-from-proxy-42" == response["X-Request-ID"]
    assert line["user_id"] == physician.pk
    assert (line["method"], line["path"], line["status"]) == ("GET", "/", 200)
    assert isinstance(line["latency_ms"], float) and line["latency_ms"] > 0
    assert line["client_ip"] == "203.0.113.9"
    assert line["level"] == "INFO" and line["time"]


def test_a_stranger_gets_a_fresh_request_id_and_no_user(client, json_lines):
    response = client.get(reverse("account_login"), HTTP_X_REQUEST_ID="no spaces allowed here")
    [line] = [line for line in json_lines() if line["logger"] == "cmo_portal.requests"]
    assert line["request_id"] == response["X-Request-ID"] != "no spaces allowed here"
    assert len(line["request_id"]) == 32
    assert line["user_id"] is None
    assert line["client_ip"] == "127.0.0.1"


@pytest.mark.urls("tests.test_request_logs")
def test_an_error_is_one_event_with_its_traceback_and_the_request_id(client, json_lines):
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    lines = json_lines()
    [error] = [line for line in lines if line["level"] == "ERROR"]
    assert error["logger"] == "django.request"
    assert "RuntimeError: the view broke" in error["exc_info"]
    assert error["request_id"] == response["X-Request-ID"]
    [request_line] = [line for line in lines if line["logger"] == "cmo_portal.requests"]
    assert request_line["status"] == 500
    assert len(lines) == 2


# An app of its own, so the site's registry (whose every task the Celery tests check)
# does not hold this one.
logging_test_app = Celery("logging-test", set_as_current=False)


@logging_test_app.task(name="tests.logs.a_task_that_logs", shared=False)
def a_task_that_logs() -> None:
    logging.getLogger("cmo_portal.notifications").warning("the mail server is slow")


def test_a_line_written_by_a_task_names_the_task_and_its_id(json_lines):
    result = a_task_that_logs.apply()
    [line] = [line for line in json_lines() if line["message"] == "the mail server is slow"]
    assert line["task_name"] == "tests.logs.a_task_that_logs"
    assert line["task_id"] == result.id
    logging.getLogger("cmo_portal").warning("after the task")
    assert "task_id" not in json_lines()[-1]
