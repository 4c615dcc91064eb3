"""/metrics: off without a token, refused without the right one, and with it the request
histograms and the outbox, read in one query however long the outbox is."""

import datetime
import os
import subprocess
import sys

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from prometheus_client.parser import text_string_to_metric_families

from cmo_portal.notifications.models import EmailLog, EmailStatus
from tests.repository import ROOT

pytestmark = pytest.mark.django_db

TOKEN = "a-long-random-token-for-the-scraper"
MOMENT = datetime.datetime(2026, 3, 9, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def metrics_on(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.PROMETHEUS_MULTIPROC_DIR = ""
    return settings


def scrape(client, token: str = TOKEN):
    return client.get(reverse("metrics"), HTTP_AUTHORIZATION=f"Bearer {token}")


def samples(response) -> dict[tuple[str, frozenset], float]:
    """Every sample of a scrape, by its name and labels."""
    assert response.status_code == 200
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


def sample(figures: dict, name: str, **labels) -> float:
    return figures.get((name, frozenset(labels.items())), 0.0)


def outbox_email(status: str, n: int = 0) -> EmailLog:
    return EmailLog.objects.create(
        to_email=f"person-{n}@example.com",
        kind="mentoring",
        period_key=f"{status}:{n}",
        subject="A mentoring email",
        payload={"body": "Hello"},
        status=status,
    )


def test_the_url_is_where_prometheus_looks():
    assert reverse("metrics") == "/metrics"


def test_metrics_are_off_while_no_token_is_set(client, settings):
    settings.METRICS_TOKEN = ""
    response = client.get(reverse("metrics"), HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 404
    assert b"cmo_" not in response.content


def test_an_anonymous_request_is_refused_with_no_metrics(client, metrics_on):
    response = client.get(reverse("metrics"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert b"cmo_" not in response.content


@pytest.mark.parametrize(
    "authorization",
    [f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", "Bearer é-not-ascii", "Bearer  "],
)
def test_a_wrong_token_is_refused_with_no_metrics(client, metrics_on, authorization):
    response = client.get(reverse("metrics"), HTTP_AUTHORIZATION=authorization)
    assert response.status_code == 403
    assert b"cmo_" not in response.content


def test_the_right_token_in_another_scheme_is_refused(client, metrics_on):
    response = client.get(reverse("metrics"), HTTP_AUTHORIZATION=f"Basic {TOKEN}")
    assert response.status_code == 401
    assert b"cmo_" not in response.content


def test_the_outbox_is_counted_by_status(client, metrics_on):
    for status, count in [
        (EmailStatus.PENDING, 3),
        (EmailStatus.RETRYING, 2),
        (EmailStatus.FAILED, 1),
        (EmailStatus.SENT, 4),
        (EmailStatus.SENDING, 1),
        (EmailStatus.SKIPPED, 1),
    ]:
        for n in range(count):
            outbox_email(status, n)

    response = scrape(client)
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    assert "no-store" in response["Cache-Control"]
    figures = samples(response)
    assert sample(figures, "cmo_outbox_emails", status="pending") == 3
    assert sample(figures, "cmo_outbox_emails", status="retrying") == 2
    assert sample(figures, "cmo_outbox_emails", status="failed") == 1
    assert ("cmo_outbox_emails", frozenset({("status", "unknown")})) in figures
    assert sample(figures, "cmo_outbox_emails", status="unknown") == 0
    assert sample(figures, "cmo_outbox_emails", status="sent") == 0  # not a watched status


def test_the_oldest_pending_email_is_aged_by_the_clock(client, metrics_on):
    with time_machine.travel(MOMENT - datetime.timedelta(days=2), tick=False):
        outbox_email(EmailStatus.RETRYING)  # older, but not pending
    with time_machine.travel(MOMENT, tick=False):
        outbox_email(EmailStatus.PENDING, 1)
    with time_machine.travel(MOMENT + datetime.timedelta(minutes=30), tick=False):
        outbox_email(EmailStatus.PENDING, 2)

    with time_machine.travel(MOMENT + datetime.timedelta(hours=1), tick=False):
        figures = samples(scrape(client))
    assert sample(figures, "cmo_outbox_oldest_pending_age_seconds") == 3600


def test_the_oldest_pending_age_is_0_when_none_waits(client, metrics_on):
    outbox_email(EmailStatus.FAILED)
    figures = samples(scrape(client))
    assert ("cmo_outbox_oldest_pending_age_seconds", frozenset()) in figures
    assert sample(figures, "cmo_outbox_oldest_pending_age_seconds") == 0


def test_a_page_request_is_timed_and_its_queries_counted(client, metrics_on):
    before = samples(scrape(client))
    with CaptureQueriesContext(connection) as page_queries:
        page = client.get(reverse("home"))
    status = f"{page.status_code // 100}xx"
    after = samples(scrape(client))

    def grew(name: str, **labels) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    timed = {"method": "GET", "view": "home", "status": status}
    assert grew("cmo_http_request_duration_seconds_count", **timed) == 1
    assert grew("cmo_http_request_duration_seconds_bucket", le="+Inf", **timed) == 1
    assert grew("cmo_http_request_duration_seconds_sum", **timed) > 0
    assert grew("cmo_http_request_db_queries_count", view="home") == 1
    assert grew("cmo_http_request_db_queries_sum", view="home") == len(page_queries)
    # The first scrape is itself on the second one.
    assert (
        grew("cmo_http_request_duration_seconds_count", method="GET", view="metrics", status="2xx")
        >= 1
    )


def test_a_request_no_view_answers_is_labelled_as_such(client, metrics_on):
    client.get("/no-such-page/at-all/")
    figures = samples(scrape(client))
    assert (
        sample(
            figures,
            "cmo_http_request_duration_seconds_count",
            method="GET",
            view="<none>",
            status="4xx",
        )
        >= 1
    )


def test_a_made_up_method_is_counted_as_other(client, metrics_on):
    client.generic("BREW", reverse("home"))
    figures = samples(scrape(client))
    assert not any(("method", "BREW") in labels for _, labels in figures)
    assert any(
        name == "cmo_http_request_duration_seconds_count" and ("method", "other") in labels
        for name, labels in figures
    )


@pytest.mark.parametrize("emails", [1, 200])
def test_a_scrape_runs_one_query_however_long_the_outbox(
    client, metrics_on, emails, django_assert_num_queries
):
    EmailLog.objects.bulk_create(
        EmailLog(
            to_email=f"person-{n}@example.com",
            kind="mentoring",
            period_key=f"k{n}",
            subject="s",
            payload={},
            status=[EmailStatus.PENDING, EmailStatus.FAILED][n % 2],
        )
        for n in range(emails)
    )
    with django_assert_num_queries(1):
        figures = samples(scrape(client))
    assert sample(figures, "cmo_outbox_emails", status="pending") == (emails + 1) // 2


WORKER = """
import django
django.setup()
from django.test import Client
assert Client().get("/health/").status_code == 200
"""


def test_in_multiprocess_mode_a_scrape_adds_up_every_worker(client, metrics_on, tmp_path):
    """Two processes, as two gunicorn workers, each serve /health/ once; a scrape in a
    third reads both from the shared folder."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cmo_portal.settings.test",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
        # /health/ only asks the database for SELECT 1: no need for the suite's database.
        "DATABASE_URL": "sqlite://:memory:",
    }
    for _ in range(2):
        subprocess.run([sys.executable, "-c", WORKER], env=env, cwd=ROOT, check=True, timeout=120)
    assert len(list(tmp_path.glob("histogram_*.db"))) == 2

    metrics_on.PROMETHEUS_MULTIPROC_DIR = str(tmp_path)
    figures = samples(scrape(client))
    health = {"method": "GET", "view": "health", "status": "2xx"}
    assert sample(figures, "cmo_http_request_duration_seconds_count", **health) == 2
    assert sample(figures, "cmo_http_request_db_queries_sum", view="health") == 2
    assert ("cmo_outbox_emails", frozenset({("status", "pending")})) in figures
    # This process's own registry (its process metrics) is not what was read.
    assert not any(name.startswith("process_") for name, _ in figures)


def test_prometheus_may_scrape_a_pod_by_its_address_over_plain_http(client, metrics_on):
    metrics_on.ALLOWED_HOSTS = ["cmo.example.org"]
    metrics_on.SECURE_SSL_REDIRECT = True
    response = client.get(
        reverse("metrics"), HTTP_HOST="10.0.3.7:8000", HTTP_AUTHORIZATION=f"Bearer {TOKEN}"
    )
    assert response.status_code == 200
    assert "cmo_outbox_emails" in response.content.decode()
