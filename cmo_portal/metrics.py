"""What the operator's Prometheus scrapes at /metrics: how long requests take and how many
queries they run (recorded by `request_metrics`, a middleware), and the outbox, counted
at scrape time.

Under gunicorn each worker records its own requests. With PROMETHEUS_MULTIPROC_DIR set
in the process environment, prometheus-client keeps them in files in that folder and a
scrape adds up every worker's; without it a scrape shows the one process that answers.

The endpoint is off (404) until METRICS_TOKEN is set, and then answers only a request
with `Authorization: Bearer <METRICS_TOKEN>`."""

import hmac
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Count, Min, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import REGISTRY, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from cmo_portal import clock
from cmo_portal.notifications.models import EmailLog, EmailStatus

REQUEST_DURATION = Histogram(
    "cmo_http_request_duration_seconds",
    "Seconds from the request reaching the site's middleware to its response.",
    ["method", "view", "status"],
)
REQUEST_QUERIES = Histogram(
    "cmo_http_request_db_queries",
    "SQL queries one request ran.",
    ["view"],
    buckets=(0, 1, 2, 4, 8, 16, 32, 64, 128, 256),
)

# Any other method is counted as "other": a label takes no value a client makes up.
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# No view answered: a static file (WhiteNoise), the HTTPS redirect, or a page not found.
NO_VIEW = "<none>"

# The outbox's states worth watching, each a sample of cmo_outbox_emails.
OUTBOX_STATUSES = (
    EmailStatus.PENDING,
    EmailStatus.RETRYING,
    EmailStatus.FAILED,
    EmailStatus.UNKNOWN,
)


class _QueryCounter:
    """A database execute wrapper that counts the queries run through it."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def request_metrics(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Times each request and counts its queries, by method, view name and status class
    (2xx, 3xx, ...). First in MIDDLEWARE, so the time includes every other middleware."""

    def middleware(request: HttpRequest) -> HttpResponse:
        queries = _QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(queries):
            response = get_response(request)
        elapsed = time.perf_counter() - started
        match = request.resolver_match
        view = match.view_name if match is not None else NO_VIEW
        method = request.method if request.method in METHODS else "other"
        status = f"{response.status_code // 100}xx"
        REQUEST_DURATION.labels(method=method, view=view, status=status).observe(elapsed)
        REQUEST_QUERIES.labels(view=view).observe(queries.count)
        return response

    return middleware


class OutboxCollector:
    """The outbox as it is at scrape time, read in one query: how many emails are in each
    watched status, and how long the oldest pending one has waited."""

    def collect(self) -> Iterator[Metric]:
        figures = EmailLog.objects.filter(status__in=OUTBOX_STATUSES).aggregate(
            **{status: Count("pk", filter=Q(status=status)) for status in OUTBOX_STATUSES},
            oldest_pending=Min("created_at", filter=Q(status=EmailStatus.PENDING)),
        )
        emails = GaugeMetricFamily(
            "cmo_outbox_emails", "Emails in the outbox, by status.", labels=["status"]
        )
        for status in OUTBOX_STATUSES:
            emails.add_metric([status], figures[status])
        yield emails
        oldest = figures["oldest_pending"]
        age = max((clock.now() - oldest).total_seconds(), 0.0) if oldest is not None else 0.0
        yield GaugeMetricFamily(
            "cmo_outbox_oldest_pending_age_seconds",
            "Seconds the oldest pending email has waited to be sent (0 when none waits).",
            value=age,
        )


class _Scrape:
    """Everything one scrape reports, from several collectors."""

    def __init__(self, *collectors: Collector) -> None:
        self.collectors = collectors

    def collect(self) -> Iterable[Metric]:
        for collector in self.collectors:
            yield from collector.collect()


def request_collector() -> Collector:
    """The request histograms: every worker's files in multiprocess mode, else this
    process's registry (with prometheus-client's process and Python metrics)."""
    if settings.PROMETHEUS_MULTIPROC_DIR:
        return MultiProcessCollector(None, path=settings.PROMETHEUS_MULTIPROC_DIR)
    return REGISTRY


def _bearer_token(request: HttpRequest) -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


@require_safe
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    """The metrics in Prometheus's text format, for the bearer of METRICS_TOKEN only:
    404 while no token is set, 401 without a bearer token, 403 with a wrong one."""
    expected = settings.METRICS_TOKEN
    if not expected:
        raise Http404("Metrics are off: METRICS_TOKEN is not set.")
    given = _bearer_token(request)
    if given is None:
        refused = HttpResponse("A bearer token is required.\n", status=401)
        refused["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return refused
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return HttpResponse("Wrong token.\n", status=403)
    body = generate_latest(_Scrape(request_collector(), OutboxCollector()))
    return HttpResponse(body, content_type=CONTENT_TYPE_PLAIN_0_0_4)
