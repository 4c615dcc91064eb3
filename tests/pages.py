"""Reading pages as a person does: a client signed in as someone, the login form posted,
a page's text, what a form field holds."""

import html
import re

from django.test import Client
from django.urls import reverse

from cmo_portal import time_zones
from tests.factories import PASSWORD


def page_text(response) -> str:
    """A response's HTML with its entities decoded, for assertions on what a person reads."""
    return html.unescape(response.content.decode())


def words_of(response) -> str:
    """The text of a response's <main> as a person reads it: tags dropped, entities
    decoded, every run of whitespace one space."""
    content = response.content.decode()
    main = re.search(r"<main\b.*?</main>", content, re.S)
    text = re.sub(r"<[^>]+>", "", main.group(0) if main else content)
    return " ".join(html.unescape(text).split())


def client_for(user) -> Client:
    """A client signed in as `user`, its session in their time zone as sign-in leaves it."""
    client = Client()
    if user is not None:
        client.force_login(user)
        if getattr(user, "profile", None) is not None:
            session = client.session
            session[time_zones.SESSION_KEY] = user.profile.time_zone
            session.save()
    return client


def textarea_value(response, name: str) -> str | None:
    """What the page's <textarea name=...> holds, or None when there is none."""
    found = re.search(
        rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', response.content.decode(), re.S
    )
    return html.unescape(found.group(1)).strip() if found else None


def log_in(client: Client, user):
    """Post the login form as `user` with the suite's password; the response."""
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
