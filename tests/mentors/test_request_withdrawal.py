"""When a mentor accepts, the physician's other open requests are withdrawn, unless the
physician chose to keep them, and each of those mentors is told at once, exactly once.
And a mentor reads the answer-by time on their own clock, on every page and email."""

import datetime
import zoneinfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cmo_portal.notifications.models import EmailLog
from mentors.models.mentorships import MentorshipStatus
from mentors.services.mentorships import (
    mentorship_accept,
    mentorship_answer,
    mentorship_ask_for_information,
    mentorship_request_create,
    mentorship_withdraw,
)
from tests.factories import MentorProfileFactory, MentorshipFactory, ProfileFactory, make_mentor
from tests.mentors.mentorships import status_of
from tests.pages import client_for, page_text

pytestmark = pytest.mark.django_db

MESSAGE = "I lead our sepsis programme and would value advice on moving into a CMO role."


def ask(run, mentee, mentor, **kwargs):
    return run(mentorship_request_create, mentee=mentee, mentor=mentor, message=MESSAGE, **kwargs)


@pytest.fixture
def three_asked(physician, run):
    """`physician` asked three mentors: Dr Chosen, Dr Waiting (not yet answered) and
    Dr Curious (who asked a question first)."""
    chosen = make_mentor("Dr Chosen")
    waiting = make_mentor("Dr Waiting")
    curious = make_mentor("Dr Curious")
    requests = {
        "chosen": ask(run, physician, chosen),
        "waiting": ask(run, physician, waiting),
        "curious": ask(run, physician, curious),
    }
    run(
        mentorship_ask_for_information,
        mentorship=requests["curious"],
        user=curious.user,
        question="Which hospital are you at?",
    )
    mail.outbox.clear()
    return requests


def test_accepting_withdraws_the_physicians_other_open_requests(physician, three_asked, run):
    chosen = three_asked["chosen"]
    untouched = MentorshipFactory(status="declined", mentee=physician)
    someone_elses = MentorshipFactory(mentor=three_asked["waiting"].mentor)

    run(mentorship_accept, mentorship=chosen, user=chosen.mentor.user)

    assert status_of(chosen) == MentorshipStatus.ACTIVE
    for name in ("waiting", "curious"):
        other = three_asked[name]
        assert status_of(other) == MentorshipStatus.WITHDRAWN
        assert other.withdrawn_for == chosen
    assert status_of(untouched) == MentorshipStatus.DECLINED
    assert status_of(someone_elses) == MentorshipStatus.REQUESTED


def test_each_withdrawn_mentor_is_told_at_once_without_the_other_mentors_name(
    physician, three_asked, run
):
    chosen = three_asked["chosen"]
    run(mentorship_accept, mentorship=chosen, user=chosen.mentor.user)

    told = {m.to[0]: m for m in mail.outbox}
    for name in ("waiting", "curious"):
        email = told[three_asked[name].mentor.user.email]
        assert "found a mentor" in email.subject
        assert "Dr Ada Owner has found a mentor" in email.body
        assert "Dr Chosen" not in email.body + email.subject
        assert "Dr Chosen" not in email.alternatives[0].content
        assert three_asked[name].get_absolute_url() in email.body


def test_the_physicians_acceptance_email_names_the_withdrawn_requests(physician, three_asked, run):
    chosen = three_asked["chosen"]
    run(mentorship_accept, mentorship=chosen, user=chosen.mentor.user)

    (accepted,) = [m for m in mail.outbox if m.to == [physician.email]]
    assert "Your other open requests were withdrawn" in accepted.body
    assert "- Dr Waiting" in accepted.body
    assert "- Dr Curious" in accepted.body
    assert len(mail.outbox) == 3  # the physician and the two mentors withdrawn


def test_a_withdrawal_is_told_exactly_once(physician, three_asked, run):
    chosen, waiting = three_asked["chosen"], three_asked["waiting"]
    run(mentorship_accept, mentorship=chosen, user=chosen.mentor.user)
    with pytest.raises(ValidationError):  # the same accept again changes nothing
        run(mentorship_accept, mentorship=chosen, user=chosen.mentor.user)
    with pytest.raises(ValidationError, match="withdrawn"):  # and it cannot be withdrawn twice
        run(mentorship_withdraw, mentorship=waiting, user=physician)

    logs = EmailLog.objects.filter(user=waiting.mentor.user, period_key__contains="withdrawn")
    assert list(logs.values_list("period_key", flat=True)) == [f"mentorship:{waiting.pk}:withdrawn"]
    assert [m.to for m in mail.outbox].count([waiting.mentor.user.email]) == 1


def test_a_physician_who_chose_to_keep_them_keeps_their_other_requests(physician, run):
    chosen = ask(run, physician, make_mentor("Dr Chosen"), keep_other_requests=True)
    waiting = ask(run, physician, make_mentor("Dr Waiting"))
    mail.outbox.clear()

    run(mentorship_accept, mentorship=chosen, user=chosen.mentor.user)

    assert status_of(waiting) == MentorshipStatus.REQUESTED
    assert [m.to for m in mail.outbox] == [[physician.email]]
    assert "withdrawn" not in mail.outbox[0].body


def test_an_accept_refused_for_capacity_withdraws_nothing(physician, three_asked, run):
    chosen = three_asked["chosen"]
    full = chosen.mentor
    full.capacity = 1
    full.save()
    MentorshipFactory(mentor=full, status="active")

    with pytest.raises(ValidationError, match="already mentor"):
        run(mentorship_accept, mentorship=chosen, user=full.user)

    assert status_of(three_asked["waiting"]) == MentorshipStatus.REQUESTED
    assert status_of(three_asked["curious"]) == MentorshipStatus.NEEDS_INFO
    assert mail.outbox == []


# --- The pages -------------------------------------------------------------------------


def test_the_request_form_offers_to_keep_the_others_and_withdraws_them_by_default(
    physician, mentor
):
    client = client_for(physician)
    url = reverse("mentors:request", args=[mentor.mentor_profile.pk])
    form = page_text(client.get(url))
    assert 'type="checkbox" name="keep_other_requests"' in form
    assert 'name="keep_other_requests" id="id_keep_other_requests" checked' not in form

    client.post(url, {"message": MESSAGE})
    assert physician.mentorships.get().keep_other_requests is False

    other = make_mentor("Dr Other")
    client.post(
        reverse("mentors:request", args=[other.pk]),
        {"message": MESSAGE, "keep_other_requests": "on"},
    )
    assert physician.mentorships.get(mentor=other).keep_other_requests is True


def test_the_physicians_page_says_which_requests_were_withdrawn(physician, three_asked, run):
    chosen = three_asked["chosen"]
    run(mentorship_accept, mentorship=chosen, user=chosen.mentor.user)

    page = page_text(client_for(physician).get(chosen.get_absolute_url()))
    assert "your other open requests were withdrawn" in page
    for name in ("waiting", "curious"):
        assert three_asked[name].get_absolute_url() in page
    assert "Dr Waiting" in page and "Dr Curious" in page

    # The accepting mentor does not see the physician's other requests.
    mentor_page = page_text(client_for(chosen.mentor.user).get(chosen.get_absolute_url()))
    assert "Dr Waiting" not in mentor_page


def test_a_withdrawn_request_says_why_without_naming_the_other_mentor(physician, three_asked, run):
    chosen, waiting = three_asked["chosen"], three_asked["waiting"]
    run(mentorship_accept, mentorship=chosen, user=chosen.mentor.user)

    mentor_page = page_text(client_for(waiting.mentor.user).get(waiting.get_absolute_url()))
    assert "Dr Ada Owner found a mentor, so this request was withdrawn." in mentor_page
    assert "Dr Chosen" not in mentor_page
    physician_page = page_text(client_for(physician).get(waiting.get_absolute_url()))
    assert "withdrawn when" in physician_page
    assert f'href="{chosen.get_absolute_url()}"' in physician_page


def test_the_accepted_mentorships_page_reads_the_same_whatever_the_number_withdrawn(physician, run):
    def queries_for_page(withdrawn: int) -> int:
        mentee = ProfileFactory().user
        chosen = ask(run, mentee, make_mentor("Dr Chosen"))
        for n in range(withdrawn):
            ask(run, mentee, make_mentor(f"Dr Other {n}"))
        run(mentorship_accept, mentorship=chosen, user=chosen.mentor.user)
        client = client_for(mentee)
        client.get(chosen.get_absolute_url())  # the session and caches warm
        with CaptureQueriesContext(connection) as queries:
            response = client.get(chosen.get_absolute_url())
        assert response.status_code == 200
        assert page_text(response).count("Dr Other") == withdrawn
        return len(queries)

    assert queries_for_page(1) == queries_for_page(2)


# --- The mentor's answer-by time, on the mentor's clock ---------------------------------

# A request at 20:00 UTC on 1 December 2026 expires at 20:00 UTC on the 4th: 05:00 on
# 5 December in Tokyo (UTC+9), 14:00 on 4 December in Chicago (UTC-6).
ASKED_AT = datetime.datetime(2026, 12, 1, 20, 0, tzinfo=datetime.UTC)
IN_TOKYO = "5 December 2026, 05:00"
IN_CHICAGO = "4 December 2026, 14:00"


@pytest.fixture
def tokyo_mentor(db):
    user = ProfileFactory(
        full_name="Dr Tokyo", time_zone="Asia/Tokyo", career_stage="physician_leader"
    ).user
    return MentorProfileFactory(user=user)


@pytest.fixture
def chicago_mentee(db):
    return ProfileFactory(full_name="Dr Chicago", time_zone="America/Chicago").user


def ask_from_chicago(run, mentee, mentor):
    """The physician's request, sent while their own zone is the active one."""
    with timezone.override(zoneinfo.ZoneInfo("America/Chicago")):
        return run(
            mentorship_request_create, mentee=mentee, mentor=mentor, message=MESSAGE, now=ASKED_AT
        )


def test_the_new_request_email_gives_the_answer_by_time_in_the_mentors_zone(
    run, tokyo_mentor, chicago_mentee
):
    ask_from_chicago(run, chicago_mentee, tokyo_mentor)

    (email,) = mail.outbox
    assert email.to == [tokyo_mentor.user.email]
    assert f"Please answer by {IN_TOKYO} (Asia/Tokyo time)" in email.body
    assert IN_CHICAGO not in email.body


def test_the_answered_email_gives_the_new_answer_by_time_in_the_mentors_zone(
    run, tokyo_mentor, chicago_mentee
):
    mentorship = ask_from_chicago(run, chicago_mentee, tokyo_mentor)
    run(
        mentorship_ask_for_information,
        mentorship=mentorship,
        user=tokyo_mentor.user,
        question="Where do you work?",
        now=ASKED_AT,
    )
    mail.outbox.clear()
    with timezone.override(zoneinfo.ZoneInfo("America/Chicago")):
        run(
            mentorship_answer, mentorship=mentorship, user=chicago_mentee, answer="A.", now=ASKED_AT
        )

    (email,) = mail.outbox
    assert f"Please answer by {IN_TOKYO} (Asia/Tokyo time)" in email.body


def test_the_mentors_dashboard_and_page_give_the_answer_by_time_in_the_mentors_zone(
    run, tokyo_mentor, chicago_mentee
):
    mentorship = ask_from_chicago(run, chicago_mentee, tokyo_mentor)
    mentor_client = client_for(tokyo_mentor.user)

    dashboard = page_text(mentor_client.get(reverse("mentors:dashboard")))
    assert f'Answer by <time datetime="2026-12-05T05:00+09:00">{IN_TOKYO} (Tokyo)' in dashboard
    page = page_text(mentor_client.get(mentorship.get_absolute_url()))
    assert f'Please answer by <time datetime="2026-12-05T05:00+09:00">{IN_TOKYO} (Tokyo)' in page
    assert IN_CHICAGO not in dashboard + page
    # The physician reads the same moment on their own clock.
    mentee_page = page_text(client_for(chicago_mentee).get(mentorship.get_absolute_url()))
    assert f"{IN_CHICAGO} (Chicago)" in mentee_page
