"""Support, staff and the access log: staff see nothing of anyone's data; support sees it
with a second factor, and the physician reads every such look on "Who has seen my data"."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from cmo_portal.accounts.access import user_can_view_data_of
from cmo_portal.accounts.middleware import SET_UP_SECOND_FACTOR
from cmo_portal.accounts.models import DataAccessLog, DataKind
from mentors.models.mentorships import Mentorship, MentorshipStatus
from pathways.models.plan import CareerPlan
from tests.factories import (
    PASSWORD,
    PathwayFactory,
    ProfileFactory,
    UserFactory,
    grant_support,
    second_factor_for,
    totp_code,
)
from tests.pages import client_for

pytestmark = pytest.mark.django_db

SET_UP = reverse("mfa_activate_totp")
LOG = reverse("accounts:data-access-log")


@pytest.fixture
def plan(physician):
    return CareerPlan.objects.create(owner=physician, pathway=PathwayFactory())


def plan_url(plan: CareerPlan, name: str = "plan-detail") -> str:
    return reverse(f"pathways:{name}", args=[plan.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


# --- Staff see nothing -------------------------------------------------------------------


def test_the_curriculum_editor_gets_a_404_on_another_physicians_plan_results_and_exports(
    curriculum_editor, physician, plan
):
    client = client_for(curriculum_editor)
    urls = [
        plan_url(plan),
        plan_url(plan, "plan-history"),
        plan_url(plan, "plan-print"),
        plan_url(plan, "plan-pdf"),
        plan_url(plan, "plan-json"),
        plan_url(plan, "plan-csv"),
        reverse("assessments:results-for", kwargs={"user_id": physician.pk}),
        reverse("accounts:profile-detail", kwargs={"user_id": physician.pk}),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    # The calendar feed is not per viewer: its secret token is the credential, and the
    # editor has no way to learn it (tests/test_access_rules.py).
    assert not DataAccessLog.objects.exists()


def test_staff_and_the_editor_do_not_see_a_mentorships_plans(
    physician, active_mentor, staff, curriculum_editor
):
    url = reverse("mentors:mentorship", args=[Mentorship.objects.get(mentee=physician).pk])
    for user in (staff, curriculum_editor):
        assert client_for(user).get(url).status_code == 404


# --- A second factor for staff and support -------------------------------------------------


@pytest.mark.parametrize(
    "flags", [{"is_staff": True, "is_superuser": True}, {"is_staff": True}], ids=["super", "staff"]
)
def test_staff_without_a_second_factor_are_sent_from_the_admin_to_set_one_up(client, flags):
    client.force_login(UserFactory(**flags))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url == SET_UP
    assert messages_of(response) == [SET_UP_SECOND_FACTOR]
    response = client.get(reverse("admin:pathways_pathway_changelist"))
    assert response.url == SET_UP


def test_the_curriculum_editor_without_a_second_factor_is_sent_to_set_one_up(client):
    from pathways.services.curriculum import curriculum_editor_group_sync

    editor = UserFactory(is_staff=True)
    editor.groups.add(curriculum_editor_group_sync())
    client.force_login(editor)
    assert client.get(reverse("admin:pathways_pathway_changelist")).url == SET_UP

    second_factor_for(editor)
    assert client.get(reverse("admin:pathways_pathway_changelist")).status_code == 200


def test_staff_with_a_second_factor_reach_the_admin(curriculum_editor, superuser):
    for user in (curriculum_editor, superuser):
        assert client_for(user).get(reverse("admin:index")).status_code == 200


def test_the_editor_signs_in_with_a_code_and_reaches_the_admin(client):
    editor = UserFactory(is_staff=True)
    secret = second_factor_for(editor)
    response = client.post(reverse("account_login"), {"login": editor.email, "password": PASSWORD})
    assert response.url == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_recovery_codes_alone_are_not_a_second_factor(client):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = UserFactory(is_staff=True, is_superuser=True)
    RecoveryCodes.activate(user)
    client.force_login(user)
    assert client.get(reverse("admin:index")).url == SET_UP


def test_staff_without_a_second_factor_may_still_log_out_of_the_admin(client):
    client.force_login(UserFactory(is_staff=True))
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 302 and response.url != SET_UP
    assert "_auth_user_id" not in client.session


def test_a_physician_is_not_asked_for_a_second_factor(client, physician):
    client.force_login(physician)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url != SET_UP


def test_support_without_a_second_factor_is_sent_from_a_plan_to_set_one_up(physician, plan):
    support = grant_support(UserFactory())
    response = client_for(support).get(plan_url(plan))
    assert response.status_code == 302 and response.url == SET_UP
    assert messages_of(response) == [SET_UP_SECOND_FACTOR]
    assert not DataAccessLog.objects.exists()

    second_factor_for(support)
    assert client_for(support).get(plan_url(plan)).status_code == 200
    assert DataAccessLog.objects.filter(viewer=support, person=physician).count() == 1


def test_a_superuser_without_a_second_factor_is_sent_from_a_plan_to_set_one_up(plan):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    assert client_for(superuser).get(plan_url(plan)).url == SET_UP


def test_a_support_member_sees_their_own_data_without_being_logged(support):
    plan = CareerPlan.objects.create(owner=support, pathway=PathwayFactory())
    assert client_for(support).get(plan_url(plan)).status_code == 200
    assert not DataAccessLog.objects.exists()


# --- The access log ----------------------------------------------------------------------


def test_the_physician_sees_a_support_view_with_its_time_and_page(physician, support, plan):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 15, 30, tzinfo=datetime.UTC)):
        assert client_for(support).get(plan_url(plan)).status_code == 200

    entry = DataAccessLog.objects.get()
    assert (entry.person, entry.viewer, entry.what) == (physician, support, DataKind.PLAN)
    page = client_for(physician).get(LOG)
    assert page.status_code == 200
    text = page.content.decode()
    # Chicago, the physician's time zone, is six hours behind UTC in early March.
    assert "2 March 2026, 09:30" in text
    assert "Sol Support, of our support team" in text
    assert "Your career plan" in text and plan_url(plan) in text


def test_the_owner_and_an_active_mentor_are_never_logged(physician, active_mentor, plan):
    pages = [plan_url(plan), reverse("assessments:results-for", args=[physician.pk])]
    for user in (physician, active_mentor):
        for url in pages:
            assert client_for(user).get(url).status_code == 200
    assert not DataAccessLog.objects.exists()
    assert "No one from support has opened your records" in client_for(physician).get(LOG).text


def test_a_refused_support_view_is_not_logged(physician, active_mentor, support, plan):
    mentorship = Mentorship.objects.get(mentee=physician)
    client = client_for(support)
    # Support reads a mentorship but does not act in it, nor rate or review as the mentor.
    assert client.post(reverse("mentors:end", args=[mentorship.pk])).status_code == 403
    assert client.get(reverse("mentors:mentee-rubric", args=[mentorship.pk])).status_code == 404
    assert client.get(reverse("mentors:plan-review", args=[plan.pk])).status_code == 404
    assert client.get(reverse("pathways:goal-add", args=[plan.pk])).status_code == 404
    assert not DataAccessLog.objects.exists()


def test_a_page_that_checks_access_several_times_is_logged_once(physician, active_mentor, support):
    CareerPlan.objects.create(owner=physician, pathway=PathwayFactory())
    mentorship = Mentorship.objects.get(mentee=physician)
    url = reverse("mentors:mentorship", args=[mentorship.pk])
    response = client_for(support).get(url)
    assert response.status_code == 200 and response.context["plans"]  # a second check
    [entry] = DataAccessLog.objects.all()
    assert (entry.viewer, entry.path, entry.what) == (support, url, DataKind.MENTORSHIP)

    client_for(support).get(url)
    assert DataAccessLog.objects.count() == 2  # a second visit is a second look


def test_a_look_outside_a_page_is_logged_at_once(physician, support):
    assert user_can_view_data_of(support, physician, what=DataKind.RESULTS)
    entry = DataAccessLog.objects.get()
    assert (entry.viewer, entry.path, entry.what) == (support, "", DataKind.RESULTS)


def test_the_mentorship_grants_no_look_at_the_mentees_other_mentorships(physician, active_mentor):
    assert user_can_view_data_of(active_mentor, physician, what=DataKind.PLAN)
    assert not user_can_view_data_of(active_mentor, physician, what=DataKind.MENTORSHIP)
    Mentorship.objects.filter(mentee=physician).update(status=MentorshipStatus.ENDED)
    assert not user_can_view_data_of(active_mentor, physician, what=DataKind.PLAN)


def test_a_former_support_members_look_stays_in_the_log(physician, support, plan):
    client_for(support).get(plan_url(plan))
    support.delete()
    entry = DataAccessLog.objects.get()
    assert entry.viewer is None
    assert "A former support member" in client_for(physician).get(LOG).text


def test_each_physician_reads_only_their_own_log(physician, other_physician, support, plan):
    client_for(support).get(plan_url(plan))
    assert "No one from support" in client_for(other_physician).get(LOG).text
    assert "No one from support" not in client_for(physician).get(LOG).text


def test_the_log_is_linked_from_the_account_pages(physician):
    page = client_for(physician).get(reverse("accounts:profile-edit"))
    assert f'href="{LOG}"' in page.text


def test_a_visitor_is_sent_to_log_in_from_the_log(client):
    assert client.get(LOG).url.startswith(reverse("account_login"))


@pytest.mark.parametrize("looks", [2, 60])
def test_the_log_costs_the_same_queries_however_long_it_is(
    physician, looks, django_assert_max_num_queries
):
    viewers = [ProfileFactory().user, UserFactory(), None]
    DataAccessLog.objects.bulk_create(
        DataAccessLog(person=physician, viewer=viewers[n % 3], path=f"/plans/{n}/", what="plan")
        for n in range(looks)
    )
    client = client_for(physician)
    with django_assert_max_num_queries(7):
        page = client.get(LOG)
    assert page.status_code == 200
    shown = min(looks, 25)
    assert page.text.count("<tr>") == shown + 1  # and the header row
    if looks > 25:
        assert "Page 1 of 3" in page.text
        assert client.get(LOG, {"page": 3}).text.count("<tr>") == 10 + 1
