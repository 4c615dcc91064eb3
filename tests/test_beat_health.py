"""Beat's health check reads the age of the schedule file beat keeps writing."""

import os
import subprocess
import sys
import time

from cmo_portal.beat_health import DEFAULT_MAX_AGE_SECONDS, main, schedule_age_seconds


def test_a_fresh_schedule_is_healthy(tmp_path, capsys):
    schedule = tmp_path / "celerybeat-schedule.db"
    schedule.write_bytes(b"shelve")
    written = time.time() - 30  # by this process's clock, which a test may move
    os.utime(schedule, (written, written))
    assert main(["beat_health", str(tmp_path / "celerybeat-schedule")]) == 0
    assert capsys.readouterr().out.startswith("ok")


def test_a_stale_schedule_is_unhealthy(tmp_path, capsys):
    schedule = tmp_path / "celerybeat-schedule"
    schedule.write_bytes(b"shelve")
    an_hour_ago = time.time() - 3600
    os.utime(schedule, (an_hour_ago, an_hour_ago))
    assert main(["beat_health", str(schedule)]) == 1
    assert "last written 3600 s ago" in capsys.readouterr().out


def test_no_schedule_is_unhealthy(tmp_path, capsys):
    assert main(["beat_health", str(tmp_path / "celerybeat-schedule")]) == 1
    assert "no schedule file" in capsys.readouterr().out


def test_the_newest_of_the_schedules_files_counts(tmp_path):
    old, new = tmp_path / "celerybeat-schedule.dir", tmp_path / "celerybeat-schedule.dat"
    old.write_bytes(b"")
    new.write_bytes(b"")
    now = time.time()
    os.utime(old, (now - 5000, now - 5000))
    os.utime(new, (now - 20, now - 20))
    assert round(schedule_age_seconds(tmp_path / "celerybeat-schedule", now)) == 20
    assert DEFAULT_MAX_AGE_SECONDS > 5 * 60  # longer than beat's longest sleep


def test_it_runs_as_the_container_runs_it(tmp_path):
    (tmp_path / "celerybeat-schedule").write_bytes(b"")
    result = subprocess.run(
        [sys.executable, "-m", "cmo_portal.beat_health", str(tmp_path / "celerybeat-schedule")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
