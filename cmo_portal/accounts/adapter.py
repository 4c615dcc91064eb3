"""Every allauth hook the site changes, in one place."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string

from cmo_portal.notifications.services import email_enqueue


class AccountAdapter(DefaultAccountAdapter):
    def render_mail(
        self, template_prefix: str, email: str | list[str], context: dict, headers=None
    ) -> EmailMessage:
        """allauth's text email, with absolute links to this site and an HTML part in
        the site's look, so every account email is multipart."""
        context = {**context, "site_url": settings.SITE_URL}
        message = super().render_mail(template_prefix, email, context, headers=headers)
        if isinstance(message, EmailMultiAlternatives) and not message.alternatives:
            html = render_to_string(
                "emails/account_message.html",
                {"subject": message.subject, "body": message.body, "site_url": settings.SITE_URL},
            )
            message.attach_alternative(html, "text/html")
        return message

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's email in the request, send it from a Celery task once the
        request's transaction has committed, so the page never waits on SMTP."""
        message = self.render_mail(template_prefix, email, context)
        email_enqueue(message)
