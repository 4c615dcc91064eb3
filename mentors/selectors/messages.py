"""Reads for a mentorship's message thread: who may read and write it, the messages, and
the unread counts.

The thread is private to the two participants: support staff, who may see a mentorship
through the access rule, see none of it. While the mentorship is active both read and
write. After it ends the mentee keeps the thread to read, and the mentor keeps nothing,
as for the notes of meetings (issue 19). Before it starts (a request) there is no thread:
the request's message, question and answer are the conversation."""

from dataclasses import dataclass

from django.db.models import Count, Q

from cmo_portal.accounts.models import FORMER_MEMBER, FORMER_MENTOR, User, name_or_former
from mentors.models.mentorships import Mentorship, MentorshipStatus
from mentors.models.messages import Message

# The mentorship's page shows the latest few; the thread's page all, up to this many.
LATEST_ON_MENTORSHIP_PAGE = 5
THREAD_LIMIT = 1000


def may_read_thread(mentorship: Mentorship, user: User) -> bool:
    if mentorship.is_active:
        return mentorship.involves(user)
    return mentorship.status == MentorshipStatus.ENDED and mentorship.mentee_id == user.pk


def may_write_thread(mentorship: Mentorship, user: User) -> bool:
    return mentorship.is_active and mentorship.involves(user)


def mentorship_get_for_thread(*, user: User, pk: int) -> Mentorship | None:
    """The mentorship with its two people, if `user` is one of them; None otherwise."""
    mentorship = (
        Mentorship.objects.select_related("mentee__profile", "mentor__user__profile")
        .filter(pk=pk)
        .first()
    )
    return mentorship if mentorship is not None and mentorship.involves(user) else None


@dataclass
class Thread:
    mentorship: Mentorship
    messages: list[Message]
    may_write: bool
    unread: int = 0
    total: int = 0
    # The earliest unread message for the reader, where the page marks "New".
    first_unread_id: int | None = None


def _names(mentorship: Mentorship) -> dict[int | None, str]:
    """Each participant's name by user id, from the rows the mentorship loaded."""
    names: dict[int | None, str] = {mentorship.mentee_id: mentorship.mentee.get_full_name()}
    if mentorship.mentor is not None:
        names[mentorship.mentor.user_id] = name_or_former(mentorship.mentor, former=FORMER_MENTOR)
    return names


def thread_for_reader(
    mentorship: Mentorship, user: User, *, latest: int | None = None
) -> Thread | None:
    """The thread as `user` reads it (the latest `latest` messages, or all up to
    THREAD_LIMIT), or None when it is not theirs to read. Two queries: the counts, the
    messages."""
    if not may_read_thread(mentorship, user):
        return None
    counts = Message.objects.filter(mentorship=mentorship).aggregate(
        total=Count("pk"),
        unread=Count("pk", filter=Q(recipient=user, read_at__isnull=True)),
    )
    limit = latest or THREAD_LIMIT
    rows = list(
        Message.objects.filter(mentorship=mentorship).order_by("-created_at", "-pk")[:limit]
    )
    rows.reverse()
    names = _names(mentorship)
    for message in rows:  # for the page, from the rows the mentorship loaded
        message.sender_name = names.get(message.sender_id, FORMER_MEMBER)  # type: ignore[attr-defined]
        message.is_mine = message.sender_id == user.pk  # type: ignore[attr-defined]
    first_unread = next(
        (m.pk for m in rows if m.recipient_id == user.pk and m.read_at is None), None
    )
    return Thread(
        mentorship=mentorship,
        messages=rows,
        may_write=may_write_thread(mentorship, user),
        unread=counts["unread"],
        total=counts["total"],
        first_unread_id=first_unread,
    )


def unread_messages_by_mentorship(user: User) -> dict[int, int]:
    """The reader's unread messages per mentorship, in one query."""
    rows = (
        Message.objects.filter(recipient=user, read_at__isnull=True)
        .values("mentorship_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["mentorship_id"]: row["n"] for row in rows}


def unread_messages_attach(mentorships: list[Mentorship], user: User) -> list[Mentorship]:
    """Set `unread_messages` on each mentorship (for the list of mentorships): one query."""
    counts = unread_messages_by_mentorship(user)
    for mentorship in mentorships:
        readable = may_read_thread(mentorship, user)
        mentorship.unread_messages = counts.get(mentorship.pk, 0) if readable else 0  # type: ignore[attr-defined]
    return mentorships
