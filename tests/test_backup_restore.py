"""deploy/backup.sh and deploy/restore.sh against the test database: a dump restored into
a database of its own holds every row of every table, and a restore over a database
that changed since puts the dump's data back. pg_dump is another process, so the data
is committed (a transactional test), and the scripts run as an operator runs them."""

import os
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import quote

import psycopg2
import pytest
from django.db import connection

from cmo_portal.accounts.models import User
from cmo_portal.notifications.models import EmailKind, EmailLog, EmailStatus
from tests.factories import (
    CareerPlanFactory,
    MentorProfileFactory,
    MentorshipFactory,
    PlanActionFactory,
    PlanGoalFactory,
    ProfileFactory,
    complete_assessment,
    two_pathway_curriculum,
)
from tests.repository import ROOT
from tests.services import needs_service

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

BACKUP = ROOT / "deploy" / "backup.sh"
RESTORE = ROOT / "deploy" / "restore.sh"
# One digest of all of a table's rows, whatever order they are stored in.
ROWS_DIGEST = "md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        needs_service("pg_dump backs up PostgreSQL: set DATABASE_URL to a PostgreSQL database")
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            needs_service(f"{tool} is not on the PATH (Debian: apt-get install postgresql-client)")


def url_of(name: str) -> str:
    """A libpq URL for database `name` on the test database's server, as its user."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    credentials = f"{user}{password}@" if user else ""
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}{db['HOST'] or 'localhost'}{port}/{name}"


@pytest.fixture
def scratch_database(postgresql):
    """An empty database beside the test database, dropped at the end whatever happens."""
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(script: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run a script with the PATH and nothing else of this process's environment (no
    DATABASE_URL, no PG* variables), plus `env`."""
    return subprocess.run(
        [str(script), *args],
        env={"PATH": os.environ["PATH"], **(env or {})},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def contents(cursor) -> dict[str, tuple[int, str]]:
    """Every table of the public schema: its row count and a digest of all its rows."""
    cursor.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
    )
    tables = sorted(row[0] for row in cursor.fetchall())
    found = {}
    for table in tables:
        # The names come from the catalogue, not from input.
        cursor.execute(f'SELECT count(*), {ROWS_DIGEST} FROM "{table}" t')  # noqa: S608
        found[table] = cursor.fetchone()
    return found


@contextmanager
def cursor_on(name: str) -> Iterator:
    """A cursor on database `name`, in autocommit, closed with its connection after."""
    with closing(psycopg2.connect(url_of(name))) as other:
        other.autocommit = True
        with other.cursor() as cursor:
            yield cursor


def contents_of(name: str) -> dict[str, tuple[int, str]]:
    with cursor_on(name) as cursor:
        return contents(cursor)


def fetch_one(name: str, sql: str, *params) -> tuple:
    with cursor_on(name) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


@pytest.fixture
def site_data(postgresql) -> dict:
    """A physician with a finished assessment and a plan, a mentor with a mentorship, and
    an email in the log: rows in many of the site's tables."""
    curriculum = two_pathway_curriculum()
    physician = ProfileFactory(full_name="Dr Ada Backup", user__email="ada.backup@example.org").user
    complete_assessment(physician, curriculum["pharma"], specialty="Nephrology")
    plan = CareerPlanFactory(owner=physician, pathway=curriculum["pharma"])
    goal = PlanGoalFactory(plan=plan, title="Lead a phase II trial's safety review")
    PlanActionFactory(goal=goal, title="Ask the trial's PI for a seat on the DSMB")
    MentorshipFactory(mentee=physician, mentor=MentorProfileFactory(), status="active")
    EmailLog.objects.create(
        user=physician,
        to_email=physician.email,
        kind=EmailKind.DIGEST,
        period_key="2026-W12",
        subject="Your week in CMO Pathways",
        payload={"body": "Three actions are due."},
        status=EmailStatus.SENT,
    )
    return {"physician": physician, "goal": goal}


def dump_of_the_test_database(tmp_path: Path) -> Path:
    """deploy/backup.sh run on the test database, named by DATABASE_URL as in compose."""
    done = run(
        BACKUP,
        "--dir",
        str(tmp_path),
        env={"DATABASE_URL": url_of(connection.settings_dict["NAME"])},
    )
    assert done.returncode == 0, done.stderr
    dump = Path(done.stdout.strip())
    assert dump.parent == tmp_path and dump.name.endswith(".dump"), done.stdout
    assert dump.stat().st_size > 0
    return dump


def test_a_dump_restored_into_an_empty_database_holds_every_row(
    site_data, scratch_database, tmp_path
):
    dump = dump_of_the_test_database(tmp_path)

    done = run(RESTORE, "--yes", str(dump), url_of(scratch_database))

    assert done.returncode == 0, done.stderr
    with connection.cursor() as cursor:
        expected = contents(cursor)
    assert expected["accounts_user"][0] >= 2  # the data really was there to dump
    restored = contents_of(scratch_database)
    assert sorted(restored) == sorted(expected)
    counts = {table: count for table, (count, _) in restored.items()}
    assert counts == {table: count for table, (count, _) in expected.items()}
    assert restored == expected  # and every row's contents
    physician, goal = site_data["physician"], site_data["goal"]
    assert fetch_one(
        scratch_database, "SELECT email, password FROM accounts_user WHERE id = %s", physician.pk
    ) == (physician.email, User.objects.get(pk=physician.pk).password)
    assert fetch_one(
        scratch_database, "SELECT title FROM pathways_plangoal WHERE id = %s", goal.pk
    ) == ("Lead a phase II trial's safety review",)
    assert fetch_one(
        scratch_database,
        "SELECT specialty FROM assessments_needsassessment WHERE user_id = %s",
        physician.pk,
    ) == ("Nephrology",)


def test_a_restore_over_a_database_that_changed_puts_the_dump_back(
    site_data, scratch_database, tmp_path
):
    dump = dump_of_the_test_database(tmp_path)
    with connection.cursor() as cursor:
        expected = contents(cursor)
    assert run(RESTORE, "--yes", str(dump), url_of(scratch_database)).returncode == 0
    with cursor_on(scratch_database) as cursor:
        cursor.execute("UPDATE pathways_plangoal SET title = 'Changed after the backup'")
        cursor.execute("DELETE FROM notifications_emaillog")
    assert contents_of(scratch_database) != expected

    done = run(RESTORE, "--yes", str(dump), url_of(scratch_database))

    assert done.returncode == 0, done.stderr
    assert contents_of(scratch_database) == expected


def test_restore_asks_first_and_without_a_terminal_or_yes_changes_nothing(
    site_data, scratch_database, tmp_path
):
    dump = dump_of_the_test_database(tmp_path)
    empty = contents_of(scratch_database)

    done = run(RESTORE, str(dump), url_of(scratch_database))

    assert done.returncode != 0
    assert "pass --yes" in done.stderr
    assert contents_of(scratch_database) == empty == {}


def test_restore_refuses_a_file_that_is_not_a_dump(scratch_database, tmp_path):
    not_a_dump = tmp_path / "notes.dump"
    not_a_dump.write_text("not a dump")

    done = run(RESTORE, "--yes", str(not_a_dump), url_of(scratch_database))

    assert done.returncode != 0
    assert "not a dump in pg_dump's custom format" in done.stderr


def test_backup_keeps_the_days_asked_for_and_removes_older_dumps(postgresql, tmp_path):
    name = connection.settings_dict["NAME"]
    old = tmp_path / f"{name}-20200101T000000Z.dump"
    another_database = tmp_path / "other-20200101T000000Z.dump"
    for path in (old, another_database):
        path.write_bytes(b"old")
        ten_days_ago = time.time() - 10 * 24 * 60 * 60
        os.utime(path, (ten_days_ago, ten_days_ago))

    done = run(BACKUP, "--dir", str(tmp_path), "--keep-days", "7", url_of(name))

    assert done.returncode == 0, done.stderr
    new = Path(done.stdout.strip())
    assert sorted(tmp_path.iterdir()) == sorted([new, another_database])
