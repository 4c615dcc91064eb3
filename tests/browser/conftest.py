"""Playwright driving Debian's Chromium against pytest-django's live server: the session's
browser, each test's watched page (tests.browser.pages.WatchedPage), and the page timings
reported at the end of the session."""

import os
from pathlib import Path

import pytest

from tests.browser.pages import ARTIFACTS, PAGE_TIMINGS, TIMINGS_REPORT, WatchedPage, timings_report
from tests.services import needs_service

CHROMIUM = Path("/usr/bin/chromium")

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests
# make there are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        needs_service(f"no Chromium at {CHROMIUM} for the browser tests (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def watched_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = WatchedPage(context.new_page(), live_server.url)
    yield page
    context.close()


def pytest_terminal_summary(terminalreporter) -> None:
    if not PAGE_TIMINGS:
        return
    lines = timings_report()
    terminalreporter.section("page timings")
    for line in lines:
        terminalreporter.write_line(line)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    TIMINGS_REPORT.write_text("\n".join(lines) + "\n")
    terminalreporter.write_line(f"written to {TIMINGS_REPORT}")
