"""The career plan out of the site: a print page, PDF, JSON, CSV and a calendar feed.

All but the calendar feed are for the plan's viewers (owner, an active mentor, support),
found through `selectors.plan_get_for_viewer`. The feed is read by calendar apps, which
cannot log in: its unguessable token is the key, and resetting it revokes the old link.
"""

import json

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from pathways import exports
from pathways.models.plan import CareerPlan, PdfStatus
from pathways.selectors import plan as selectors
from pathways.services import pdf as pdf_services

# Calendar tokens are 43 characters (secrets.token_urlsafe(32)) and the column holds 64.
MAX_CALENDAR_TOKEN = 64


def _plan_for_viewer(request: HttpRequest, pk: int) -> CareerPlan:
    return selectors.plan_with_items(selectors.plan_get_for_viewer(viewer=request.user, pk=pk))


def _download(content: bytes | str, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Private data: kept by no browser or proxy cache (the middleware says so too).
    add_never_cache_headers(response)
    return response


def _filename(plan: CareerPlan, extension: str) -> str:
    return f"career-plan-{plan.pathway.slug}.{extension}"


@login_required
@require_safe
def plan_print(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for_viewer(request, pk)
    return render(request, exports.PRINT_TEMPLATE, exports.print_context(plan))


@login_required
@require_safe
def plan_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF when it is ready; until then a page that says it is being prepared (and,
    with ?status, a JSON answer for that page's script). ?retry asks again after a
    failure."""
    plan = _plan_for_viewer(request, pk)
    pdf = pdf_services.plan_pdf_request(plan=plan, retry="retry" in request.GET)
    if "status" in request.GET:
        response = JsonResponse({"status": pdf.status, "ready": pdf.is_ready})
        add_never_cache_headers(response)
        return response
    if pdf.is_ready:
        return _download(
            bytes(pdf.content), content_type="application/pdf", filename=_filename(plan, "pdf")
        )
    return render(
        request,
        "pathways/plan_pdf_wait.html",
        {"plan": plan, "pdf": pdf, "failed": pdf.status == PdfStatus.FAILED},
        status=202,
    )


@login_required
@require_safe
def plan_json(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for_viewer(request, pk)
    data = exports.plan_as_dict(plan, site_url=request.build_absolute_uri("/"))
    return _download(
        json.dumps(data, indent=2, cls=DjangoJSONEncoder),
        content_type="application/json",
        filename=_filename(plan, "json"),
    )


@login_required
@require_safe
def plan_csv_download(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan_for_viewer(request, pk)
    # The byte order mark tells Excel the file is UTF-8; other readers skip it.
    return _download(
        "\ufeff" + exports.plan_csv(plan),
        content_type="text/csv; charset=utf-8",
        filename=_filename(plan, "csv"),
    )


@require_safe
def plan_calendar(request: HttpRequest, token: str) -> HttpResponse:
    if len(token) > MAX_CALENDAR_TOKEN:
        raise Http404("No such calendar.")
    plan = selectors.plan_with_items(selectors.plan_get_by_calendar_token(token))
    response = HttpResponse(
        exports.plan_ical(plan, site_url=request.build_absolute_uri("/")),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'inline; filename="{_filename(plan, "ics")}"'
    # The link is a secret: no shared cache may keep it, and no search engine list it.
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
