"""Playwright driving Debian's Chromium against pytest-django's live server.

Every page opened through `visit` is watched: a console error or a Content Security
Policy violation fails the test, and so does any request to another origin."""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import needs_service

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
WIDTHS = {"mobile": 375, "desktop": 1280}

# Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests
# make there are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPORT_CSP_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


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


class WatchedPage:
    """A page that records console errors, CSP violations and off-site requests."""

    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.problems: list[str] = []
        origin = urlsplit(base_url).netloc
        page.add_init_script(REPORT_CSP_VIOLATIONS)
        page.on("console", self._on_console)
        page.on("response", self._on_response)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on(
            "request",
            lambda req: (
                urlsplit(req.url).scheme in {"http", "https"}
                and urlsplit(req.url).netloc != origin
                and self.problems.append(f"off-site request: {req.url}")
            ),
        )

    def _on_console(self, message) -> None:
        # A failed load is reported by _on_response, which can tell the page itself
        # (a 404 page is meant to answer 404) from an asset it needs.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.problems.append(f"console: {message.text}")

    def _on_response(self, response) -> None:
        if response.status >= 400 and not response.request.is_navigation_request():
            self.problems.append(f"asset failed: {response.status} {response.url}")

    def visit(self, path: str):
        response = self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("load")
        return response

    def screenshot(self, name: str) -> None:
        """Save the page at each width under test-artifacts/screenshots/."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        size = self.page.viewport_size
        for label, width in WIDTHS.items():
            self.page.set_viewport_size({"width": width, "height": 900})
            self.page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True)
        self.page.set_viewport_size(size)

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def watched_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = WatchedPage(context.new_page(), live_server.url)
    yield page
    context.close()
