"""When each user's digest and reminders are due: pure functions of their local time.

- Everything is sent at about 8:00 in the user's own time zone (DIGEST_HOUR).
- A weekly digest goes on the chosen weekday; a monthly one on the first chosen weekday of
  the month.
- The next send time is stored in UTC, computed from the local date and 8:00 in the
  user's zone, so when the clocks change the next digest is still at 8:00 local.
- A digest's period key is built from its local date (ISO week "2026-W13", or month
  "2026-03"): a daylight-saving change can neither give one week two keys nor two weeks
  one key, so it can neither repeat nor skip a digest.
"""

import datetime
import zoneinfo

DIGEST_HOUR = 8


def _local_at_hour(day: datetime.date, tz: zoneinfo.ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(DIGEST_HOUR), tzinfo=tz)


def _first_weekday_of_month(year: int, month: int, weekday: int) -> datetime.date:
    first = datetime.date(year, month, 1)
    return first + datetime.timedelta(days=(weekday - first.weekday()) % 7)


def next_digest_at(
    *, frequency: str, weekday: int, time_zone: str, after: datetime.datetime
) -> datetime.datetime | None:
    """The first digest time strictly after `after`, in UTC; None when the user wants none."""
    if frequency not in ("weekly", "monthly"):
        return None
    tz = zoneinfo.ZoneInfo(time_zone)
    local_day = after.astimezone(tz).date()
    if frequency == "weekly":
        day = local_day + datetime.timedelta(days=(weekday - local_day.weekday()) % 7)
        while _local_at_hour(day, tz) <= after:
            day += datetime.timedelta(days=7)
    else:
        year, month = local_day.year, local_day.month
        day = _first_weekday_of_month(year, month, weekday)
        while _local_at_hour(day, tz) <= after:
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            day = _first_weekday_of_month(year, month, weekday)
    return _local_at_hour(day, tz).astimezone(datetime.UTC)


def next_daily_at(*, time_zone: str, after: datetime.datetime) -> datetime.datetime:
    """The next 8:00 in the user's zone strictly after `after`, in UTC."""
    tz = zoneinfo.ZoneInfo(time_zone)
    day = after.astimezone(tz).date()
    while _local_at_hour(day, tz) <= after:
        day += datetime.timedelta(days=1)
    return _local_at_hour(day, tz).astimezone(datetime.UTC)


def local_date(moment: datetime.datetime, time_zone: str) -> datetime.date:
    return moment.astimezone(zoneinfo.ZoneInfo(time_zone)).date()


def digest_period_key(*, frequency: str, slot: datetime.datetime, time_zone: str) -> str:
    """The digest's period, from the local date of its slot."""
    day = local_date(slot, time_zone)
    if frequency == "monthly":
        return f"{day:%Y-%m}"
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"
