"""The first administrator of a new site, able to sign in before email works.

Sign-in needs a verified address (ACCOUNT_EMAIL_VERIFICATION is mandatory), and
`createsuperuser` leaves the address unverified, so its superuser waits for an email
that a new site may not send yet. This command creates the one superuser with the
address verified; every later administrator is made by an administrator, in the admin."""

import getpass

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse

from cmo_portal.accounts.models import User
from cmo_portal.settings.env import env

# The environment variable --no-input reads the password from (its name, not a password).
PASSWORD_VARIABLE = "DJANGO_ADMIN_PASSWORD"  # noqa: S105


class Command(BaseCommand):
    help = (
        "Create the site's first superuser, with a verified email address, so they can sign "
        "in before email works. Refused once any superuser exists. The password is asked "
        f"twice, or read from {PASSWORD_VARIABLE} with --no-input."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--email", required=True, help="The administrator's address.")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help=f"Ask nothing: read the password from {PASSWORD_VARIABLE}.",
        )

    def handle(self, *args, email: str, interactive: bool, **options) -> None:
        if User.objects.filter(is_superuser=True).exists():
            raise CommandError(
                "A superuser exists already: this command makes only the first one. Sign in "
                "as an administrator and give another account staff and superuser status "
                "in the admin (Users)."
            )
        email = _valid_email(email)
        password = self._password(interactive)
        try:
            validate_password(password, user=User(email=email))
        except ValidationError as error:
            raise CommandError("That password is refused: " + " ".join(error.messages)) from error
        with transaction.atomic():
            user = User.objects.create_superuser(email=email, password=password)
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        site = settings.SITE_URL
        self.stdout.write(
            self.style.SUCCESS(f"Created the superuser {user.email}, its address verified.")
        )
        self.stdout.write(
            f"Sign in at {site}{reverse('account_login')}. Before the admin opens, it asks "
            "for two-factor authentication: set up an authenticator app at "
            f"{site}{reverse('mfa_activate_totp')} (you are sent there from "
            f"{site}{reverse('admin:index')}), and keep the recovery codes it shows."
        )

    def _password(self, interactive: bool) -> str:
        if not interactive:
            password = env.str(PASSWORD_VARIABLE, default="")
            if not password:
                raise CommandError(
                    f"--no-input reads the password from {PASSWORD_VARIABLE}, which is not set."
                )
            return password
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password (again): ") != password:
            raise CommandError("The two passwords differ: nothing was created.")
        return password


def _valid_email(email: str) -> str:
    """The address as the user model keeps it (lower case), refused when it is not an
    address or another account has it already."""
    email = User.objects.normalize_email(email.strip()).lower()
    try:
        validate_email(email)
    except ValidationError as error:
        raise CommandError(f"{email!r} is not a valid email address.") from error
    if (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    ):
        raise CommandError(
            f"An account with {email} exists already: choose another address for the administrator."
        )
    return email
