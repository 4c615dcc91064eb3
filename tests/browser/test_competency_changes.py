"""After a reassessment the results page and the plan show the change per competency:
the section renders, its chart draws, and both pages stay axe clean."""

import datetime

import pytest

from assessments.models import RatingSet
from pathways.models.curriculum import Pathway
from pathways.services.plan import plan_generate
from tests.browser.pages import WIDTHS, screenshot_path, sign_in
from tests.factories import ProfileFactory, complete_assessment, submit_ratings

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_change_since_the_previous_ratings_renders(watched_page):
    from pathways.services.curriculum import curriculum_load

    curriculum_load()
    user = ProfileFactory(full_name="Dr Reassessed", time_zone="America/Chicago").user
    pathway = Pathway.objects.get(slug="payer-cmo")
    complete_assessment(user, pathway)
    targets = list(pathway.targets.select_related("competency").order_by("competency__order"))
    competencies = [t.competency for t in targets[:8]]
    first = submit_ratings(user, dict(zip(competencies[:7], [1, 2, 2, 3, 1, 2, 3], strict=True)))
    # Three months before the second set, so the dates differ on the page.
    RatingSet.objects.filter(pk=first.pk).update(
        submitted_at=first.submitted_at - datetime.timedelta(days=91)
    )
    plan = plan_generate(owner=user, pathway=pathway, actor=user)
    latest = dict(zip(competencies[:6], [2, 2, 4, 2, 3, 2], strict=True))
    latest[competencies[6]] = None  # not rated again
    latest[competencies[7]] = 3  # newly rated
    submit_ratings(user, latest)
    sign_in(watched_page, user)
    page = watched_page.page

    watched_page.visit("/results/")
    section = page.locator("#changes")
    assert "Change since your previous ratings" in section.locator("h2").inner_text()
    table = section.get_by_role("table", name=f"{pathway.title}: change per competency")
    assert table.locator("tbody tr").count() == 8
    text = table.inner_text()
    for words in ("Up 1 level", "Down 1 level", "No change", "Newly rated", "Not rated again"):
        assert words in text
    assert section.locator("svg.change-chart[role=img]").is_visible()
    assert section.locator("svg.change-chart .change-row").count() == 8
    watched_page.screenshot("results-changes")
    for label, width in WIDTHS.items():  # the section alone, to look at
        page.set_viewport_size({"width": width, "height": 900})
        section.screenshot(path=screenshot_path(f"results-changes-section-{label}"))
        # The chart and the table fit the page: only the table's own region scrolls.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})

    watched_page.visit(f"/plans/{plan.pk}/")
    plan_section = page.locator("#plan-changes")
    assert plan_section.get_by_role("columnheader", name="Goals in this plan").is_visible()
    assert plan_section.locator("svg.change-chart").is_visible()
    plan_section.screenshot(path=screenshot_path("plan-changes-section-desktop"))
    watched_page.assert_clean()
