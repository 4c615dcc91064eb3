"""The browser's side of the site's security: where it reports what the Content Security
Policy (SECURE_CSP, settings/base.py) blocked."""

import json
import logging

from allauth.core import ratelimit
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

csp_logger = logging.getLogger("cmo_portal.csp")
# A report is a few hundred bytes; anything much larger is not one.
CSP_REPORT_MAX_BYTES = 16 * 1024
# The fields worth logging, in both the old report-uri and the Reporting API shapes.
CSP_REPORT_FIELDS = (
    "document-uri",
    "documentURL",
    "violated-directive",
    "effectiveDirective",
    "blocked-uri",
    "blockedURL",
    "source-file",
    "sourceFile",
    "line-number",
    "lineNumber",
)


def _csp_violations(body: bytes) -> list[dict]:
    """The violations in a report body, or [] when it holds none we can read."""
    try:
        data = json.loads(body)
    except ValueError:
        return []
    reports = data if isinstance(data, list) else [data]
    found = []
    for report in reports:
        if not isinstance(report, dict):
            continue
        inner = report.get("csp-report", report.get("body"))
        if isinstance(inner, dict):
            found.append({k: str(inner[k])[:300] for k in CSP_REPORT_FIELDS if k in inner})
    return [violation for violation in found if violation]


@csrf_exempt  # browsers post reports without a token or cookie
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Log what the Content Security Policy blocked. 204 for a report, 400 for anything
    that is not one, 413 for a body too large, 429 past the rate limit; never a 5xx."""
    if not ratelimit.consume(request, action="csp_report"):
        return HttpResponse(status=429)
    if len(request.body) > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    violations = _csp_violations(request.body)
    if not violations:
        return HttpResponse(status=400)
    for violation in violations:
        csp_logger.warning("CSP violation: %s", json.dumps(violation, sort_keys=True))
    return HttpResponse(status=204)
