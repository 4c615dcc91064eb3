"""Headers every response carries, and the endpoint browsers report CSP violations to."""

import json
import logging

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

REPORT_URL = "/security/csp-report/"
A_REPORT = {
    "csp-report": {
        "document-uri": "https://cmo.example.org/plans/",
        "violated-directive": "script-src-elem",
        "blocked-uri": "https://evil.example.net/x.js",
        "line-number": 12,
    }
}


def post_report(client, body, content_type="application/csp-report", **extra):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.generic("POST", REPORT_URL, data, content_type=content_type, **extra)


def test_pages_and_static_files_carry_permissions_and_resource_policies(client):
    for url in (reverse("home"), "/static/css/site.css"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cross-Origin-Resource-Policy"] == "same-origin", url
        assert "camera=()" in response["Permissions-Policy"], url
        assert "geolocation=()" in response["Permissions-Policy"], url


def test_the_policy_tells_browsers_where_to_report():
    from django.test import Client

    policy = Client().get(reverse("home"))["Content-Security-Policy"]
    assert f"report-uri {REPORT_URL}" in policy
    assert reverse("csp-report") == REPORT_URL


def test_a_violation_report_is_logged_and_answered_with_no_content(client, caplog):
    with caplog.at_level(logging.WARNING, logger="cmo_portal.csp"):
        response = post_report(client, A_REPORT)
    assert response.status_code == 204
    assert "script-src-elem" in caplog.text
    assert "evil.example.net" in caplog.text


def test_the_reporting_api_shape_is_read_too(client, caplog):
    report = [
        {
            "type": "csp-violation",
            "body": {"documentURL": "https://cmo.example.org/", "effectiveDirective": "img-src"},
        }
    ]
    with caplog.at_level(logging.WARNING, logger="cmo_portal.csp"):
        response = post_report(client, report, content_type="application/reports+json")
    assert response.status_code == 204
    assert "img-src" in caplog.text


@pytest.mark.parametrize(
    "junk",
    [b"", b"not json", b"[]", b"{}", b'{"csp-report": "x"}', b"[1, 2, null]", b"\xff\xfe", b"123"],
)
def test_junk_reports_get_a_400_never_a_5xx(client, junk):
    assert post_report(client, junk).status_code == 400


def test_a_huge_report_is_refused(client):
    body = json.dumps({"csp-report": {"blocked-uri": "x" * 20_000}})
    assert post_report(client, body).status_code == 413


def test_reading_reports_is_a_post_only(client):
    assert client.get(REPORT_URL).status_code == 405


def test_reports_are_rate_limited_per_address(client):
    codes = [post_report(client, A_REPORT).status_code for _ in range(31)]
    assert codes[:30] == [204] * 30
    assert codes[30] == 429
    other = post_report(client, A_REPORT, REMOTE_ADDR="192.0.2.99")
    assert other.status_code == 204
