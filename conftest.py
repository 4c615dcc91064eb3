"""The suite's clock. Every "now" and "today" in the code comes from cmo_portal.clock,
which time-machine moves. `--clock-ahead DAYS` (or CLOCK_AHEAD_DAYS) runs every test with
the clock that many days ahead of the wall clock, so a test that only passes near the day
it was written fails at once (CI runs the suite a second time a year ahead). Tests that set
their own date with `time_machine` or `on_date` win over it."""

import datetime
import os

import pytest
import time_machine
from hypothesis import settings as hypothesis_settings

# Property tests (hypothesis) explore new examples on a developer's machine; under CI they
# run a fixed set, so a red run can be repeated, and keep no example database.
hypothesis_settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI") == "true":
    hypothesis_settings.load_profile("ci")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--clock-ahead",
        type=int,
        default=int(os.environ.get("CLOCK_AHEAD_DAYS") or 0),
        metavar="DAYS",
        help="run every test with the clock this many days ahead of the wall clock",
    )


def pytest_report_header(config: pytest.Config) -> str | None:
    days = config.getoption("--clock-ahead")
    if not days:
        return None
    ahead = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=days)
    return f"clock: {days} days ahead of the wall clock, starting at {ahead:%Y-%m-%d %H:%M} UTC"


@pytest.fixture(autouse=True)
def _clock_ahead(request: pytest.FixtureRequest):
    days = request.config.getoption("--clock-ahead")
    if not days:
        yield
        return
    with time_machine.travel(datetime.timedelta(days=days), tick=True):
        yield


@pytest.fixture
def on_date(time_machine):
    """Set the clock to noon UTC of a date (tick off): `on_date(datetime.date(2026, 11, 23))`."""

    def move(day: datetime.date) -> datetime.datetime:
        moment = datetime.datetime.combine(day, datetime.time(12), tzinfo=datetime.UTC)
        time_machine.move_to(moment, tick=False)
        return moment

    return move
