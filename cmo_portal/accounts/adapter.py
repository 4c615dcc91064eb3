"""Every allauth hook the site changes, in one place."""

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string

from cmo_portal.notifications.models import EmailKind
from cmo_portal.notifications.services import email_queue
from cmo_portal.time_zones import time_zone_of, time_zone_remember


class AccountAdapter(DefaultAccountAdapter):
    def login(self, request, user) -> None:
        """Sign in, and keep the person's time zone in the session, so every page after
        this one shows their clock without a query. Someone without a profile yet keeps
        the zone their browser guessed."""
        super().login(request, user)
        if getattr(user, "profile", None) is not None:
            time_zone_remember(request, time_zone_of(user))

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
        """Render allauth's email in the request into the email log; a Celery task sends
        it once the request's transaction has committed, so the page never waits on SMTP.
        Each account email is its own period: two password resets are two emails."""
        message = self.render_mail(template_prefix, email, context)
        user = context.get("user")
        email_queue(
            message=message,
            kind=EmailKind.ACCOUNT,
            period_key=f"{template_prefix.rsplit('/', 1)[-1]}:{uuid.uuid4().hex}",
            user=user if getattr(user, "pk", None) else None,
        )
