"""The curriculum as a file, in admin: curriculum editors download the whole of it, and
upload such a file to load it, after a preview of what it changes.

The uploaded text waits in the editor's session between the preview and the confirm,
under the hash the confirm form sends back; the confirm takes it out of the session,
so a repeated confirm finds nothing and changes nothing."""

import hashlib

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path

from cmo_portal import clock
from pathways.forms.curriculum_file import CurriculumFileForm
from pathways.services.curriculum import CURRICULUM_MODELS
from pathways.services.curriculum_export import curriculum_export
from pathways.services.curriculum_files import CurriculumError
from pathways.services.curriculum_import import curriculum_file_read, curriculum_import
from pathways.services.curriculum_rows import LoadReport

PENDING = "curriculum_import"  # the session key of the file waiting for its confirm


def curriculum_file_urls() -> list[URLPattern]:
    """Admin pages (staff with a second factor, as every admin page), for editors only."""
    return [
        path("export/", admin.site.admin_view(export_view), name="export"),
        path("import/", admin.site.admin_view(import_view), name="import"),
    ]


def _editors_only(request: HttpRequest) -> None:
    """Those who may change every curriculum model: curriculum editors and superusers,
    not staff as such."""
    permissions = [
        f"{model._meta.app_label}.change_{model._meta.model_name}" for model in CURRICULUM_MODELS
    ]
    if not request.user.has_perms(permissions):
        raise PermissionDenied


def export_view(request: HttpRequest) -> HttpResponse:
    _editors_only(request)
    today = clock.today()
    response = HttpResponse(
        curriculum_export(today=today), content_type="application/toml; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="cmo-pathways-curriculum-{today.isoformat()}.toml"'
    )
    return response


def import_view(request: HttpRequest) -> HttpResponse:
    _editors_only(request)
    if request.method == "POST" and "digest" in request.POST:
        return _confirm(request)
    form = CurriculumFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = curriculum_import(data=form.cleaned_data["tables"], dry_run=True)
        except CurriculumError as error:
            form.add_error("file", str(error))
        else:
            text = form.cleaned_data["text"]
            digest = hashlib.sha256(text.encode()).hexdigest()
            name = form.cleaned_data["file"].name
            request.session[PENDING] = {"digest": digest, "text": text, "name": name}
            return _page(request, report=report, digest=digest, name=name)
    return _page(request, form=form)


def _confirm(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING)
    if not pending or pending["digest"] != request.POST["digest"]:
        messages.warning(
            request,
            "Nothing was imported: that file has been imported already, or its preview "
            "has expired. Upload it again to see what it changes.",
        )
        return redirect("curriculum_file:import")
    del request.session[PENDING]
    try:
        report = curriculum_import(data=curriculum_file_read(pending["text"].encode()))
    except CurriculumError as error:  # the curriculum changed since the preview
        messages.error(request, f"Nothing was imported: {error}")
        return redirect("curriculum_file:import")
    messages.success(request, f"{pending['name']} is imported: {_summary(report)}.")
    return redirect("admin:index")


def _summary(report: LoadReport) -> str:
    created = sum(report.created.values())
    updated = sum(report.updated.values())
    removed = sum(report.removed.values())
    return f"{created} rows created, {updated} updated, {removed} removed"


def _page(request: HttpRequest, **context) -> HttpResponse:
    report = context.get("report")
    return render(
        request,
        "admin/curriculum_file/import.html",
        {
            **admin.site.each_context(request),
            "title": "Preview the import" if report else "Import a curriculum file",
            "rows": [
                {
                    "kind": kind,
                    "created": report.created[kind],
                    "updated": report.updated[kind],
                    "overwritten": report.overwritten[kind],
                    "removed": report.removed[kind],
                    "unchanged": report.unchanged[kind],
                }
                for kind in report.kinds()
            ]
            if report
            else [],
            **context,
        },
    )
