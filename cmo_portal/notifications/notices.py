"""In-site notices, and the email that goes with each, by the person's preference for its
topic (one choice per topic, shared by the site and email: NoticeChoice).

`notify` is called inside the transaction of whatever happened, like `email_queue`: a
rolled back change leaves no notice and sends nothing. A notice is one per (user, event):
told again while unread, it is refreshed (a burst of messages makes one notice); once
read, the same event adds nothing. Its email goes through the outbox under the same
event as period key, so it is sent once."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.urls import reverse

from cmo_portal import clock
from cmo_portal.time_zones import time_zone_of

from .emails import email_render
from .models import EmailKind, Notice, NoticeChoice, NotificationPreferences, Topic
from .services import email_queue

if TYPE_CHECKING:
    from django.contrib.auth.models import _User as User

# How many notices the list shows, unread first: older read ones are not kept in view.
LIST_LIMIT = 100

EmailOption = Callable[[], EmailMessage] | Literal[False] | None


def notice_choice(user: User, topic: str) -> str:
    """The person's choice for `topic`; the default (site and email) before they chose."""
    prefs = NotificationPreferences.objects.filter(user=user).first()
    return prefs.notice_choice(topic) if prefs is not None else NoticeChoice.SITE_AND_EMAIL


def wants_site(user: User, topic: str) -> bool:
    return notice_choice(user, topic) != NoticeChoice.OFF


def wants_email(user: User, topic: str) -> bool:
    """Whether the topic's email is wanted (the outbox also checks the address is verified
    and mentoring emails are on)."""
    return notice_choice(user, topic) == NoticeChoice.SITE_AND_EMAIL


def _safe_path(url: str) -> str:
    if not url.startswith("/") or url.startswith("//"):
        raise ValueError(f"A notice links to a path on this site, not {url!r}.")
    return url[:500]


def notify(
    user: User | None,
    topic: str,
    text: str,
    url: str,
    key: str,
    *,
    email: EmailOption = None,
) -> Notice | None:
    """Tell `user` that something happened: an in-site notice linking to `url` (a path
    on this site) and, if they want it, an email. `key` names the event (exactly once
    per user). `email`: None for the generic email (the text and the link), a callable
    returning the message to send instead (rendered only when wanted), or False for none
    (the caller sends its own, as the batched message emails do). Returns the notice, or
    None when the person turned the topic off or cannot be told."""
    Topic(topic)  # an unknown topic is a programming error
    if user is None or not user.is_active:
        return None
    choice = notice_choice(user, topic)
    if choice == NoticeChoice.OFF:
        return None
    notice = _notice_write(user, topic=topic, text=text, url=_safe_path(url), key=key[:80])
    if choice == NoticeChoice.SITE_AND_EMAIL and email is not False:
        message = email() if email is not None else _generic_email(user, notice)
        email_queue(message=message, kind=EmailKind.MENTORING, period_key=key, user=user)
    return notice


def _notice_write(user: User, *, topic: str, text: str, url: str, key: str) -> Notice:
    now = clock.now()
    text = " ".join(text.split())[:300]
    with transaction.atomic():
        notice, created = Notice.objects.get_or_create(
            user=user,
            event=key,
            defaults={
                "topic": topic,
                "text": text,
                "url": url,
                "created_at": now,
                "updated_at": now,
            },
        )
    if not created and notice.read_at is None:  # saved, so the page cache hears of it
        notice.text, notice.url, notice.updated_at = text, url, now
        notice.save(update_fields=["text", "url", "updated_at"])
    return notice


def _generic_email(user: User, notice: Notice) -> EmailMessage:
    return email_render(
        "notice",
        to=user.email,
        context={
            "recipient_name": user.get_full_name(),
            "text": notice.text,
            "link": settings.SITE_URL + notice.url,
            "topic_label": Topic(notice.topic).label,
            "notices_link": settings.SITE_URL + reverse("notifications:notices"),
        },
        user_id=user.pk,
        kind=EmailKind.MENTORING,
        time_zone=time_zone_of(user),
    )


# --- Reading and marking read ------------------------------------------------------------


def notices_for(user: User) -> list[Notice]:
    """The person's notices, unread first, newest first within each; LIST_LIMIT at most."""
    unread_first = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return list(
        Notice.objects.filter(user=user).order_by(unread_first.desc(), "-updated_at", "-pk")[
            :LIST_LIMIT
        ]
    )


def unread_count(user: User) -> int:
    return Notice.objects.unread().filter(user=user).count()


def notice_mark_read(*, user: User, pk: int) -> bool:
    """Mark one of the person's notices read. Returns whether it was unread (marking it
    twice does nothing more)."""
    return bool(Notice.objects.unread().filter(user=user, pk=pk).update(read_at=clock.now()))


def notices_mark_read(*, user: User, event_prefix: str = "") -> int:
    """Mark the person's unread notices read: all of them, or those whose event starts
    with `event_prefix` (the thread's page marks "messages:<mentorship>:" read)."""
    unread = Notice.objects.unread().filter(user=user)
    if event_prefix:
        unread = unread.filter(event__startswith=event_prefix)
    return unread.update(read_at=clock.now())
