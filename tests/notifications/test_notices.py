"""In-site notices: `notify` by the person's choice per topic (shared by site and email),
exactly once per event, the notifications page with its POSTs, the count in the
navigation, and the four mentoring events that notify."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from cmo_portal.notifications.models import EmailLog, Notice, NoticeChoice, Topic
from cmo_portal.notifications.notices import notify
from cmo_portal.notifications.services import preferences_for
from mentors.services.feedback import plan_comment_add, plan_review_submit
from pathways.models.plan import PlanSection
from pathways.services.plan_items import goal_create
from tests.factories import submit_ratings
from tests.pages import client_for, page_text

pytestmark = pytest.mark.django_db

NOTICES = reverse("notifications:notices")
MONDAY = datetime.datetime(2026, 3, 9, 9, 0, tzinfo=datetime.UTC)


def goal_data(title: str) -> dict:
    return {"title": title, "section": PlanSection.values[0]}


def choose(user, topic: str, choice: str) -> None:
    prefs = preferences_for(user)
    setattr(prefs, f"notice_{topic}", choice)
    prefs.save()


def tell(user, key="meeting:1:confirmed", text="Your meeting is confirmed"):
    return notify(user, Topic.MEETING, text, "/mentoring/1/", key)


# --- notify --------------------------------------------------------------------------


def test_a_notice_is_written_and_emailed_once_per_event(physician, run):
    run(tell, physician)
    run(tell, physician)
    assert Notice.objects.filter(user=physician).count() == 1
    assert EmailLog.objects.filter(user=physician, period_key="meeting:1:confirmed").count() == 1
    assert len(mail.outbox) == 1
    assert "Your meeting is confirmed" in mail.outbox[0].subject
    assert "/mentoring/1/" in mail.outbox[0].body


def test_the_same_event_refreshes_an_unread_notice_and_adds_nothing_once_read(physician):
    tell(physician, text="Ana sent you a message")
    tell(physician, text="Ana sent you 2 new messages")
    notice = Notice.objects.get(user=physician)
    assert notice.text == "Ana sent you 2 new messages"
    Notice.objects.update(read_at=MONDAY)
    tell(physician, text="Ana sent you 3 new messages")
    notice.refresh_from_db()
    assert notice.text == "Ana sent you 2 new messages"
    assert notice.read_at is not None


@pytest.mark.parametrize(
    ("choice", "notices", "emails"),
    [(NoticeChoice.SITE_AND_EMAIL, 1, 1), (NoticeChoice.SITE_ONLY, 1, 0), (NoticeChoice.OFF, 0, 0)],
)
def test_one_choice_per_topic_decides_both_site_and_email(physician, run, choice, notices, emails):
    choose(physician, Topic.MEETING, choice)
    run(tell, physician)
    assert Notice.objects.filter(user=physician).count() == notices
    assert len(mail.outbox) == emails
    # Another topic keeps its own choice, the default: site and email.
    run(notify, physician, Topic.REVIEW, "Reviewed", "/plans/1/", "review:1")
    assert Notice.objects.filter(user=physician, topic=Topic.REVIEW).count() == 1


def test_the_email_needs_the_mentoring_emails_on_too(physician, run):
    prefs = preferences_for(physician)
    prefs.mentoring_emails = False
    prefs.save()
    run(tell, physician)
    assert Notice.objects.filter(user=physician).exists()
    assert mail.outbox == []


@pytest.mark.parametrize(
    "url", ["https://elsewhere.example/", "//elsewhere.example/", "javascript:x"]
)
def test_a_notice_links_only_to_a_page_of_the_site(physician, url):
    with pytest.raises(ValueError):
        notify(physician, Topic.MEETING, "Look", url, "meeting:2")
    assert not Notice.objects.exists()


# --- The page ------------------------------------------------------------------------


def test_the_page_lists_unread_first_and_marks_them(physician, other_physician):
    with time_machine.travel(MONDAY, tick=False):
        tell(physician, key="a", text="Older, unread")
    with time_machine.travel(MONDAY + datetime.timedelta(hours=1), tick=False):
        tell(physician, key="b", text="Newer, read")
    Notice.objects.filter(event="b").update(read_at=MONDAY)
    tell(other_physician, key="c", text="Someone else's")
    text = page_text(client_for(physician).get(NOTICES))
    assert text.index("Older, unread") < text.index("Newer, read")
    assert "Someone else's" not in text
    assert "1 unread." in text


def test_marking_one_read_is_a_post_of_ones_own_and_twice_is_once(physician, other_physician):
    mine, theirs = tell(physician), tell(other_physician)
    url = reverse("notifications:notice-read", args=[mine.pk])
    client = client_for(physician)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    mine.refresh_from_db()
    first_read = mine.read_at
    assert first_read is not None
    client.post(url)
    mine.refresh_from_db()
    assert mine.read_at == first_read
    client.post(reverse("notifications:notice-read", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(physician, other_physician):
    tell(physician, key="a")
    tell(physician, key="b")
    tell(other_physician, key="c")
    client_for(physician).post(reverse("notifications:notices-read"))
    assert not Notice.objects.unread().filter(user=physician).exists()
    assert Notice.objects.unread().filter(user=other_physician).count() == 1


def test_the_page_asks_for_sign_in(client):
    assert client.get(NOTICES).status_code == 302


def test_the_navigation_counts_unread_notices(physician):
    tell(physician, key="a")
    tell(physician, key="b")
    assert 'Notifications <span class="nav-count">2' in page_text(client_for(physician).get("/"))
    Notice.objects.update(read_at=MONDAY)
    assert 'class="nav-count"' not in page_text(client_for(physician).get(NOTICES))


@pytest.mark.parametrize("size", [1, 60])
def test_the_notices_page_and_the_count_cost_the_same_queries_at_any_size(
    physician, size, django_assert_num_queries
):
    for index in range(size):
        tell(physician, key=f"meeting:{index}")
    client = client_for(physician)
    # The session with its user, the navigation's roles with the counts, the notices.
    with django_assert_num_queries(3):
        response = client.get(NOTICES)
    assert response.status_code == 200


def test_the_preferences_page_saves_a_choice_per_topic(physician):
    response = client_for(physician).post(
        reverse("notifications:preferences"),
        {
            "digest_frequency": "weekly",
            "digest_weekday": "0",
            "time_zone": "UTC",
            "notice_message": "site",
        },
    )
    assert response.status_code == 302
    prefs = preferences_for(physician)
    assert prefs.notice_message == NoticeChoice.SITE_ONLY
    assert prefs.notice_review == NoticeChoice.SITE_AND_EMAIL


# --- The four mentoring events ---------------------------------------------------------


def test_a_mentors_comment_and_review_notify_the_mentee_with_their_one_email(
    physician, active_mentor, plan, run
):
    run(plan_comment_add, plan=plan, author=active_mentor, body="Start with the audit.")
    run(plan_review_submit, plan=plan, user=active_mentor, outcome="noted", summary="Sound.")
    topics = set(Notice.objects.filter(user=physician).values_list("topic", flat=True))
    assert topics == {Topic.COMMENT, Topic.REVIEW}
    # The existing emails, not a second generic one: one per event.
    assert len(mail.outbox) == 2
    assert EmailLog.objects.filter(user=physician).count() == 2


def test_the_review_email_follows_the_review_topic(physician, active_mentor, plan, run):
    choose(physician, Topic.REVIEW, NoticeChoice.SITE_ONLY)
    run(plan_review_submit, plan=plan, user=active_mentor, outcome="noted", summary="Sound.")
    assert Notice.objects.filter(user=physician, topic=Topic.REVIEW).exists()
    assert mail.outbox == []


def test_the_mentors_rating_notifies_the_mentee_once(physician, active_mentor, curriculum):
    levels = {competency: 2 for competency in curriculum["competencies"].values()}
    submit_ratings(physician, levels, rater=active_mentor, role="mentor")
    submit_ratings(physician, levels)  # the physician's own: no notice
    notice = Notice.objects.get(user=physician)
    assert notice.topic == Topic.RATING
    assert "Dr Di Active rated" in notice.text


def test_a_plan_change_after_a_review_tells_the_mentor_once_a_day(
    physician, active_mentor, plan, run
):
    with time_machine.travel(MONDAY, tick=False):
        goal_create(
            plan=plan, actor=physician, data=goal_data("Before any review")
        )  # no review yet
        assert not Notice.objects.filter(user=active_mentor).exists()
        run(plan_review_submit, plan=plan, user=active_mentor, outcome="noted", summary="Ok.")
        assert not Notice.objects.filter(user=active_mentor).exists()  # the mentor's own change
        run(goal_create, plan=plan, actor=physician, data=goal_data("Lead the sepsis audit"))
        run(goal_create, plan=plan, actor=physician, data=goal_data("Present to the board"))
    notices = Notice.objects.filter(user=active_mentor, topic=Topic.PLAN_CHANGE)
    assert notices.count() == 1
    assert EmailLog.objects.filter(user=active_mentor).count() == 1
    with time_machine.travel(MONDAY + datetime.timedelta(days=1), tick=False):
        run(goal_create, plan=plan, actor=physician, data=goal_data("Shadow the CMO"))
    assert notices.count() == 2
