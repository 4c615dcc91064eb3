"""The mentorship agreement: either side proposes it (goals from the mentee's plans,
cadence, format, confidentiality, an end date), the other confirms, and it holds once
both have; a revision is a new version that needs both again, and earlier versions are
kept. The other side is told through the outbox, once per event."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cmo_portal import clock
from cmo_portal.notifications.models import EmailLog
from mentors.models.agreements import MentorshipAgreement
from mentors.models.mentorships import Mentorship
from mentors.services.agreements import agreement_confirm, agreement_propose
from mentors.services.mentorships import mentorship_end
from tests.factories import (
    CareerPlanFactory,
    MentorshipAgreementFactory,
    PathwayFactory,
    PlanGoalFactory,
)
from tests.mentors.budgets import MENTORSHIP_PAGE_BUDGET
from tests.pages import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentorship(physician, active_mentor) -> Mentorship:
    mentorship = Mentorship.objects.get(mentee=physician, mentor__user=active_mentor)
    mentorship.started_at = clock.now() - datetime.timedelta(days=2)
    mentorship.save()
    return mentorship


@pytest.fixture
def goals(physician):
    plan = CareerPlanFactory(owner=physician, pathway=PathwayFactory(title="Hospital CMO"))
    return [PlanGoalFactory(plan=plan, title=title) for title in ("Lead a budget", "Chair QI")]


def terms(chosen, **changes) -> dict:
    return {
        "goals": chosen,
        "cadence": "monthly",
        "meeting_format": "video",
        "confidentiality": "What we say stays between us.",
        "ends_on": clock.today() + datetime.timedelta(days=180),
        **changes,
    }


def agreement_emails(kind: str) -> list[EmailLog]:
    return list(EmailLog.objects.filter(period_key__endswith=kind))


def test_a_proposal_waits_for_the_other_side_and_holds_once_both_confirm(
    run, mentorship, physician, active_mentor, goals
):
    first = run(agreement_propose, mentorship=mentorship, user=physician, **terms(goals))

    assert first.version == 1
    assert first.mentee_confirmed_at is not None and first.mentor_confirmed_at is None
    assert not first.is_confirmed
    assert set(first.goals.all()) == set(goals)
    [asked] = agreement_emails(":proposed")
    assert asked.user == active_mentor
    assert [m.to for m in mail.outbox] == [[active_mentor.email]]
    assert "please confirm" in mail.outbox[0].subject

    confirmed = run(agreement_confirm, mentorship=mentorship, user=active_mentor, version=1)

    assert confirmed.is_confirmed
    [told] = agreement_emails(":confirmed")
    assert told.user == physician


def test_a_revision_needs_both_again_and_the_earlier_version_is_kept_in_force_meanwhile(
    run, client, mentorship, physician, active_mentor, goals
):
    run(agreement_propose, mentorship=mentorship, user=physician, **terms(goals))
    run(agreement_confirm, mentorship=mentorship, user=active_mentor, version=1)

    revision = run(
        agreement_propose,
        mentorship=mentorship,
        user=active_mentor,
        **terms(goals[:1], cadence="weekly"),
    )

    assert revision.version == 2
    assert revision.mentor_confirmed_at is not None and revision.mentee_confirmed_at is None
    page = client_for(physician).get(mentorship.get_absolute_url())
    state = page.context["agreement"]
    assert [v.version for v in state.versions] == [2, 1]
    assert state.in_force.version == 1
    assert state.waits_on_me
    assert "Confirm version 2" in page.content.decode()
    with pytest.raises(ValidationError, match="newer version"):
        agreement_confirm(mentorship=mentorship, user=physician, version=1)

    run(agreement_confirm, mentorship=mentorship, user=physician, version=2)

    versions = MentorshipAgreement.objects.filter(mentorship=mentorship).order_by("version")
    assert [(v.version, v.cadence, v.is_confirmed) for v in versions] == [
        (1, "monthly", True),
        (2, "weekly", True),
    ]
    state = client_for(physician).get(mentorship.get_absolute_url()).context["agreement"]
    assert state.in_force.version == 2 and not state.waits_on_me


def test_confirming_twice_has_one_effect(run, mentorship, physician, active_mentor, goals):
    run(agreement_propose, mentorship=mentorship, user=physician, **terms(goals))
    client = client_for(active_mentor)
    url = reverse("mentors:agreement-confirm", kwargs={"pk": mentorship.pk})

    first = client.post(url, {"version": 1}, follow=True)
    second = client.post(url, {"version": 1}, follow=True)

    assert "now holds for you both" in first.content.decode()
    assert "That was already sent." in second.content.decode()
    assert len(agreement_emails(":confirmed")) == 1
    agreement = MentorshipAgreement.objects.get()
    assert agreement.is_confirmed


def test_the_proposer_cannot_confirm_for_the_other_side(run, mentorship, physician, goals):
    run(agreement_propose, mentorship=mentorship, user=physician, **terms(goals))

    with pytest.raises(ValidationError, match="already confirmed"):
        agreement_confirm(mentorship=mentorship, user=physician, version=1)

    assert not MentorshipAgreement.objects.get().is_confirmed


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"goals": []}, "at least one goal"),
        ({"ends_on": datetime.date(2000, 1, 1)}, "after the mentorship started"),
        ({"confidentiality": "   "}, "stays between you"),
    ],
)
def test_a_proposal_missing_a_term_is_refused_and_saves_nothing(
    mentorship, physician, goals, changes, message
):
    with pytest.raises(ValidationError, match=message):
        agreement_propose(mentorship=mentorship, user=physician, **terms(goals, **changes))
    assert not MentorshipAgreement.objects.exists()
    assert not EmailLog.objects.exists()


def test_goals_come_only_from_the_mentees_plans(mentorship, active_mentor, other_physician):
    foreign = PlanGoalFactory(plan=CareerPlanFactory(owner=other_physician))

    with pytest.raises(ValidationError, match="mentee's career plans"):
        agreement_propose(mentorship=mentorship, user=active_mentor, **terms([foreign]))

    assert not MentorshipAgreement.objects.exists()


def test_only_the_two_sides_of_an_active_mentorship_make_an_agreement(
    mentorship, physician, active_mentor, support, goals
):
    with pytest.raises(PermissionDenied):
        agreement_propose(mentorship=mentorship, user=support, **terms(goals))
    mentorship_end(mentorship=mentorship, user=physician)
    mentorship.refresh_from_db()
    with pytest.raises(ValidationError, match="while the mentorship is active"):
        agreement_propose(mentorship=mentorship, user=active_mentor, **terms(goals))
    assert not MentorshipAgreement.objects.exists()


def form_data(chosen, **changes) -> dict:
    return {
        "goals": [goal.pk for goal in chosen],
        "cadence": "fortnightly",
        "meeting_format": "in_person",
        "confidentiality": "Only between us two.",
        "ends_on": (clock.today() + datetime.timedelta(days=90)).isoformat(),
        **changes,
    }


def test_the_form_starts_from_the_request_and_then_from_the_latest_version(
    mentorship, physician, goals
):
    mentorship.goals.set(goals[:1])
    url = reverse("mentors:agreement", kwargs={"pk": mentorship.pk})
    client = client_for(physician)

    blank = client.get(url)
    assert blank.status_code == 200
    assert blank.context["form"].initial["goals"] == [goals[0].pk]

    MentorshipAgreementFactory(mentorship=mentorship, cadence="weekly")
    revising = client.get(url)
    assert revising.context["form"].initial["cadence"] == "weekly"
    assert "Revise the agreement" in revising.content.decode()


def test_a_form_with_a_mistake_keeps_what_was_typed(mentorship, physician, goals):
    url = reverse("mentors:agreement", kwargs={"pk": mentorship.pk})

    response = client_for(physician).post(
        url, form_data(goals, ends_on="2001-01-01", confidentiality="Our own words here.")
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Choose an end date after today." in page
    assert "Our own words here." in page
    assert not MentorshipAgreement.objects.exists()


@pytest.mark.parametrize("ends_on", ["not a date", "99999-99-99", ""])
def test_nonsense_is_a_clear_message_not_an_error(mentorship, physician, goals, ends_on):
    url = reverse("mentors:agreement", kwargs={"pk": mentorship.pk})
    response = client_for(physician).post(url, form_data(goals, ends_on=ends_on, cadence="x"))
    assert response.status_code == 400
    assert not MentorshipAgreement.objects.exists()


def test_the_same_form_sent_twice_makes_one_version(mentorship, physician, active_mentor, goals):
    client = client_for(physician)
    url = reverse("mentors:agreement", kwargs={"pk": mentorship.pk})
    token = re.search(r'name="once_token" value="([^"]+)"', client.get(url).content.decode())
    data = {**form_data(goals), "once_token": token.group(1)}

    first = client.post(url, data)
    second = client.post(url, data, follow=True)

    assert first.status_code == 302
    assert "That was already sent." in second.content.decode()
    assert MentorshipAgreement.objects.count() == 1
    assert EmailLog.objects.filter(user=active_mentor).count() == 1


def test_the_other_side_sees_what_waits_for_them_on_the_mentorship_page(
    run, mentorship, physician, active_mentor, goals
):
    run(agreement_propose, mentorship=mentorship, user=physician, **terms(goals))

    mentor_page = client_for(active_mentor).get(mentorship.get_absolute_url()).content.decode()
    mentee_page = client_for(physician).get(mentorship.get_absolute_url()).content.decode()

    assert "It holds once you confirm it." in mentor_page
    assert "Confirm version 1" in mentor_page and "Lead a budget" in mentor_page
    assert "Confirm version 1" not in mentee_page
    assert "waits for the other side to confirm" in mentee_page


def test_after_the_end_the_former_mentor_can_neither_propose_nor_confirm(
    run, mentorship, physician, active_mentor, goals
):
    run(agreement_propose, mentorship=mentorship, user=physician, **terms(goals))
    mentorship_end(mentorship=mentorship, user=physician)
    client = client_for(active_mentor)

    proposing = client.post(reverse("mentors:agreement", kwargs={"pk": mentorship.pk}))
    confirming = client.post(
        reverse("mentors:agreement-confirm", kwargs={"pk": mentorship.pk}), {"version": 1}
    )
    page = client.get(mentorship.get_absolute_url()).content.decode()

    assert proposing.status_code == confirming.status_code == 302
    assert MentorshipAgreement.objects.count() == 1
    assert not MentorshipAgreement.objects.get().is_confirmed
    assert "Confirm version" not in page and "Propose a revision" not in page
    assert "Your agreement" not in page  # the mentor keeps nothing of it
    mentee_page = client_for(physician).get(mentorship.get_absolute_url()).content.decode()
    assert "Your agreement" in mentee_page  # the mentee keeps it to read


def test_someone_outside_the_mentorship_gets_nothing(
    mentorship, other_physician, mentor, support, goals
):
    url = reverse("mentors:agreement", kwargs={"pk": mentorship.pk})
    assert client_for(other_physician).get(url).status_code == 404
    assert client_for(mentor).post(url, form_data(goals)).status_code == 404
    assert client_for(support).post(url, form_data(goals)).status_code == 403
    assert client_for(None).get(url).status_code == 302
    assert not MentorshipAgreement.objects.exists()


@pytest.mark.parametrize("versions", [1, 25])
def test_the_mentorship_page_queries_do_not_grow_with_versions(
    mentorship, physician, versions, django_assert_max_num_queries
):
    plan = CareerPlanFactory(owner=physician)
    goals = [PlanGoalFactory(plan=plan) for _ in range(3)]
    for number in range(1, versions + 1):
        MentorshipAgreementFactory(mentorship=mentorship, version=number).goals.set(goals)
    client = client_for(physician)

    with django_assert_max_num_queries(MENTORSHIP_PAGE_BUDGET):
        response = client.get(mentorship.get_absolute_url())

    assert len(response.context["agreement"].versions) == versions
