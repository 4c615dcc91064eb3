"""Writes for a mentorship's message thread: sending, reading, and the email of new
messages, batched so that a burst of messages makes one email.

Each message queues the email task after the commit, MESSAGE_EMAIL_QUIET later. The task
composes one email of every message to that reader in that thread not yet read or
emailed, once the thread has been quiet that long (the last message's task finds it so),
or once the oldest has waited MESSAGE_EMAIL_MAX_WAIT (a conversation that never pauses).
A message read on the site before then is not emailed at all. The messages are locked
and marked emailed in the transaction that composes the email, and the email's key in
the outbox names them, so the same messages are emailed once however many tasks run."""

import datetime

from celery import current_app
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Min, Q
from django.urls import reverse

from cmo_portal import clock, page_cache
from cmo_portal.accounts.models import FORMER_MEMBER, User
from cmo_portal.notifications.emails import email_render
from cmo_portal.notifications.models import EmailKind, EmailLog, Topic
from cmo_portal.notifications.notices import notices_mark_read, notify, wants_email
from cmo_portal.notifications.services import email_queue
from cmo_portal.time_zones import time_zone_of
from mentors.models.mentorships import Mentorship
from mentors.models.messages import MESSAGE_MAX_LENGTH, Message
from mentors.selectors.messages import may_read_thread, may_write_thread

# The email task's stated name (mentors/tasks.py).
MESSAGE_EMAILS_SEND = "mentors.tasks.message_emails_send"
# A burst of messages ends when the thread has been quiet this long; its email goes then.
MESSAGE_EMAIL_QUIET = datetime.timedelta(minutes=10)
# However lively the thread, no message waits longer than this for its email.
MESSAGE_EMAIL_MAX_WAIT = datetime.timedelta(minutes=30)
# A task that arrives a little early (clocks differ between machines) still sends.
CLOCK_SLACK = datetime.timedelta(seconds=30)


def _thread_event(mentorship_id: int) -> str:
    return f"messages:{mentorship_id}:"


def _other(mentorship: Mentorship, user: User) -> User | None:
    if user.pk == mentorship.mentee_id:
        return mentorship.mentor.user if mentorship.mentor is not None else None
    return mentorship.mentee


@transaction.atomic
def message_send(*, mentorship: Mentorship, sender: User, body: str) -> Message:
    """A message from one participant of an active mentorship to the other, who is told
    on the site at once and by email after the burst (MESSAGE_EMAIL_QUIET)."""
    mentorship = Mentorship.objects.select_related("mentee__profile", "mentor__user__profile").get(
        pk=mentorship.pk
    )
    if not may_write_thread(mentorship, sender):
        raise PermissionDenied("Only the two people of an active mentorship write in its thread.")
    body = body.strip()
    if not body:
        raise ValidationError("Write a message before sending it.")
    if len(body) > MESSAGE_MAX_LENGTH:
        raise ValidationError(f"A message holds {MESSAGE_MAX_LENGTH} characters at most.")
    recipient = _other(mentorship, sender)
    message = Message.objects.create(
        mentorship=mentorship, sender=sender, recipient=recipient, body=body, created_at=clock.now()
    )
    if recipient is not None:
        _notice(mentorship, sender, recipient)
        if wants_email(recipient, Topic.MESSAGE):
            args = (mentorship.pk, recipient.pk)
            delay = MESSAGE_EMAIL_QUIET.total_seconds()
            transaction.on_commit(
                lambda: current_app.tasks[MESSAGE_EMAILS_SEND].apply_async(
                    args=args, countdown=delay
                )
            )
    return message


def _notice(mentorship: Mentorship, sender: User, recipient: User) -> None:
    """One notice for the messages the recipient has not read yet in this thread, named by
    the first of them: a burst refreshes it, and the next burst after reading is a new one."""
    unread = Message.objects.filter(
        mentorship=mentorship, recipient=recipient, read_at__isnull=True
    ).aggregate(first=Min("pk"), count=Count("pk"))
    count = unread["count"]
    text = (
        f"{sender.get_full_name()} sent you a message"
        if count == 1
        else f"{sender.get_full_name()} sent you {count} new messages"
    )
    notify(
        recipient,
        Topic.MESSAGE,
        text,
        mentorship_thread_url(mentorship.pk),
        f"{_thread_event(mentorship.pk)}{unread['first']}",
        email=False,  # the batched email below
    )


def mentorship_thread_url(pk: int) -> str:
    return reverse("mentors:messages", kwargs={"pk": pk})


def messages_mark_read(*, mentorship: Mentorship, reader: User) -> int:
    """The reader opened the thread: their messages in it, and its notices, are read.
    Returns how many messages were unread."""
    if not may_read_thread(mentorship, reader):
        return 0
    now = clock.now()
    count = Message.objects.filter(
        mentorship=mentorship, recipient=reader, read_at__isnull=True
    ).update(read_at=now)
    if count:
        notices_mark_read(user=reader, event_prefix=_thread_event(mentorship.pk))
        page_cache.pages_changed_for([reader.pk])  # their counts in the navigation
    return count


# --- The email of new messages ---------------------------------------------------------


@transaction.atomic
def message_emails_compose(
    *, mentorship_id: int, recipient_id: int, now: datetime.datetime | None = None
) -> EmailLog | None:
    """Compose the one email of the recipient's new messages in this thread, if the burst
    is over (see the module's docstring). Returns the email, or None when there is nothing
    to send yet, or nothing at all."""
    now = now or clock.now()
    pending = list(
        Message.objects.select_for_update()
        .filter(
            mentorship_id=mentorship_id,
            recipient_id=recipient_id,
            read_at__isnull=True,
            emailed_at__isnull=True,
        )
        .order_by("created_at", "pk")
    )
    if not pending:
        return None
    quiet = pending[-1].created_at <= now - MESSAGE_EMAIL_QUIET + CLOCK_SLACK
    waited = pending[0].created_at <= now - MESSAGE_EMAIL_MAX_WAIT + CLOCK_SLACK
    if not quiet and not waited:
        return None  # the burst goes on: a later message's task sends it
    Message.objects.filter(pk__in=[m.pk for m in pending]).update(emailed_at=now)
    mentorship = Mentorship.objects.select_related("mentee__profile", "mentor__user__profile").get(
        pk=mentorship_id
    )
    recipient = User.objects.select_related("profile").get(pk=recipient_id)
    if not may_read_thread(mentorship, recipient) or not wants_email(recipient, Topic.MESSAGE):
        return None
    names: dict[int | None, str] = {mentorship.mentee_id: mentorship.mentee.get_full_name()}
    if mentorship.mentor is not None:
        names[mentorship.mentor.user_id] = mentorship.mentor.user.get_full_name()
    other = _other(mentorship, recipient)
    message = email_render(
        "messages_new",
        to=recipient.email,
        context={
            "recipient_name": recipient.get_full_name(),
            "other_name": other.get_full_name() if other is not None else FORMER_MEMBER,
            "messages": [
                {
                    "sender": names.get(m.sender_id, FORMER_MEMBER),
                    "at": m.created_at,
                    "body": m.body,
                }
                for m in pending
            ],
            "link": settings.SITE_URL + mentorship_thread_url(mentorship_id),
        },
        user_id=recipient.pk,
        kind=EmailKind.MENTORING,
        time_zone=time_zone_of(recipient),
    )
    key = f"{_thread_event(mentorship_id)}{pending[0].pk}-{pending[-1].pk}"
    return email_queue(message=message, kind=EmailKind.MENTORING, period_key=key, user=recipient)


def message_emails_sweep(*, now: datetime.datetime | None = None, batch: int = 500) -> int:
    """Periodic: compose the emails a lost task left unsent (Redis lost, a worker gone).
    Every thread and reader with messages neither read nor emailed whose burst is over
    is composed as its own task would have; the messages' lock and the outbox's key keep
    it to one email. Returns how many emails were composed."""
    now = now or clock.now()
    due = (
        Message.objects.filter(read_at__isnull=True, emailed_at__isnull=True)
        .values("mentorship_id", "recipient_id")
        .annotate(first=Min("created_at"), last=Max("created_at"))
        .filter(
            Q(last__lte=now - MESSAGE_EMAIL_QUIET) | Q(first__lte=now - MESSAGE_EMAIL_MAX_WAIT),
            recipient_id__isnull=False,
        )
        .order_by("first")[:batch]
    )
    composed = 0
    for thread in list(due):
        log = message_emails_compose(
            mentorship_id=thread["mentorship_id"], recipient_id=thread["recipient_id"], now=now
        )
        composed += log is not None
    return composed
