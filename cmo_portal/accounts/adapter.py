"""Every allauth hook the site changes, in one place."""

from allauth.account.adapter import DefaultAccountAdapter

from cmo_portal.notifications.services import email_enqueue


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render allauth's email in the request, send it from a Celery task once the
        request's transaction has committed, so the page never waits on SMTP."""
        message = self.render_mail(template_prefix, email, context)
        email_enqueue(message)
