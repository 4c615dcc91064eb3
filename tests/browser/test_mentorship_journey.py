"""A mentorship from the request to a plan action, in two browsers on one site:

the physician asks a mentor, who accepts; the mentor proposes the agreement and the
physician confirms it; the physician proposes meeting times, which each side reads in
both time zones; the mentor picks one and both get the invitation with its .ics file; a
message shows as unread in the other side's navigation; after the meeting (the clock
moved past it) the mentor writes a shared note whose action item the physician turns
into a plan action in one click, and finds it on the plan page.

Every control is activated from the keyboard (focused, then Enter or Space), so each
step also shows it is reachable without a mouse. The mentorship, meeting and
notifications pages are photographed at 390 and 1280 px in test-artifacts/screenshots/."""

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.core import mail

from cmo_portal import clock
from cmo_portal.notifications.models import EmailLog, Notice, Topic
from mentors.invitations import INVITATION_FILENAME, INVITATION_MIMETYPE
from mentors.models.agreements import MentorshipAgreement
from mentors.models.meetings import ActionItem, Meeting, MeetingStatus
from mentors.models.mentorships import Mentorship
from pathways.models.curriculum import Competency, Pathway
from pathways.models.plan import PlanAction
from pathways.services.curriculum import curriculum_load
from pathways.services.plan import plan_generate
from tests.browser.pages import WatchedPage, screenshot_path, sign_in
from tests.factories import (
    MentorProfileFactory,
    ProfileFactory,
    complete_assessment,
    submit_ratings,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MENTEE_ZONE = zoneinfo.ZoneInfo("America/Chicago")
MENTOR_ZONE = zoneinfo.ZoneInfo("Europe/London")
WIDTHS = {"phone": 390, "desktop": 1280}
ACTION_ITEM = "Draft a one-page memo on readmissions for the board"


@pytest.fixture
def mentor_page(browser, live_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield WatchedPage(context.new_page(), live_server.url)
    context.close()


def press(watched: WatchedPage, control, key: str = "Enter", *, navigates: bool = True) -> None:
    """Activate `control` from the keyboard: it must be shown and in the Tab order."""
    control.focus()
    assert control.is_visible()
    assert control.evaluate("el => el === document.activeElement && el.tabIndex >= 0"), control
    if not navigates:
        watched.page.keyboard.press(key)
        return
    with watched.page.expect_navigation():
        watched.page.keyboard.press(key)
    watched.check()


def photograph(watched: WatchedPage, name: str) -> None:
    """Screenshots at each width; at none of them is the page wider than the screen."""
    page = watched.page
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=screenshot_path(f"mentorship-journey-{name}-{label}"), full_page=True)
        scrolled = page.evaluate("document.documentElement.scrollWidth")
        assert scrolled <= width, f"{name} is {scrolled} px wide at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def main_text(watched: WatchedPage) -> str:
    return watched.page.locator("main").inner_text()


def nav_count(watched: WatchedPage, label: str) -> str:
    """The unread count beside a header navigation link ("" when none is shown)."""
    link = watched.page.locator("header nav a", has_text=label).first
    count = link.locator(".nav-count")
    return count.inner_text().split()[0] if count.count() else ""


def as_field(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def shown(moment: datetime.datetime) -> str:
    """How _meeting_when.html writes the first (the reader's) time."""
    return f"{moment:%A} {moment.day} {moment:%B %Y, %H:%M}"


def test_from_request_to_a_plan_action_through_agreement_meeting_messages_and_notes(
    watched_page, mentor_page
):
    curriculum_load()
    physician = ProfileFactory(full_name="Dr Maya Mentee", time_zone=MENTEE_ZONE.key).user
    pathway = Pathway.objects.get(slug="payer-cmo")
    complete_assessment(physician, pathway)
    competencies = list(Competency.objects.filter(targets__pathway=pathway).distinct())
    submit_ratings(physician, dict.fromkeys(competencies, 1))
    plan = plan_generate(owner=physician, pathway=pathway, actor=physician)
    goal = plan.goals.order_by("order").first()
    mentor = MentorProfileFactory(
        user=ProfileFactory(
            full_name="Dr Owen Mentor", career_stage="physician_leader", time_zone=MENTOR_ZONE.key
        ).user,
        time_zone=MENTOR_ZONE.key,
        teaches={goal.competency: 4},
    )
    page, other = watched_page.page, mentor_page.page

    # 1. The physician asks the mentor, naming the goal to work on.
    sign_in(watched_page, physician)
    watched_page.visit(f"/mentors/{mentor.pk}/")
    press(watched_page, page.locator(f"main a[href='/mentors/{mentor.pk}/request/']").first)
    page.get_by_label("Your message").fill("I aim for a payer CMO role within three years.")
    press(
        watched_page,
        page.get_by_label(re.compile(re.escape(goal.title))).first,
        " ",
        navigates=False,
    )
    press(watched_page, page.get_by_role("button", name="Send my request"))
    mentorship = Mentorship.objects.get(mentee=physician)
    assert mentorship.status == "requested"
    assert list(mentorship.goals.all()) == [goal]

    # 2. The mentor accepts.
    sign_in(mentor_page, mentor.user)
    mentor_page.visit(mentorship.get_absolute_url())
    press(mentor_page, other.get_by_role("button", name="Accept Dr Maya Mentee"))
    mentorship.refresh_from_db()
    assert mentorship.status == "active"

    # 3. The mentor proposes the agreement; the physician confirms it.
    press(mentor_page, other.get_by_role("link", name="Propose the agreement"))
    assert other.get_by_label(
        re.compile(re.escape(goal.title))
    ).first.is_checked()  # from the request
    other.get_by_label("How often you meet").select_option("fortnightly")
    other.get_by_label("How you meet").select_option(index=0)
    ends_on = clock.today() + datetime.timedelta(days=180)
    other.get_by_label("End date").fill(ends_on.isoformat())
    press(mentor_page, other.get_by_role("button", name="Propose the agreement"))
    assert "it waits for the other side to confirm" in main_text(mentor_page)

    watched_page.visit(mentorship.get_absolute_url())
    assert "Dr Owen Mentor proposed the agreement" in main_text(watched_page)
    press(watched_page, page.get_by_role("button", name="Confirm version 1"))
    assert "What you agreed" in main_text(watched_page)
    agreement = MentorshipAgreement.objects.get(mentorship=mentorship)
    assert agreement.is_confirmed and agreement.ends_on == ends_on

    # 4. The physician proposes two times, typed in their own zone (Chicago). The first
    # is a few minutes ahead, so the mentor can still pick it; the clock moves past it
    # for the notes.
    press(watched_page, page.get_by_role("link", name="Propose a meeting"))
    soon = (clock.now() + datetime.timedelta(minutes=6)).astimezone(MENTEE_ZONE)
    soon = soon.replace(second=0, microsecond=0)
    tomorrow = soon + datetime.timedelta(days=1, hours=2)
    page.get_by_label("What is the meeting for?").fill("Prepare the board interview")
    page.get_by_label("First time").fill(as_field(soon))
    page.get_by_label("Second time (optional)").fill(as_field(tomorrow))
    press(watched_page, page.get_by_role("button", name="Send the times"))
    meeting = Meeting.objects.get(mentorship=mentorship)
    assert sorted(t.starts_at for t in meeting.times.all()) == [soon, tomorrow]

    # Each side reads the times in their own zone first, then in the other's.
    times = page.locator(".meetings__time")
    assert times.count() == 2
    first = times.first.inner_text()
    assert shown(soon) in first and "(Chicago)" in first
    assert f"{soon.astimezone(MENTOR_ZONE):%H:%M} (London, for Dr Owen Mentor)" in first
    mentor_page.visit(meeting.get_absolute_url())
    first = other.locator(".meetings__time").first.inner_text()
    assert shown(soon.astimezone(MENTOR_ZONE)) in first and "(London)" in first
    assert f"{soon:%H:%M} (Chicago, for Dr Maya Mentee)" in first

    # 5. The mentor picks the first time: both are invited, with the calendar file.
    press(mentor_page, other.get_by_role("button", name="Pick this time").first)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED and meeting.starts_at == soon
    for person in (physician, mentor.user):
        [invitation] = [
            m for m in mail.outbox if m.to == [person.email] and "Invitation" in m.subject
        ]
        [ics] = [a for a in invitation.attachments if a.filename == INVITATION_FILENAME]
        assert ics.mimetype == INVITATION_MIMETYPE
        assert "METHOD:REQUEST" in ics.content and "BEGIN:VEVENT" in ics.content
        [logged] = EmailLog.objects.filter(user=person, period_key__contains=":scheduled:")
        assert [a["filename"] for a in logged.payload["attachments"]] == [INVITATION_FILENAME]
    photograph(mentor_page, "meeting")

    # 6. The mentor writes; the physician's navigation counts it, until it is read.
    mentor_page.visit(mentorship.get_absolute_url())
    other.get_by_role("textbox", name="Your message").fill("Bring the job description, please.")
    press(mentor_page, other.get_by_role("button", name="Send the message"))
    watched_page.visit("/")
    assert nav_count(watched_page, "Mentors") == "1"
    # Every step so far told the physician too: the acceptance, the mentor's agreement,
    # the meeting set, and now the message.
    unread = Notice.objects.filter(user=physician, read_at__isnull=True)
    assert sorted(unread.values_list("topic", flat=True)) == [
        Topic.AGREEMENT,
        Topic.MEETING,
        Topic.MESSAGE,
        Topic.REQUEST,
    ]
    assert nav_count(watched_page, "Notifications") == "4"
    press(watched_page, page.locator("header nav").get_by_role("link", name="Notifications"))
    notice = page.locator(".notice--unread", has_text="sent you a message")
    assert notice.inner_text().startswith("New")
    assert "Dr Owen Mentor sent you a message" in notice.inner_text()
    photograph(watched_page, "notifications")
    watched_page.visit(mentorship.get_absolute_url())
    assert "Bring the job description, please." in main_text(watched_page)
    photograph(watched_page, "mentorship")
    press(watched_page, page.get_by_role("link", name="Open the thread (1 unread)"))
    assert nav_count(watched_page, "Mentors") == ""
    assert nav_count(watched_page, "Notifications") == "3"  # the thread read its own notice

    # 7. After the meeting: the mentor's shared note, its action item into the plan.
    with time_machine.travel(soon + datetime.timedelta(minutes=70), tick=True):
        mentor_page.visit(meeting.get_absolute_url())
        other.get_by_role("textbox", name="Note", exact=True).fill(
            "We rehearsed the first three questions."
        )
        other.get_by_label("Action items (one a line)").fill(ACTION_ITEM)
        assert other.get_by_label("Shared with the other side").is_checked()
        press(mentor_page, other.get_by_role("button", name="Save the note"))
        assert "Your note was saved." in main_text(mentor_page)

        watched_page.visit(meeting.get_absolute_url())
        note = page.locator(".meeting-note", has_text=ACTION_ITEM)
        assert "Dr Owen Mentor's note" in note.inner_text() and "Shared" in note.inner_text()
        note.get_by_label("Goal").select_option(str(goal.pk))
        press(watched_page, note.get_by_role("button", name="Add to the plan"))
        assert f"“{ACTION_ITEM}” is now an action of the plan." in main_text(watched_page)
        photograph(watched_page, "meeting-after")
        action = PlanAction.objects.get(goal=goal, title=ACTION_ITEM)
        assert ActionItem.objects.get(title=ACTION_ITEM).action == action

        # The physician finds the action on the plan page, under its goal.
        watched_page.visit(plan.get_absolute_url())
        assert ACTION_ITEM in page.locator(f"#goal-{goal.pk}").inner_text()

    watched_page.assert_clean()
    mentor_page.assert_clean()
