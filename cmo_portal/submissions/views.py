"""The answer a view gives to a form sent twice (see services.form_sent_once)."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from .services import AlreadySent

ALREADY_SENT = "That was already sent."


def already_sent(request: HttpRequest, repeat: AlreadySent, *, fallback: str) -> HttpResponse:
    """Back to what the first sending made (or to `fallback`), saying so."""
    messages.info(request, ALREADY_SENT)
    return redirect(repeat.leads_to or fallback)
