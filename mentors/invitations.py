"""The meeting emails and the iCalendar invitation they carry (RFC 5545, with the
methods of RFC 5546): METHOD:REQUEST when a meeting is scheduled or moved, METHOD:CANCEL
when it is cancelled. The event's UID never changes, and its SEQUENCE grows with each
change, so a calendar app updates or removes the event it already has.

Each email is composed into the outbox in the transaction of the change, keyed by the
meeting, the event and the sequence: a retried request sends nothing twice."""

import datetime
import zoneinfo
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from icalendar import Calendar, Event, vCalAddress, vText

from cmo_portal import clock
from cmo_portal.accounts.models import User
from cmo_portal.notifications.emails import email_render
from cmo_portal.notifications.models import EmailKind, Topic
from cmo_portal.notifications.notices import notify
from cmo_portal.time_zones import time_zone_of, zone_label

from .models.meetings import Meeting, MeetingStatus

INVITATION_FILENAME = "invitation.ics"
# Django splits the type at "/" and takes no parameters: the method is in the file.
INVITATION_MIMETYPE = "text/calendar"


def _address(user: User, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{user.email}")
    address.params["CN"] = vText(user.get_full_name() or user.email)
    if role is not None:
        address.params["ROLE"] = vText(role)
        address.params["PARTSTAT"] = vText("ACCEPTED")
    return address


def meeting_ical(meeting: Meeting, *, now: datetime.datetime | None = None) -> bytes:
    """The invitation for `meeting` as it stands: a REQUEST while scheduled, a CANCEL
    once cancelled. The mentor organises (they chose the time); both attend. Times are
    in UTC, so every calendar app shows them in its own zone."""
    mentorship = meeting.mentorship
    if mentorship.mentor is None or meeting.starts_at is None:
        raise ValueError(f"Meeting {meeting.pk} has no mentor or no time to invite to.")
    mentee, mentor = mentorship.mentee, mentorship.mentor.user
    cancelled = meeting.status == MeetingStatus.CANCELLED
    link = settings.SITE_URL + meeting.get_absolute_url()
    calendar = Calendar()
    calendar.add("prodid", "-//CMO Pathways//Mentoring meetings//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", meeting.ical_uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", (now or clock.now()).astimezone(datetime.UTC))
    event.add("dtstart", meeting.starts_at.astimezone(datetime.UTC))
    event.add("dtend", meeting.ends_at.astimezone(datetime.UTC))  # type: ignore[union-attr]
    event.add("summary", f"Mentoring: {meeting.topic}")
    event.add("description", f"{mentee.get_full_name()} and {mentor.get_full_name()}.\n{link}")
    event.add("url", link)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("organizer", _address(mentor))
    event.add("attendee", _address(mentor, "CHAIR"))
    event.add("attendee", _address(mentee, "REQ-PARTICIPANT"))
    calendar.add_component(event)
    return calendar.to_ical()


# Event -> (template, who is told, with the invitation?)
MEETING_EVENTS = {
    "proposed": ("meeting_proposed", ("mentor",), False),
    "other_times": ("meeting_other_times", ("mentee",), False),
    "scheduled": ("meeting_scheduled", ("mentee", "mentor"), True),
    "moved": ("meeting_moved", ("mentee", "mentor"), True),
    "cancelled": ("meeting_cancelled", ("mentee", "mentor"), True),
}


# What the notice says of each event; {other} is the other side's name.
MEETING_NOTICES = {
    "proposed": "{other} proposed times for a meeting: pick one",
    "other_times": "{other} asked for other times for your meeting",
    "scheduled": "Your meeting with {other} is set",
    "moved": "Your meeting with {other} has moved",
    "cancelled": "Your meeting with {other} was cancelled",
}


def meeting_event_queue(meeting: Meeting, event: str) -> None:
    """Tell the side(s) `MEETING_EVENTS` names, in the site and by email as each chose for
    meetings; a scheduled, moved or cancelled meeting's email carries its invitation. Each email is one of a kind by (meeting, event, sequence or
    proposal round)."""
    template, sides, invitation = MEETING_EVENTS[event]
    mentorship = meeting.mentorship
    if mentorship.mentor is None:  # the mentor's account is gone: nobody to meet
        return
    if meeting.starts_at is None:  # proposed times withdrawn: nothing on a calendar yet
        invitation = False
        sides = tuple(side for side in sides if side != meeting.cancelled_by) or sides
    people = {"mentee": mentorship.mentee, "mentor": mentorship.mentor.user}
    ical = meeting_ical(meeting).decode() if invitation else None
    times = list(meeting.times.all()) if event == "proposed" else []
    for side in sides:
        recipient = people[side]
        other = people["mentor" if side == "mentee" else "mentee"]
        count = meeting.sequence if invitation else meeting.proposal_round
        notify(
            recipient,
            Topic.MEETING,
            MEETING_NOTICES[event].format(other=other.get_full_name()),
            meeting.get_absolute_url(),
            f"meeting:{meeting.pk}:{event}:{count}",
            email=partial(_meeting_email, template, meeting, times, recipient, other, ical),
        )


def _meeting_email(
    template: str, meeting: Meeting, times: list, recipient: User, other: User, ical: str | None
) -> EmailMessage:
    """The email of a meeting's event, in the recipient's zone, with its invitation."""
    message = email_render(
        template,
        to=recipient.email,
        context={
            "meeting": meeting,
            "times": times,
            "recipient_name": recipient.get_full_name(),
            "other_name": other.get_full_name(),
            "other_zone": time_zone_of(other),
            "other_zone_label": zone_label(zoneinfo.ZoneInfo(time_zone_of(other))),
            "link": meeting.get_absolute_url(),
        },
        user_id=recipient.pk,
        kind=EmailKind.MENTORING,
        time_zone=time_zone_of(recipient),
    )
    if ical is not None:
        message.attach(INVITATION_FILENAME, ical, INVITATION_MIMETYPE)
    return message
