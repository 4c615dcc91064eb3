"""Times as the reader's clock shows them, naming the zone:
`{{ comment.created_at|with_zone }}` gives
`<time datetime="2026-11-30T21:30:00-06:00">30 November 2026, 21:30 (Chicago)</time>`;
`{{ value|with_zone:"j F, H:i" }}` another format. And `{{ action.due_date|days_from_today }}`
for "due today" or "tomorrow", counted from the reader's today."""

import datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

from cmo_portal import clock
from cmo_portal.time_zones import zone_label

register = template.Library()

TIME_FORMAT = "j F Y, H:i"


@register.filter
def with_zone(value: datetime.datetime | None, fmt: str = TIME_FORMAT) -> str:
    if not isinstance(value, datetime.datetime):
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return format_html(
        '<time datetime="{}">{} ({})</time>',
        local.isoformat(timespec="minutes"),
        date_format(local, fmt),
        zone_label(),
    )


@register.filter
def days_from_today(value: datetime.date | None) -> int | None:
    """Days from the reader's today to `value` (0 today, 1 tomorrow, -1 yesterday)."""
    if not isinstance(value, datetime.date):
        return None
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return (value - clock.today()).days
