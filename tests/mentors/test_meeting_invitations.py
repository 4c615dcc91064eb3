"""The iCalendar invitations of a meeting, read back as a calendar app reads them: from
the email log's payload and from the message the outbox sent. One UID for the meeting's
whole life, a SEQUENCE that grows with each change, METHOD:REQUEST then METHOD:CANCEL,
the start in UTC equal to the time chosen, the mentor organising and both attending."""

import datetime

import pytest
from django.core import mail
from django.core.mail import EmailMessage
from icalendar import Calendar

from cmo_portal.notifications.models import MESSAGE_REMOVED, EmailKind, EmailLog
from cmo_portal.notifications.services import email_from_payload, email_to_payload
from mentors.invitations import INVITATION_FILENAME
from mentors.models.meetings import Meeting
from mentors.models.mentorships import Mentorship
from mentors.services.meetings import (
    meeting_cancel,
    meeting_move,
    meeting_propose,
    meeting_schedule,
)

pytestmark = pytest.mark.django_db

START = datetime.datetime(2030, 3, 4, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def mentorship(physician, active_mentor) -> Mentorship:
    return Mentorship.objects.get(mentee=physician, mentor__user=active_mentor)


@pytest.fixture
def scheduled(run, mentorship, physician, active_mentor) -> Meeting:
    meeting = run(
        meeting_propose,
        mentorship=mentorship,
        user=physician,
        topic="The interview",
        times=[START, START + datetime.timedelta(days=1)],
    )
    picked = meeting.times.get(starts_at=START)
    return run(meeting_schedule, meeting=meeting, user=active_mentor, time_id=picked.pk)


def _event(ics: str | bytes):
    calendar = Calendar.from_ical(ics)
    events = [c for c in calendar.walk("VEVENT")]
    assert len(events) == 1
    return calendar, events[0]


def _logged_invitations(user, event: str) -> list[str]:
    rows = EmailLog.objects.filter(user=user, period_key__contains=f":{event}:").order_by("pk")
    found = []
    for row in rows:
        files = [a for a in row.payload["attachments"] if a["filename"] == INVITATION_FILENAME]
        assert len(files) == 1, row.period_key
        found.append(files[0]["content"])
    return found


def test_the_invitation_names_the_chosen_time_in_utc_and_both_people(
    scheduled, physician, active_mentor
):
    for person in (physician, active_mentor):
        [ics] = _logged_invitations(person, "scheduled")
        calendar, event = _event(ics)
        assert calendar["METHOD"] == "REQUEST"
        assert event.decoded("DTSTART") == START
        assert event.decoded("DTSTART").utcoffset() == datetime.timedelta(0)
        assert event["UID"] == scheduled.ical_uid
        assert event["SEQUENCE"] == 0
        assert str(event["ORGANIZER"]) == f"mailto:{active_mentor.email}"
        attendees = {str(a) for a in event.get("ATTENDEE")}
        assert attendees == {f"mailto:{physician.email}", f"mailto:{active_mentor.email}"}


def test_the_sent_message_carries_the_invitation_as_a_calendar_file(scheduled, physician):
    sent = [m for m in mail.outbox if m.to == [physician.email] and "Invitation" in m.subject]
    assert len(sent) == 1
    [attachment] = [a for a in sent[0].attachments if a.filename == INVITATION_FILENAME]
    assert attachment.mimetype == "text/calendar"
    _, event = _event(attachment.content)
    assert event["UID"] == scheduled.ical_uid
    wire = sent[0].message().as_string()
    assert "Content-Type: text/calendar" in wire
    assert 'filename="invitation.ics"' in wire


def test_a_move_keeps_the_uid_raises_the_sequence_and_sends_the_new_time(
    run, scheduled, physician, active_mentor
):
    later = START + datetime.timedelta(days=3, hours=2)
    run(meeting_move, meeting=scheduled, user=physician, starts_at=later)
    run(
        meeting_move,
        meeting=scheduled,
        user=active_mentor,
        starts_at=later + datetime.timedelta(hours=1),
    )

    moves = _logged_invitations(active_mentor, "moved")
    assert len(moves) == 2
    sequences = []
    for ics in moves:
        calendar, event = _event(ics)
        assert calendar["METHOD"] == "REQUEST"
        assert event["UID"] == scheduled.ical_uid
        sequences.append(event["SEQUENCE"])
    assert sequences == [1, 2]
    assert _event(moves[0])[1].decoded("DTSTART") == later


def test_a_cancellation_is_method_cancel_with_the_same_uid_and_a_higher_sequence(
    run, scheduled, physician, active_mentor
):
    run(meeting_cancel, meeting=scheduled, user=active_mentor)

    for person in (physician, active_mentor):
        [ics] = _logged_invitations(person, "cancelled")
        calendar, event = _event(ics)
        assert calendar["METHOD"] == "CANCEL"
        assert event["STATUS"] == "CANCELLED"
        assert event["UID"] == scheduled.ical_uid
        assert event["SEQUENCE"] == 1
        assert event.decoded("DTSTART") == START


def test_each_invitation_is_logged_and_sent_once_however_often_it_is_queued(
    run, scheduled, physician
):
    from mentors.invitations import meeting_event_queue

    scheduled.refresh_from_db()
    before = len(mail.outbox)
    run(meeting_event_queue, scheduled, "scheduled")
    assert len(mail.outbox) == before
    assert EmailLog.objects.filter(user=physician, period_key__contains=":scheduled:").count() == 1


def test_proposed_times_go_to_the_mentor_without_an_invitation(
    run, mentorship, physician, active_mentor
):
    active_mentor.profile.time_zone = "Europe/London"
    active_mentor.profile.save()
    run(meeting_propose, mentorship=mentorship, user=physician, topic="Budget", times=[START])
    row = EmailLog.objects.get(user=active_mentor, period_key__contains=":proposed:")
    assert row.kind == EmailKind.MENTORING
    assert row.payload["attachments"] == []
    # 15:00 UTC is 15:00 in London and 09:00 in Chicago, each named.
    assert "15:00 (Europe/London)" in row.payload["body"]
    assert "09:00 for Dr Ada Owner (Chicago)" in row.payload["body"]


# --- The outbox's attachments ---------------------------------------------------------


def test_a_payload_round_trips_text_and_binary_attachments():
    message = EmailMessage(subject="Hi", body="Body", to=["a@example.com"])
    message.attach("invitation.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    message.attach("file.bin", b"\x00\x01\xff", "application/octet-stream")
    rebuilt = email_from_payload(email_to_payload(message))
    assert [(a.filename, a.content, a.mimetype) for a in rebuilt.attachments] == [
        ("invitation.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar"),
        ("file.bin", b"\x00\x01\xff", "application/octet-stream"),
    ]


def test_a_payload_logged_before_attachments_still_builds():
    payload = email_to_payload(EmailMessage(subject="Old", body="Body", to=["a@example.com"]))
    del payload["attachments"]
    assert email_from_payload(payload).attachments == []


def test_an_account_emails_message_goes_with_its_attachments(user_with_account_email):
    row = user_with_account_email
    assert row.payload == MESSAGE_REMOVED
    assert "attachments" not in row.payload


@pytest.fixture
def user_with_account_email(physician):
    """An account email with an attachment, sent: its whole message is removed."""
    from cmo_portal.notifications.services import email_log_deliver, email_queue

    message = EmailMessage(subject="Confirm", body="Link", to=[physician.email])
    message.attach("note.txt", "secret link", "text/plain")
    log = email_queue(
        message=message, kind=EmailKind.ACCOUNT, period_key="confirm:1", user=physician
    )
    assert log is not None and log.payload["attachments"]
    email_log_deliver(log.pk)
    log.refresh_from_db()
    return log
