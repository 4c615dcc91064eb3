"""Declining, withdrawing and ending ask first on a page of their own: GET shows what
happens and changes nothing, POST does it, and whoever was refused before still is."""

import pytest
from django.core import mail
from django.urls import reverse

from mentors.models.mentorships import Mentorship, MentorshipStatus
from tests.mentors.mentorships import status_of
from tests.pages import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def active(requested) -> Mentorship:
    Mentorship.objects.filter(pk=requested.pk).update(status=MentorshipStatus.ACTIVE)
    requested.refresh_from_db()
    return requested


def url(name: str, mentorship: Mentorship) -> str:
    return reverse(f"mentors:{name}", args=[mentorship.pk])


def test_the_mentorship_page_links_to_each_confirmation_instead_of_posting(
    physician, mentor, requested, active_mentor
):
    page = client_for(mentor).get(url("mentorship", requested)).text
    assert f'href="{url("decline", requested)}"' in page
    assert f'action="{url("decline", requested)}"' not in page
    page = client_for(physician).get(url("mentorship", requested)).text
    assert f'href="{url("withdraw", requested)}"' in page
    ongoing = Mentorship.objects.active().get(mentee=physician)
    page = client_for(physician).get(url("mentorship", ongoing)).text
    assert f'href="{url("end", ongoing)}"' in page and "button--danger" not in page
    # Ending is no longer right after the status: it sits after the dates, aside.
    assert page.index("mentorship-layout__side") < page.index(url("end", ongoing))


def test_the_decline_page_asks_with_the_reason_field_and_changes_nothing(mentor, requested):
    response = client_for(mentor).get(url("decline", requested))

    assert response.status_code == 200
    assert "Decline Dr Ada Owner&#x27;s request?" in response.text
    assert 'name="reason"' in response.text
    assert f'href="{url("mentorship", requested)}"' in response.text  # keep it open
    assert status_of(requested) == MentorshipStatus.REQUESTED and mail.outbox == []


def test_confirming_the_decline_declines_with_the_reason(
    mentor, requested, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(mentor).post(url("decline", requested), {"reason": "Away until June."})
    assert status_of(requested) == MentorshipStatus.DECLINED
    assert requested.decline_reason == "Away until June."
    assert len(mail.outbox) == 1


def test_a_reason_too_long_shows_the_page_again_with_what_was_typed(mentor, requested):
    typed = "x" * 2001
    response = client_for(mentor).post(url("decline", requested), {"reason": typed})
    assert response.status_code == 400
    assert typed in response.text and "Decline Dr Ada Owner&#x27;s request?" in response.text
    assert status_of(requested) == MentorshipStatus.REQUESTED


def test_the_withdraw_page_asks_then_confirming_withdraws(physician, requested):
    client = client_for(physician)
    page = client.get(url("withdraw", requested))
    assert page.status_code == 200 and "Withdraw your request?" in page.text
    assert status_of(requested) == MentorshipStatus.REQUESTED

    client.post(url("withdraw", requested))
    assert status_of(requested) == MentorshipStatus.WITHDRAWN


@pytest.mark.parametrize("side", ["physician", "mentor"])
def test_the_end_page_asks_with_the_reason_then_confirming_ends(request, active, side):
    user = request.getfixturevalue(side)
    client = client_for(user)
    page = client.get(url("end", active))
    assert page.status_code == 200 and "End the mentorship?" in page.text
    assert 'name="reason"' in page.text and "button--danger" in page.text
    assert status_of(active) == MentorshipStatus.ACTIVE

    client.post(url("end", active), {"reason": "We met our goals."})
    assert status_of(active) == MentorshipStatus.ENDED
    assert active.end_reason == "We met our goals."


def test_the_wrong_side_gets_no_confirmation_page(physician, mentor, other_physician, requested):
    assert client_for(physician).get(url("decline", requested)).status_code == 403
    assert client_for(mentor).get(url("withdraw", requested)).status_code == 403
    for name in ("decline", "withdraw", "end"):
        assert client_for(other_physician).get(url(name, requested)).status_code == 404


def test_support_may_read_but_gets_no_confirmation_page(support, active):
    assert client_for(support).get(url("end", active)).status_code == 403
    assert status_of(active) == MentorshipStatus.ACTIVE


def test_a_step_no_longer_possible_goes_back_with_a_message(physician, mentor, active):
    response = client_for(mentor).get(url("decline", active), follow=True)
    assert response.redirect_chain[-1][0] == url("mentorship", active)
    assert "cannot do that" in response.text
    Mentorship.objects.filter(pk=active.pk).update(status=MentorshipStatus.ENDED)
    assert client_for(physician).get(url("end", active)).status_code == 302
