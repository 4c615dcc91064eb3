"""The two middlewares of the access rule (cmo_portal/accounts/access.py), and the one
that serves each request in the reader's time zone."""

import zoneinfo
from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from cmo_portal.time_zones import time_zone_for_request

from . import access
from .services import data_access_log_record

SET_UP_SECOND_FACTOR = (
    "Set up two-factor authentication to continue: staff and support accounts open the "
    "admin and people's records only with an authenticator app as well as a password."
)


def support_views_logged(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Tell the access rule which page it is serving, and write the support views it
    noted to the people's access logs once the page was served (not when it was
    refused: a 4xx or 5xx response)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        with access.page_being_served(request.path) as page:
            response = get_response(request)
        if response.status_code < 400 and page.views:
            data_access_log_record(entries=page.entries())
        return response

    return middleware


class TwoFactorForStaff:
    """Staff, superusers and support members without a second factor are sent to set one
    up before the admin opens (its logout excepted), and when the access rule refuses
    them a support view (access.TwoFactorRequired)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _is_admin_page(request.path) and access.needs_second_factor(request.user):
            return _to_second_factor_set_up(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, access.TwoFactorRequired):
            return _to_second_factor_set_up(request)
        return None


def _is_admin_page(path: str) -> bool:
    return path.startswith(reverse("admin:index")) and path != reverse("admin:logout")


def _to_second_factor_set_up(request: HttpRequest) -> HttpResponse:
    messages.warning(request, SET_UP_SECOND_FACTOR)
    return HttpResponseRedirect(reverse("mfa_activate_totp"))


def time_zone_activated(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Serve every request in the reader's time zone (cmo_portal/time_zones.py): pages, `clock.today()`
    and `{% now %}` read it. No query: the zone is in the session."""

    def middleware(request: HttpRequest) -> HttpResponse:
        with timezone.override(zoneinfo.ZoneInfo(time_zone_for_request(request))):
            return get_response(request)

    return middleware
