"""A mentorship's message thread: who reads and writes it (and after the end), the
unread counts, the notice, the email of new messages batched so a burst makes one, sent
once, and the query budgets of the thread and the mentorship page at 1 and 200 messages."""

import datetime

import pytest
import time_machine
from celery import current_app
from django.core import mail
from django.urls import reverse

from cmo_portal.notifications.models import EmailLog, Notice, NoticeChoice, Topic
from cmo_portal.notifications.services import preferences_for
from cmo_portal.submissions.services import TOKEN_FIELD, form_token_new
from mentors.models.mentorships import Mentorship
from mentors.models.messages import Message
from mentors.services.mentorships import mentorship_end
from mentors.services.messages import (
    MESSAGE_EMAILS_SEND,
    message_emails_compose,
    message_emails_sweep,
    message_send,
)
from tests.mentors.budgets import MENTORSHIP_PAGE_BUDGET
from tests.pages import client_for, page_text

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 3, 9, 9, 0, tzinfo=datetime.UTC)


def minutes(n: float) -> datetime.datetime:
    return T0 + datetime.timedelta(minutes=n)


@pytest.fixture
def mentorship(physician, active_mentor) -> Mentorship:
    return physician.mentorships.get()


def thread_url(mentorship) -> str:
    return reverse("mentors:messages", args=[mentorship.pk])


def send_at(at, mentorship, sender, body="Hello"):
    with time_machine.travel(at, tick=False):
        return message_send(mentorship=mentorship, sender=sender, body=body)


def compose_at(at, mentorship, recipient, run):
    with time_machine.travel(at, tick=False):
        return run(message_emails_compose, mentorship_id=mentorship.pk, recipient_id=recipient.pk)


# --- Writing, reading, unread counts ----------------------------------------------------


def test_a_message_reaches_the_other_side_with_a_notice_and_counts(
    physician, active_mentor, mentorship
):
    response = client_for(physician).post(
        thread_url(mentorship), {"body": "Could we talk about the board?", TOKEN_FIELD: "x" * 32}
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert (message.sender, message.recipient) == (physician, active_mentor)
    notice = Notice.objects.get(user=active_mentor)
    assert notice.topic == Topic.MESSAGE
    assert notice.url == thread_url(mentorship)
    # The mentor's navigation (Mentoring) and mentorship page count it.
    mentor = client_for(active_mentor)
    assert 'Mentoring <span class="nav-count">1' in page_text(mentor.get("/"))
    page = page_text(mentor.get(mentorship.get_absolute_url()))
    assert "Could we talk about the board?" in page
    assert "(1 unread)" in page
    # Opening the thread reads the message and its notice.
    assert "Could we talk about the board?" in page_text(mentor.get(thread_url(mentorship)))
    message.refresh_from_db()
    notice.refresh_from_db()
    assert message.read_at is not None and notice.read_at is not None
    assert 'class="nav-count"' not in page_text(mentor.get("/"))


def test_the_mentees_list_counts_unread_messages(physician, active_mentor, mentorship):
    message_send(mentorship=mentorship, sender=active_mentor, body="One")
    message_send(mentorship=mentorship, sender=active_mentor, body="Two")
    text = page_text(client_for(physician).get(reverse("mentors:mentorships")))
    assert "2 unread messages" in text
    # A burst makes one notice, refreshed.
    assert Notice.objects.get(user=physician).text == "Dr Di Active sent you 2 new messages"


def test_the_same_form_sent_twice_makes_one_message(physician, mentorship):
    data = {"body": "Only once", TOKEN_FIELD: form_token_new()}
    client = client_for(physician)
    client.post(thread_url(mentorship), data)
    client.post(thread_url(mentorship), data)
    assert Message.objects.count() == 1


@pytest.mark.parametrize("body", ["", "   ", "x" * 4001])
def test_a_refused_message_keeps_what_was_typed(physician, mentorship, body):
    response = client_for(physician).post(thread_url(mentorship), {"body": body})
    assert response.status_code == 400
    assert not Message.objects.exists()
    if body.strip():
        assert body in page_text(response)


def test_strangers_support_and_anonymous_see_no_thread(
    mentorship, other_physician, support, mentor, client
):
    for user in (other_physician, support, mentor):
        assert client_for(user).get(thread_url(mentorship)).status_code == 404
        assert client_for(user).post(thread_url(mentorship), {"body": "Hi"}).status_code == 404
    assert client.get(thread_url(mentorship)).status_code == 302
    assert not Message.objects.exists()


def test_support_reading_the_mentorship_does_not_see_its_messages(physician, mentorship, support):
    message_send(mentorship=mentorship, sender=physician, body="Private words")
    response = client_for(support).get(mentorship.get_absolute_url())
    assert response.status_code == 200  # support reads the mentorship, logged
    assert "Private words" not in page_text(response)


def test_after_the_end_the_mentee_reads_and_the_mentor_keeps_nothing(
    physician, active_mentor, mentorship
):
    message_send(mentorship=mentorship, sender=active_mentor, body="Well done this year")
    mentorship_end(mentorship=mentorship, user=active_mentor, reason="Done.")
    mentee = client_for(physician)
    assert "Well done this year" in page_text(mentee.get(thread_url(mentorship)))
    assert "read-only" in page_text(
        mentee.post(thread_url(mentorship), {"body": "Thanks"}, follow=True)
    )
    assert Message.objects.count() == 1
    former = client_for(active_mentor)
    assert former.get(thread_url(mentorship)).status_code == 404
    assert "Well done this year" not in page_text(former.get(mentorship.get_absolute_url()))


def test_a_request_has_no_thread_yet(requested):
    assert client_for(requested.mentee).get(thread_url(requested)).status_code == 404


# --- The batched email --------------------------------------------------------------------


def test_a_burst_of_messages_makes_one_email_after_the_pause(
    physician, active_mentor, mentorship, run
):
    for at, body in ((0, "First"), (2, "Second"), (4, "Third")):
        send_at(minutes(at), mentorship, physician, body)
    assert compose_at(minutes(5), mentorship, active_mentor, run) is None  # still a burst
    assert mail.outbox == []
    log = compose_at(minutes(14.5), mentorship, active_mentor, run)
    assert log is not None
    assert len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert body.index("First") < body.index("Second") < body.index("Third")
    assert mail.outbox[0].subject == "3 messages from Dr Ada Owner"
    # Run again (a second task, a retry): nothing more.
    assert compose_at(minutes(15), mentorship, active_mentor, run) is None
    assert len(mail.outbox) == 1
    # The next burst is the next email, with only its own message.
    send_at(minutes(20), mentorship, physician, "Fourth")
    compose_at(minutes(31), mentorship, active_mentor, run)
    assert len(mail.outbox) == 2
    assert "Fourth" in mail.outbox[1].body and "Third" not in mail.outbox[1].body


def test_the_sweep_sends_what_a_lost_task_left_and_only_that(
    physician, active_mentor, mentorship, run
):
    # The messages' own tasks never ran (the broker lost them).
    send_at(minutes(0), mentorship, physician, "Lost in the queue")
    send_at(minutes(1), mentorship, active_mentor, "Still talking")

    def sweep_at(at):
        with time_machine.travel(at, tick=False):
            return run(message_emails_sweep)

    assert sweep_at(minutes(5)) == 0  # the burst is not over yet
    assert sweep_at(minutes(12)) == 2  # one email to each reader
    assert sorted(m.to[0] for m in mail.outbox) == sorted([active_mentor.email, physician.email])
    assert sweep_at(minutes(30)) == 0  # nothing twice
    assert len(mail.outbox) == 2


def test_a_conversation_that_never_pauses_is_emailed_after_the_longest_wait(
    physician, active_mentor, mentorship, run
):
    for at in range(0, 35, 5):
        send_at(minutes(at), mentorship, physician, f"Message at {at}")
        compose_at(minutes(at), mentorship, active_mentor, run)
    assert len(mail.outbox) == 1  # at 30 minutes, the first had waited long enough
    assert "Message at 0" in mail.outbox[0].body and "Message at 30" in mail.outbox[0].body


def test_messages_read_on_the_site_are_not_emailed(physician, active_mentor, mentorship, run):
    send_at(minutes(0), mentorship, physician, "Seen already")
    client_for(active_mentor).get(thread_url(mentorship))
    assert compose_at(minutes(30), mentorship, active_mentor, run) is None
    assert mail.outbox == []


@pytest.fixture
def queued(monkeypatch) -> list:
    """The email tasks queued, with their countdown, instead of run."""
    calls: list = []
    task = current_app.tasks[MESSAGE_EMAILS_SEND]
    monkeypatch.setattr(task, "apply_async", lambda **kwargs: calls.append(kwargs))
    return calls


def test_each_message_queues_the_email_task_a_quiet_period_later(
    physician, active_mentor, mentorship, run, queued
):
    run(message_send, mentorship=mentorship, sender=physician, body="Hi")
    assert queued == [{"args": (mentorship.pk, active_mentor.pk), "countdown": 600.0}]


def test_no_email_when_messages_are_site_only_and_no_task_is_queued(
    physician, active_mentor, mentorship, run, queued
):
    prefs = preferences_for(active_mentor)
    prefs.notice_message = NoticeChoice.SITE_ONLY
    prefs.save()
    run(message_send, mentorship=mentorship, sender=physician, body="Site only")
    assert queued == []
    assert Notice.objects.filter(user=active_mentor).exists()
    assert compose_at(minutes(60), mentorship, active_mentor, run) is None
    assert mail.outbox == []


def test_the_task_queued_by_name_composes_and_is_safe_twice(
    physician, active_mentor, mentorship, django_capture_on_commit_callbacks
):
    send_at(minutes(0), mentorship, physician, "By the task")
    task = current_app.tasks[MESSAGE_EMAILS_SEND]
    with (
        time_machine.travel(minutes(11), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        task.apply(args=(mentorship.pk, active_mentor.pk))
        task.apply(args=(mentorship.pk, active_mentor.pk))
    assert EmailLog.objects.filter(user=active_mentor).count() == 1
    assert len(mail.outbox) == 1


# --- Query budgets ------------------------------------------------------------------------

# Each budget is the count at one message; 200 must cost the same. The thread: the
# request's own (session, user, navigation with the unread counts), the mentorship with
# its people, the thread's counts and messages, and marking the reader's
# messages and their notices read.
THREAD_BUDGET = 7


def fill(mentorship, physician, active_mentor, size: int) -> None:
    people = (active_mentor, physician)  # the latest are unread, for either reader
    Message.objects.bulk_create(
        Message(
            mentorship=mentorship,
            sender=people[index % 2],
            recipient=people[(index + 1) % 2],
            body=f"Message {index}",
        )
        for index in range(size)
    )


@pytest.mark.parametrize("size", [1, 200])
def test_the_thread_page_costs_the_same_at_1_and_200_messages(
    physician, active_mentor, mentorship, size, django_assert_num_queries
):
    fill(mentorship, physician, active_mentor, size)
    client = client_for(physician)
    with django_assert_num_queries(THREAD_BUDGET):
        response = client.get(thread_url(mentorship))
    assert f"Message {size - 1}" in page_text(response)


@pytest.mark.parametrize("size", [1, 200])
def test_the_mentorship_page_costs_the_same_at_1_and_200_messages(
    physician, active_mentor, mentorship, size, django_assert_max_num_queries
):
    fill(mentorship, physician, active_mentor, size)
    client = client_for(active_mentor)
    with django_assert_max_num_queries(MENTORSHIP_PAGE_BUDGET):
        response = client.get(mentorship.get_absolute_url())
    assert f"Message {size - 1}" in page_text(response)
