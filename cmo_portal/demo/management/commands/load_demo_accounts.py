"""Demo accounts for the embedded default: safe to run again, refused in production."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cmo_portal.demo.people import DEMO_ACCOUNTS, demo_accounts_load, demo_mentors_load


class Command(BaseCommand):
    help = (
        "Create or refresh the demo physician, mentor, curriculum editor and superuser, "
        "and the demo mentor profiles."
    )

    def handle(self, *args, **options) -> None:
        if not settings.ALLOW_DEMO_ACCOUNTS:
            raise CommandError(
                "Demo accounts have published passwords and are refused here "
                "(ALLOW_DEMO_ACCOUNTS is off, as it always is in production)."
            )
        created = demo_accounts_load()
        # Then the demo mentors (the demo mentor account's mentor profile among them).
        mentors = demo_mentors_load()
        self.stdout.write("Demo accounts (development only; these passwords are public):")
        for account in DEMO_ACCOUNTS:
            state = "created" if account.email in created else "refreshed"
            self.stdout.write(
                f"  {account.label:<20} {account.email:<28} {account.password}  ({state})"
            )
        self.stdout.write(f"  and {mentors} demo mentor profiles (one waiting for approval).")
