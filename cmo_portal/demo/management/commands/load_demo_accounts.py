"""Demo accounts for the embedded default: safe to run again, refused in production."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from cmo_portal import page_cache
from cmo_portal.demo.journeys import persona_journeys_load
from cmo_portal.demo.people import DEMO_ACCOUNTS, demo_accounts_load, demo_mentors_load
from cmo_portal.demo.personas import PERSONA_ACCOUNTS, PERSONAS
from cmo_portal.settings.env import mailer_from_url


class Command(BaseCommand):
    help = (
        "Create or refresh the demo physician, mentor, curriculum editor and superuser, "
        "the demo mentor profiles, and three demo physicians (a resident, a practising "
        "physician, a physician leader) with their journeys under way. Load the "
        "curriculum first for the journeys."
    )

    def handle(self, *args, **options) -> None:
        if not settings.ALLOW_DEMO_ACCOUNTS:
            raise CommandError(
                "Demo accounts have published passwords and are refused here "
                "(ALLOW_DEMO_ACCOUNTS is off, as it always is in production)."
            )
        created = demo_accounts_load((*DEMO_ACCOUNTS, *PERSONA_ACCOUNTS))
        # Then the demo mentors (the demo mentor account's mentor profile among them),
        # whom the personas' journeys need.
        mentors = demo_mentors_load()
        # The journeys go through the real services, which email the people involved:
        # those emails are made and logged as usual, but not printed to this console.
        with override_settings(MAILERS={"default": mailer_from_url("locmem://")}):
            journeys = persona_journeys_load()
        # The journeys write some rows in bulk: no cached page from before them is served.
        page_cache.topic_changed(page_cache.SITE)
        self.stdout.write("Demo accounts (development only; these passwords are public):")
        for account in (*DEMO_ACCOUNTS, *PERSONA_ACCOUNTS):
            state = "created" if account.email in created else "refreshed"
            self.stdout.write(
                f"  {account.label:<20} {account.email:<28} {account.password}  ({state})"
            )
        self.stdout.write(f"  and {mentors} demo mentor profiles (one waiting for approval).")
        self.stdout.write("Demo physicians with a journey under way:")
        for persona in PERSONAS:
            email = persona.account.email
            self.stdout.write(f"  {persona.account.label:<20} {persona.shows} ({journeys[email]})")
        if "waiting for the curriculum" in journeys.values():
            self.stdout.write(
                "  Run `manage.py load_curriculum`, then this command again, to give them "
                "their journeys."
            )
