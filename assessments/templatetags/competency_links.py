"""A competency's page, looked up by id for a row of the results (a gap): one dict
lookup per row, where looping over every competency for each row cost ~15 ms a page."""

from django import template
from django.urls import reverse

register = template.Library()


@register.filter
def competency_url(competency_id: int, slugs: dict[int, str]) -> str:
    """The URL of the competency's page, or "" when the results do not know it."""
    slug = slugs.get(competency_id)
    return reverse("pathways:competency-detail", kwargs={"slug": slug}) if slug else ""
