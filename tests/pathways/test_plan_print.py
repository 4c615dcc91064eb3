"""The career plan on paper: the print page, and the PDF made from it with the site's
look and only the site's own static files."""

import datetime
import re
import shutil
import subprocess
import zlib

import pytest

from pathways import exports
from pathways.models.plan import (
    PlanAction,
    PlanGoal,
)
from tests.pages import words_of
from tests.pathways.plan_pages import url

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("on_today")]


@pytest.fixture
def plan(exports_plan):
    return exports_plan


# --- Print page and PDF ---------------------------------------------------------------


def test_print_page_shows_the_whole_plan_and_links_to_every_download(client, physician, plan):
    PlanAction.objects.filter(title="Finance for physicians").update(
        due_date=datetime.date(2020, 1, 31)
    )
    client.force_login(physician)

    response = client.get(url("plan-print", plan))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Pharma CMO" in html
    for goal in PlanGoal.objects.filter(plan=plan):
        assert goal.title in html
    for action in PlanAction.objects.filter(goal__plan=plan):
        assert action.title in html
    assert "Use your browser's Print command" in html
    assert html.count('class="plan-overdue">overdue<') == 1
    for name in ("plan-pdf", "plan-json", "plan-csv"):
        assert f'href="{url(name, plan)}"' in html
    assert re.search(r'<link rel="stylesheet" href="/static/css/print.css" media="print">', html)
    # The Content Security Policy allows no inline style or script.
    assert "style=" not in html
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]


def test_print_page_shows_the_pace_and_the_other_goals_an_action_serves(client, physician, plan):
    course = PlanAction.objects.get(goal__plan=plan, title="Trial design course")
    course.serves.add(plan.goals.get(competency__name="Finance"))
    client.force_login(physician)

    text = words_of(client.get(url("plan-print", plan)))

    plan.refresh_from_db()
    assert f"5 hours a week, until {plan.horizon_end:%B %Y}" in text
    assert f"the work planned needs {plan.weeks_needed} weeks" in text
    assert "Also serves: Reach level 3 in Finance" in text


def pdf_objects(pdf: bytes) -> bytes:
    """WeasyPrint compresses its objects: inflate every stream to look inside."""
    inflated = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            inflated.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(inflated)


def test_pdf_is_the_print_page_with_the_sites_look(client, physician, plan, weasyprint):
    client.force_login(physician)

    response = client.get(url("plan-pdf", plan))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="career-plan-pharma-cmo.pdf"'
    assert "no-store" in response["Cache-Control"]
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    objects = pdf_objects(pdf)
    assert objects.count(b"/Type /Page") - objects.count(b"/Type /Pages") >= 1
    # The headings become the PDF's bookmarks.
    assert b"/Title (Pharma CMO)" in objects
    assert b"/Title (Learning objectives)" in objects
    # site.css was loaded from disk: headings are in the navy of the site.
    assert b"0.078431 0.196078 0.290196 rg" in objects
    if pdftotext := shutil.which("pdftotext"):  # poppler-utils, where installed
        text = subprocess.run(
            [pdftotext, "-layout", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        assert "Pharma CMO" in text
        assert "Trial design course" in text
        assert "Page 1 of" in text  # print.css's page footer
        assert "Use your browser" not in text
        assert "Sign out" not in text


def test_pdf_fetches_only_the_sites_static_files_from_disk(weasyprint):
    fetcher = exports._static_fetcher("http://testserver/")

    response = fetcher.fetch("http://testserver/static/css/print.css")
    assert b"@page" in response.read()
    assert response.content_type == "text/css"
    for refused in (
        "http://other.example/static/css/print.css",
        "http://testserver/plans/1/",
        "http://testserver/static/../../cmo_portal/settings/base.py",
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(refused)
