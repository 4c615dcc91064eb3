"""The two reference pages the benchmark measures every page against, mounted only by the
benchmark's settings (urls.py here): the least a request through the site's middleware
can cost, and the least a page with one query and a template can cost (TechEmpower's
"fortunes", in small)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from pathways.models.curriculum import CompetencyDomain

PLAIN_TEXT = b"Hello from the benchmark's bare reference page."


@require_safe
def plain(request: HttpRequest) -> HttpResponse:
    """A bare response: the middleware and nothing else."""
    return HttpResponse(PLAIN_TEXT, content_type="text/plain; charset=utf-8")


@require_safe
def fortunes(request: HttpRequest) -> HttpResponse:
    """One query of a small table, one row added in Python, sorted, through a small
    template that extends nothing."""
    rows = list(CompetencyDomain.objects.order_by().values_list("pk", "name"))
    rows.append((0, "A page added after the query, as the fortunes test does."))
    rows.sort(key=lambda row: row[1])
    return render(request, "bench/fortunes.html", {"rows": rows})
