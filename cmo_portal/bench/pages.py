"""The pages the benchmark measures, who views them, and what each costs in queries."""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from cmo_portal.accounts.models import User
from pathways.models.plan import CareerPlan

from .load import BASE_HEADERS, Request
from .report import BARE, FORTUNES

PHYSICIAN = "hospitalist@example.com"  # a demo persona with a journey under way
MENTOR = "mentor@example.com"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    viewer: str | None = None  # the email of who is signed in; None for a visitor


def bench_pages() -> list[Page]:
    """Every page of the issue, in the table's order; the plan and pathway are the
    physician persona's."""
    plan = (
        CareerPlan.objects.filter(owner__email=PHYSICIAN)
        .select_related("pathway")
        .order_by("pk")
        .first()
    )
    if plan is None:
        raise LookupError(f"{PHYSICIAN} has no plan: is the database seeded?")
    return [
        Page(BARE, "/bench/plain/"),
        Page(FORTUNES, "/bench/fortunes/"),
        Page("public pathways list", "/pathways/"),
        Page("competencies library", "/competencies/"),
        Page("opportunity board", "/opportunities/"),
        Page("pathway detail", f"/pathways/{plan.pathway.slug}/"),
        Page("physician dashboard", "/", PHYSICIAN),
        Page("results", "/results/", PHYSICIAN),
        Page("plan", f"/plans/{plan.pk}/", PHYSICIAN),
        Page("mentor suggestions", "/mentors/suggestions/", PHYSICIAN),
        Page("mentor dashboard", "/mentoring/dashboard/", MENTOR),
    ]


def _client() -> Client:
    return Client(SERVER_NAME="127.0.0.1", headers={k.lower(): v for k, v in BASE_HEADERS.items()})


def session_cookies(emails: set[str]) -> dict[str, str]:
    """A signed-in session for each person, made by Django's own login (through the
    session engine), with the CSRF cookie a browser holds after its first page:
    email -> the Cookie header that carries them."""
    cookies = {}
    for email in sorted(emails):
        client = _client()
        client.force_login(User.objects.get(email=email))
        client.get("/")  # sets the CSRF cookie, as the first page does in a browser
        names = (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
        cookies[email] = "; ".join(f"{name}={client.cookies[name].value}" for name in names)
    return cookies


def load_request(page: Page, cookies: dict[str, str]) -> Request:
    headers = {"Cookie": cookies[page.viewer]} if page.viewer else {}
    return Request(page.path, headers)


class PageBroken(Exception):
    pass


@override_settings(PAGE_CACHE=False)
def queries_per_request(page: Page, cookies: dict[str, str]) -> int:
    """The queries of one warm request to the page rendered (the second of two, once
    the caches of sessions and templates are filled; cmo_portal.page_cache off), through
    the test client in this process."""
    client = _client()
    if page.viewer:
        for pair in cookies[page.viewer].split("; "):
            name, value = pair.split("=", 1)
            client.cookies[name] = value
    client.get(page.path)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.path)
    if response.status_code != 200:
        raise PageBroken(f"{page.name} ({page.path}) answered {response.status_code}, not 200.")
    return len(captured)
