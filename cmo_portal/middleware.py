import logging
import re
import time
import uuid
from collections.abc import Callable

from allauth.core.internal.httpkit import get_client_ip
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.urls import resolve
from django.utils.cache import add_never_cache_headers
from django.utils.functional import empty

from .errors import request_id_tagged
from .logs import log_context

request_logger = logging.getLogger("cmo_portal.requests")

# A proxy's request id is kept only if it looks like one: no spaces, no control
# characters, not a paragraph.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")

# What probes and scrapers call (cmo_portal/urls.py names their views). They answer before
# the host check and the HTTPS redirect (this middleware comes before both): a container's
# health check or a Kubernetes probe calls the container's own address over plain HTTP.
# None of them shows anyone's data.
OPERATOR_PATHS = frozenset({"/health/", "/health/live/", "/metrics"})


def operator_endpoints(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        if request.path_info not in OPERATOR_PATHS:
            return get_response(request)
        match = resolve(request.path_info)
        request.resolver_match = match
        return match.func(request, *match.args, **match.kwargs)

    return middleware


def request_id_for(request: HttpRequest) -> str:
    offered = request.headers.get("X-Request-ID", "")
    return offered if SANE_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex


def client_address(request: HttpRequest) -> str | None:
    """The client as allauth's rate limits see it: the address the trusted proxies name
    (DJANGO_TRUSTED_PROXY_COUNT), else the connection's own."""
    try:
        return get_client_ip(request)
    except ImproperlyConfigured:  # fewer X-Forwarded-For entries than proxies trusted
        return request.META.get("REMOTE_ADDR")


def signed_in_user_id(request: HttpRequest) -> int | None:
    """The user's id if the request already looked them up; never a query of its own."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


def request_logged(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """One line per request: id, user, method, path, status, latency, client address.
    The id is the proxy's X-Request-ID when it sends a sane one, a new one otherwise, and
    goes back in the response's X-Request-ID; it is on every line logged meanwhile."""

    def middleware(request: HttpRequest) -> HttpResponse:
        request_id = request_id_for(request)
        token = log_context.set({"request_id": request_id})
        request_id_tagged(request_id)
        started = time.perf_counter()
        try:
            response = get_response(request)
            response["X-Request-ID"] = request_id
            status = response.status_code
            # INFO whatever the status: a failure's own line, with its traceback, is
            # written by Django's request logger, once.
            request_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                status,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": status,
                    "latency_ms": round((time.perf_counter() - started) * 1000, 1),
                    "client_ip": client_address(request),
                    "user_id": signed_in_user_id(request),
                },
            )
            return response
        finally:
            log_context.reset(token)

    return middleware


def private_pages_not_stored(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Every page served to a logged-in user may show their data: tell browsers and
    proxies not to keep a copy (Cache-Control: no-store, private)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response

    return middleware


def resources_for_this_site_only(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Cross-Origin-Resource-Policy: same-origin on every response, static files included
    (this sits before WhiteNoise): no other site may embed our pages, images or exports."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response

    return middleware
