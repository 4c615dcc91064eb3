from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from cmo_portal.accounts.selectors import profile_of

from .health import broker_status, database_status


def home(request: HttpRequest) -> HttpResponse:
    profile = profile_of(request.user) if request.user.is_authenticated else None
    return render(request, "home.html", {"profile": profile})


@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """200 when every configured part answers, 503 otherwise; no secrets in the body."""
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = not any(value.startswith("error") for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
