"""What an email provider tells the site about its deliveries, through django-anymail's
tracking webhooks (/anymail/<provider>/tracking/, signed in with ANYMAIL's
WEBHOOK_SECRET).

- A hard bounce, a spam complaint or a refusal by the provider marks the address
  undeliverable (UndeliverableAddress): the outbox sends it nothing more, account emails
  included, until support deletes the row.
- An unsubscribe through the provider (its own link, or its handling of List-Unsubscribe)
  turns off every email the person may turn off, as the site's own unsubscribe does for
  one kind; account emails still go, as they do after any unsubscribe.
- Every other event (delivered, opened, deferred, a soft bounce) changes nothing.

A provider sends an event again when it is not sure the site got it: the same event id
has one effect."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from anymail.signals import AnymailTrackingEvent, EventType
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from cmo_portal import clock

from . import services
from .models import PREFERENCE_FOR_KIND, UndeliverableAddress, UndeliverableReason

if TYPE_CHECKING:
    from django.contrib.auth.models import _User as User

REASON_FOR_EVENT = {
    EventType.BOUNCED: UndeliverableReason.BOUNCED,
    EventType.COMPLAINED: UndeliverableReason.COMPLAINED,
    EventType.REJECTED: UndeliverableReason.REJECTED,
}


def owner_of(address: str) -> User | None:
    """The person whose address this is: their account's address, or one of their other
    addresses (allauth's); None when it is nobody's."""
    users = get_user_model().objects
    user = users.filter(email__iexact=address).first()
    if user is None:
        other = EmailAddress.objects.filter(email__iexact=address).select_related("user").first()
        user = other.user if other is not None else None
    return user


def still_delivered_to(event: AnymailTrackingEvent) -> bool:
    """A bounce after which the provider keeps delivering to the address: Postmark calls
    a soft bounce a bounce, and says so with "Inactive": false."""
    esp_event = event.esp_event
    return isinstance(esp_event, dict) and esp_event.get("Inactive") is False


def address_mark_undeliverable(
    *,
    email: str,
    reason: str,
    provider: str,
    event_id: str = "",
    detail: str = "",
    now: datetime.datetime | None = None,
) -> UndeliverableAddress:
    """Record that the provider will not deliver to `email`: a new row, or one more
    report on the row the address has. A report with the event id of the row's latest
    changes nothing (the provider sent it again)."""
    now = now or clock.now()
    address = email.strip().lower()
    fields = {"reason": reason, "provider": provider[:40], "detail": detail[:500]}
    with transaction.atomic():
        row = UndeliverableAddress.objects.select_for_update().covering(address).first()
        if row is None:
            try:
                with transaction.atomic():
                    return UndeliverableAddress.objects.create(
                        email=address,
                        user=owner_of(address),
                        last_event_id=event_id[:200],
                        first_seen_at=now,
                        last_seen_at=now,
                        **fields,
                    )
            except IntegrityError:  # reported twice at the same moment
                row = UndeliverableAddress.objects.select_for_update().covering(address).get()
        if event_id and row.last_event_id == event_id[:200]:
            return row
        for name, value in fields.items():
            setattr(row, name, value)
        row.last_event_id = event_id[:200]
        row.events += 1
        row.last_seen_at = now
        row.save()
    return row


def provider_unsubscribe(*, email: str) -> bool:
    """Turn off every email the owner of `email` may turn off. Returns whether anyone's
    address it was."""
    user = owner_of(email)
    if user is None:
        return False
    with transaction.atomic():
        for kind in PREFERENCE_FOR_KIND:
            services.unsubscribe(user=user, kind=kind)
    return True


def tracking_event_record(*, event: AnymailTrackingEvent, provider: str) -> None:
    """Act on one event from a provider's tracking webhook (see the module's docstring)."""
    if not event.recipient:
        return
    if event.event_type == EventType.UNSUBSCRIBED:
        provider_unsubscribe(email=event.recipient)
        return
    reason = REASON_FOR_EVENT.get(event.event_type)
    if reason is None or still_delivered_to(event):
        return
    address_mark_undeliverable(
        email=event.recipient,
        reason=reason,
        provider=provider,
        event_id=event.event_id or "",
        detail=event.description or event.mta_response or "",
        now=event.timestamp,
    )


def tracking_received(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs) -> None:
    """The receiver of anymail's `tracking` signal (connected in apps.py)."""
    tracking_event_record(event=event, provider=esp_name)
