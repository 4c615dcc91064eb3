"""Writes to accounts and profiles, and the deletion of an account."""

import html
import json
from importlib import import_module

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from cmo_portal import clock

from .models import DataAccessLog, Profile, User
from .personal_data import personal_data_of


@transaction.atomic
def profile_save(*, user: User, data: dict) -> Profile:
    """Create or update the user's profile from validated form data. A new time zone
    moves the person's next digest and reminders to 8:00 in it."""
    profile, created = Profile.objects.select_for_update().get_or_create(user=user, defaults=data)
    zone_before = profile.time_zone
    for field, value in data.items():
        setattr(profile, field, value)
    profile.full_clean()
    profile.save()
    user.profile = profile
    # Digests and reminders start with the profile, at 8:00 in its time zone.
    from cmo_portal.notifications.services import preferences_for, preferences_reschedule

    if created or profile.time_zone != zone_before:
        # Preferences made before the profile were scheduled in UTC.
        preferences_reschedule(user=user)
    else:
        preferences_for(user)
    return profile


def profile_onboarding_mark(*, profile: Profile | None, flag: str) -> None:
    """Record an onboarding step that leaves no other trace (results seen, mentor step
    skipped): one write, the first time only. See cmo_portal/home/onboarding.py."""
    if profile is not None and not profile.onboarding.get(flag):
        profile.onboarding = {**profile.onboarding, flag: True}
        profile.save(update_fields=["onboarding", "updated_at"])


def data_access_log_record(*, entries: list[DataAccessLog]) -> None:
    """Write support views to the people's access logs (see cmo_portal/accounts/access.py:
    the rule collects them while a page is served, the middleware writes them once it
    was)."""
    DataAccessLog.objects.bulk_create(entries)


# --- Deleting an account ---------------------------------------------------------------

# What replaces a subject or an admin log line that named a deleted person.
REMOVED_MENTION = "(removed: it named an account that was deleted)"
LAST_SUPERUSER_REFUSAL = (
    "This is the only active superuser account: deleting it would leave no one able to "
    "run the site's admin. Make another person a superuser first, then delete this one."
)


def is_last_superuser(user: User) -> bool:
    """The only active superuser: deleting them would leave the site without one."""
    return (
        user.is_superuser
        and user.is_active
        and not User.objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk).exists()
    )


def _mentions_of(user: User) -> list[str]:
    """What names the person in text the site wrote: their addresses and their name, each
    as typed, as escaped in JSON and as escaped in HTML."""
    plain = {user.email, *EmailAddress.objects.filter(user=user).values_list("email", flat=True)}
    profile = Profile.objects.filter(user=user).first()
    if profile and len(profile.full_name.strip()) >= 3:  # a shorter one matches anything
        plain.add(profile.full_name.strip())
    forms: set[str] = set()
    for term in plain:
        for form in (term, html.escape(term)):
            forms.update((form, json.dumps(form)[1:-1]))
    return sorted(forms)


def _any_field_contains(names: tuple[str, ...], terms: list[str]) -> Q:
    q = Q()
    for name in names:
        for term in terms:
            q |= Q(**{f"{name}__icontains": term})
    return q


def _email_log_scrub(*, user: User, terms: list[str]) -> None:
    """Other people's emails that named the person ("Dr X accepted your request") keep
    their metadata and lose subject and body; one not yet sent is not sent. Emails to the
    person's addresses without their account on the row go entirely."""
    from cmo_portal.notifications.models import EmailLog, EmailStatus

    addresses = [term for term in terms if "@" in term]
    EmailLog.objects.filter(user__isnull=True, to_email__in=addresses).delete()
    naming = EmailLog.objects.exclude(user=user).filter(
        _any_field_contains(("subject", "payload"), terms)
    )
    naming.filter(status__in=(EmailStatus.PENDING, EmailStatus.RETRYING)).update(
        status=EmailStatus.SKIPPED, last_error="Not sent: it named an account that was deleted."
    )
    naming.update(subject=REMOVED_MENTION, payload={})


def _notices_scrub(*, user: User, terms: list[str]) -> None:
    """Other people's notifications that named the person ("Dr X sent you a message")
    keep their link and time and lose their text."""
    from cmo_portal.notifications.models import Notice

    Notice.objects.exclude(user=user).filter(_any_field_contains(("text",), terms)).update(
        text=REMOVED_MENTION
    )


def _admin_log_scrub(*, own: dict, terms: list[str]) -> None:
    """Admin's history keeps that something was changed, not who it was about: the lines
    about the person's records, or naming them, lose their description."""
    about = Q()
    for model, rows in own.items():
        if model._meta.auto_created:
            continue
        object_ids = [str(pk) for pk in rows.values_list("pk", flat=True)]
        if object_ids:
            content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
            about |= Q(content_type=content_type, object_id__in=object_ids)
    naming = _any_field_contains(("object_repr", "change_message"), terms)
    LogEntry.objects.filter(about | naming).update(object_repr=REMOVED_MENTION, change_message="")


def _sessions_end(user: User) -> None:
    """Log the person out everywhere: their stored sessions go (the database backends;
    a cache-only backend cannot be listed and expires on its own)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return
    for session in store.get_model_class().objects.filter(expire_date__gt=clock.now()):
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            store(session_key=session.session_key).delete()


@transaction.atomic
def account_delete(*, user_id: int) -> bool:
    """Delete the person and everything that is theirs; keep, anonymised, what they left
    on other people's records (cmo_portal/accounts/personal_data.py says which is
    which). A mentor's open requests are withdrawn and their mentorships ended by the
    deletion itself (`mentors.models.close_for_departing_mentor`); text the site wrote
    that names them (other people's email log, admin history) is scrubbed; their
    sessions end. Returns False when the account is already gone, so a
    repeated request does nothing. Refuses, with the reason, to delete the last active
    superuser."""
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        return False
    if is_last_superuser(user):
        raise ValidationError(LAST_SUPERUSER_REFUSAL)
    terms = _mentions_of(user)
    _admin_log_scrub(own=personal_data_of(user).own, terms=terms)
    _email_log_scrub(user=user, terms=terms)
    _notices_scrub(user=user, terms=terms)
    _sessions_end(user)
    user.delete()
    return True


def verification_email_resend(*, request, email: str) -> None:
    """Send the confirmation link again to `email` if it is an address waiting for
    verification. Says nothing either way (nobody learns which addresses have accounts),
    and allauth's limit on confirmation emails per address applies."""
    from allauth.core import ratelimit

    address = (
        EmailAddress.objects.filter(email__iexact=email, verified=False)
        .select_related("user")
        .first()
    )
    if address is None or not address.user.is_active:
        return
    if not ratelimit.consume(request, action="confirm_email", key=address.email.lower()):
        return
    address.send_confirmation(request)
