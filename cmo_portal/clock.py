"""The one clock. Every "now" and "today" in the code is read here, never from
`timezone.now()`, `date.today()` or `timezone.localdate()` directly, so a test moves all of
them at once (time-machine travels this clock) and CI can run the suite a year ahead.

`today()` is the date in the active time zone: the reader's own on a page, UTC in a task.
"""

import datetime

from django.utils import timezone


def now() -> datetime.datetime:
    """This instant, aware, in UTC."""
    return timezone.now()


def today() -> datetime.date:
    """Today's date in the active time zone."""
    return timezone.localdate(timezone.now())
