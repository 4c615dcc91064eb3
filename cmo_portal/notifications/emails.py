"""The one email renderer: `emails/<name>_subject.txt`, `emails/<name>_message.txt` and,
when there is one, `emails/<name>_message.html`; without it, the text is set in the
site's HTML layout, so every email is multipart. Links are absolute. An email of a kind
a person can turn off carries a one-click unsubscribe link, in its footer and in the
List-Unsubscribe and List-Unsubscribe-Post headers (RFC 8058)."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import PREFERENCE_FOR_KIND
from .tokens import unsubscribe_token


def unsubscribe_url(user_id: int, kind: str, *, key: str | None = None) -> str:
    token = unsubscribe_token(user_id, kind, key=key)
    return settings.SITE_URL + reverse("notifications:unsubscribe", kwargs={"token": token})


def email_render(
    name: str,
    *,
    to: str,
    context: dict,
    user_id: int | None = None,
    kind: str | None = None,
    time_zone: str | None = None,
    unsubscribe_key: str | None = None,
) -> EmailMultiAlternatives:
    """Render in the recipient's time zone (dates and times in the email are theirs).
    A batch passes each person's unsubscribe key, saving a query per email."""
    with timezone.override(time_zone or "UTC"):
        return _render(
            name,
            to=to,
            context=context,
            user_id=user_id,
            kind=kind,
            time_zone=time_zone or "UTC",
            unsubscribe_key=unsubscribe_key,
        )


def _render(
    name, *, to, context, user_id, kind, time_zone, unsubscribe_key
) -> EmailMultiAlternatives:
    context = {**context, "site_url": settings.SITE_URL, "time_zone_label": time_zone}
    headers = {}
    if user_id is not None and kind in PREFERENCE_FOR_KIND:
        context["unsubscribe_url"] = unsubscribe_url(user_id, kind, key=unsubscribe_key)
        context["preferences_url"] = settings.SITE_URL + reverse("notifications:preferences")
        headers = {
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    body = render_to_string(f"emails/{name}_message.txt", context).strip() + "\n"
    try:
        html = render_to_string(f"emails/{name}_message.html", context)
    except TemplateDoesNotExist:
        html = render_to_string(
            "emails/account_message.html",
            {**context, "subject": subject, "body": body},
        )
    if "unsubscribe_url" in context:
        body += render_to_string("emails/_unsubscribe_footer.txt", context)
    message = EmailMultiAlternatives(subject=subject, body=body, to=[to], headers=headers)
    message.attach_alternative(html, "text/html")
    return message
