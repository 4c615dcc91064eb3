"""The operator's health checks. `health` (readiness): is the database answering, and the
broker if one is set. `alive` (liveness): the process answers; it touches nothing else, so
a database outage does not get every web container restarted."""

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from kombu import Connection


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not healthy", whatever raised it
        return f"error: {exc.__class__.__name__}"
    return "ok"


def broker_status() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.CELERY_BROKER_URL:
        return "not configured (tasks run inline)"
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # any failure means "not healthy", whatever raised it
        return f"error: {exc.__class__.__name__}"
    return "ok"


@require_safe
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """200 when every configured part answers, 503 otherwise; no secrets in the body."""
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = not any(value.startswith("error") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


@require_safe
@never_cache
def alive(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
