"""The browser tests' page: a Playwright page on the live server.

Every page opened through `visit` (or checked with `check` after a click took the test
to a new page) is watched: a console error, a Content Security Policy violation, a
serious or critical axe-core accessibility violation fails the test, and so does any
request to another origin, and so does a page answering 4xx or 5xx unless the test says
it expects that status (`visit(path, expect_status=404)`, `check(expect_status=400)`).
The URL name of every page checked is recorded in VISITED_PAGES. How long the server took
to answer each page is recorded in PAGE_TIMINGS, for the report at the end of the session
(never asserted). Screenshots go under SCREENSHOTS (`screenshot_path`); `sign_in` signs
in through the login form, `sign_in_by_cookie` without it."""

import contextlib
import statistics
from collections import defaultdict
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client

from tests.factories import PASSWORD
from tests.repository import ROOT

ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
TIMINGS_REPORT = ARTIFACTS / "page-timings.txt"
WIDTHS = {"mobile": 375, "desktop": 1280}

REPORT_CSP_VIOLATIONS = """
document.addEventListener('securitypolicyviolation', (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""

# axe-core's impacts, mildest first; these two fail a test.
AXE_FAILING_IMPACTS = {"serious", "critical"}
AXE_TARGETS_SHOWN = 3
# Runs in the page once axe is injected; returns only what a problem line needs.
AXE_RUN = """
async () => {
  const results = await axe.run(document, {resultTypes: ['violations']});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    count: v.nodes.length,
    targets: v.nodes.map((n) => n.target.join(' ')),
    summary: v.nodes.length ? (v.nodes[0].failureSummary || '') : '',
  }));
}
"""

# Server time is responseStart - requestStart of the document's Navigation Timing entry:
# from the browser sending the request to the first byte of the answer, i.e. the view's
# work (Django renders the whole body before sending it, so the transfer that
# responseEnd would add is only the loopback copy). After a POST that redirects, the
# entry describes the final GET. timeOrigin tells one document from the next.
NAVIGATION_TIMING = """
() => {
  const [entry] = performance.getEntriesByType('navigation');
  if (!entry || !entry.responseStart) return null;
  return {origin: performance.timeOrigin, ms: entry.responseStart - entry.requestStart};
}
"""
SLOW_MS = 300

# Namespaced URL names of every page checked in this session (see test_every_page.py).
VISITED_PAGES: set[str] = set()

# path pattern -> server times in ms, for every page watched in this session
PAGE_TIMINGS: dict[str, list[float]] = defaultdict(list)


def path_pattern(url: str) -> str:
    """/plans/12/goals/3/edit/?x=1 -> /plans/<id>/goals/<id>/edit/: numbers and tokens
    (signed, or long with digits) become <id>; slugs stay, they name the page."""
    segments = urlsplit(url).path.split("/")
    return "/".join("<id>" if _is_id(segment) else segment for segment in segments)


def _is_id(segment: str) -> bool:
    return (
        segment.isdigit()
        or ":" in segment
        or (len(segment) >= 20 and any(c.isdigit() for c in segment))
    )


def _axe_source() -> str:
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


def screenshot_path(name: str) -> str:
    """Where the screenshot `name` goes, under test-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return str(SCREENSHOTS / f"{name}.png")


class WatchedPage:
    """A page that records console errors, CSP violations, off-site requests, and, for
    every page it is asked to check, axe-core violations and the server's time."""

    def __init__(self, page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.problems: list[str] = []
        self._axe_checked: set[tuple[str, int]] = set()
        self._timed_documents: set[float] = set()
        # The main document's status, and which document (a count of them) it belongs to;
        # each document's status is judged once, by the first check that sees it.
        self._document_status: int | None = None
        self._documents = 0
        self._status_judged = 0
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
        request = response.request
        if request.is_navigation_request():
            if request.frame == self.page.main_frame and not 300 <= response.status < 400:
                self._document_status = response.status
                self._documents += 1
        elif response.status >= 400:
            self.problems.append(f"asset failed: {response.status} {response.url}")

    def visit(self, path: str, *, expect_status: int | None = None):
        response = self.page.goto(self.base_url + path)
        self.check(expect_status=expect_status)
        return response

    def check(self, *, expect_status: int | None = None) -> None:
        """Time the page now shown and run axe-core on it, once per URL in a test, and
        again when the same URL comes back as a form with its errors.

        `visit` calls this; call it after a click or a submit that lands on a new page.
        The page must have answered below 400, or `expect_status` when given."""
        self.page.wait_for_load_state("load")
        self._record_timing()
        url = self.page.url
        self._check_status(url, expect_status)
        self._record_page_name(url)
        seen = (url, self.page.locator("[aria-invalid=true]").count())
        if seen in self._axe_checked:
            return
        self._axe_checked.add(seen)
        # Evaluated through the DevTools protocol, so the site's CSP (no unsafe-inline, no
        # unsafe-eval) does not apply to injecting it, and axe itself adds no inline
        # script or style: the CSP listener above stays quiet about it.
        if not self.page.evaluate("typeof window.axe === 'object'"):
            self.page.evaluate(_axe_source())
        for violation in self.page.evaluate(AXE_RUN):
            if violation["impact"] not in AXE_FAILING_IMPACTS:
                continue
            targets = ", ".join(violation["targets"][:AXE_TARGETS_SHOWN])
            more = violation["count"] - AXE_TARGETS_SHOWN
            if more > 0:
                targets += f" (+{more} more)"
            # The first node's "fix any of the following" list, cut short: enough to
            # show a contrast ratio and its colours, or which label is missing.
            summary = " ".join(violation["summary"].split())[:200]
            self.problems.append(
                f"axe {violation['impact']} {violation['id']} on {urlsplit(url).path}: "
                f"{violation['help']}: {targets}. {summary}"
            )

    def _check_status(self, url: str, expected: int | None) -> None:
        status = self._document_status
        if status is None or self._status_judged == self._documents:
            return
        self._status_judged = self._documents
        if expected is not None and status != expected:
            self.problems.append(f"{urlsplit(url).path} answered {status}, expected {expected}")
        elif expected is None and status >= 400:
            self.problems.append(f"{urlsplit(url).path} answered {status} unexpectedly")

    def _record_page_name(self, url: str) -> None:
        from django.urls import Resolver404, resolve

        if not url.startswith(self.base_url):
            return
        with contextlib.suppress(Resolver404):
            VISITED_PAGES.add(resolve(urlsplit(url).path).view_name)

    def _record_timing(self) -> None:
        timing = self.page.evaluate(NAVIGATION_TIMING)
        if timing is None or timing["origin"] in self._timed_documents:
            return
        self._timed_documents.add(timing["origin"])
        PAGE_TIMINGS[path_pattern(self.page.url)].append(timing["ms"])

    def screenshot(self, name: str) -> None:
        """Save the page at each width under test-artifacts/screenshots/."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        size = self.page.viewport_size
        for label, width in WIDTHS.items():
            self.page.set_viewport_size({"width": width, "height": 900})
            self.page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", full_page=True)
        self.page.set_viewport_size(size)

    def assert_clean(self) -> None:
        """Check the page now shown too (a test may end on a page it clicked to)."""
        if not self.page.is_closed() and self.page.url.startswith(self.base_url):
            self.check()
        assert not self.problems, "\n".join(self.problems)


def timings_report() -> list[str]:
    """One line per path: how many times it was served, the slowest and the median."""
    lines = [
        "Server time per page (Navigation Timing responseStart - requestStart, ms);"
        f" over {SLOW_MS} ms is flagged, not failed; the session's first page also pays"
        " for the test server's warm-up",
        f"{'path':<48} {'n':>3} {'max':>7} {'median':>7}",
    ]
    for path, times in sorted(PAGE_TIMINGS.items(), key=lambda item: -max(item[1])):
        flag = "  SLOW" if max(times) > SLOW_MS else ""
        lines.append(
            f"{path:<48} {len(times):>3} {max(times):>7.0f} {statistics.median(times):>7.0f}{flag}"
        )
    return lines


def sign_in(watched: WatchedPage, user) -> None:
    """Sign in through the login form, with the suite's password."""
    page = watched.page
    watched.visit("/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(watched.base_url + "/")


def sign_in_by_cookie(watched: WatchedPage, user) -> None:
    """The browser gets a signed-in session cookie (the login form has its own tests)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    watched.page.context.clear_cookies()
    watched.page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": watched.base_url}]
    )
