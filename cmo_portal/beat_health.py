"""Beat's health check: has the scheduler written its schedule file lately?

Celery beat writes the file (a shelve, one file or several by the dbm in use) on its
first tick and then every few minutes while it runs, so a file older than the limit
means beat is stuck or gone. No Django: it runs every minute inside the beat container.

    python -m cmo_portal.beat_health /app/data/celerybeat-schedule [max-age-seconds]
"""

import sys
import time
from pathlib import Path

# Beat syncs its schedule every 3 minutes and sleeps at most 5 between ticks.
DEFAULT_MAX_AGE_SECONDS = 15 * 60


def schedule_age_seconds(schedule: Path, now: float) -> float | None:
    """Seconds since the newest of the schedule's files was written; None if there is none."""
    written = [path.stat().st_mtime for path in schedule.parent.glob(f"{schedule.name}*")]
    return now - max(written) if written else None


def main(argv: list[str]) -> int:
    schedule = Path(argv[1])
    max_age = float(argv[2]) if len(argv) > 2 else DEFAULT_MAX_AGE_SECONDS
    age = schedule_age_seconds(schedule, time.time())
    if age is None:
        print(f"unhealthy: no schedule file at {schedule}")
        return 1
    if age > max_age:
        print(f"unhealthy: the schedule was last written {age:.0f} s ago (limit {max_age:.0f} s)")
        return 1
    print(f"ok: the schedule was written {age:.0f} s ago")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
