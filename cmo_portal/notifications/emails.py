"""The one email renderer: `emails/<name>_subject.txt`, `emails/<name>_message.txt` and,
when there is one, `emails/<name>_message.html`; without it, the text is set in the
site's HTML layout, so every email is multipart."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string


def email_render(name: str, *, to: str, context: dict) -> EmailMultiAlternatives:
    context = {**context, "site_url": settings.SITE_URL}
    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    body = render_to_string(f"emails/{name}_message.txt", context).strip() + "\n"
    try:
        html = render_to_string(f"emails/{name}_message.html", context)
    except TemplateDoesNotExist:
        html = render_to_string(
            "emails/account_message.html",
            {"subject": subject, "body": body, "site_url": settings.SITE_URL},
        )
    message = EmailMultiAlternatives(subject=subject, body=body, to=[to])
    message.attach_alternative(html, "text/html")
    return message
