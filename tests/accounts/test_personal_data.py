"""A person's own data and its download: the walk (tests.accounts.walk) gives one person a
row in every model that refers to a user (Django's, allauth's and ours), and the export
holds every one of them, in a fixed number of queries; the download page; and what the
download page and the delete page (tests/accounts/test_account_deletion.py) share."""

import json

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import RatingSet
from cmo_portal import clock
from cmo_portal.accounts.personal_data import (
    personal_data_export,
    personal_data_json,
    personal_data_of,
)
from cmo_portal.notifications.models import EmailLog
from mentors.services.feedback import plan_comment_add
from tests.accounts.walk import relations_to_users
from tests.factories import (
    AuthenticatorFactory,
    CareerPlanFactory,
    PlanActionFactory,
    PlanGoalFactory,
)
from tests.pages import client_for, page_text

pytestmark = pytest.mark.django_db


# --- The walk and the export ---------------------------------------------------------------


def test_every_model_that_refers_to_a_user_has_a_row_in_the_walk(world):
    for label, field in relations_to_users().items():
        assert field.model._base_manager.filter(**{field.name: world.person}).exists(), label


def test_the_export_holds_a_row_of_every_model_that_refers_to_a_user(world):
    export = json.loads(personal_data_json(personal_data_of(world.person)))
    for field in relations_to_users().values():
        model_label = field.model._meta.label
        rows = export["own_records"].get(model_label, []) + export["records_referring_to_you"].get(
            model_label, []
        )
        assert any(row[field.attname] == world.person.pk for row in rows), (
            f"the export has no {model_label} row whose {field.name} is the person"
        )


def test_the_export_holds_the_ratings_of_the_rating_sets_the_person_gave(world):
    export = personal_data_export(personal_data_of(world.person))
    given = RatingSet.objects.get(rater=world.person, rater_role="mentor")
    kept = export["records_referring_to_you"]
    assert [row["id"] for row in kept["assessments.RatingSet"]] == [given.pk]
    assert {row["rating_set_id"] for row in kept["assessments.Rating"]} == {given.pk}
    assert [row["mentorship_id"] for row in kept["mentors.PlanReview"]] == [world.mentorship.pk]


def test_reading_the_data_does_not_grow_with_the_number_of_rows(world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            personal_data_json(personal_data_of(world.person))
        return len(captured)

    before = queries()
    plan = world.person.career_plans.get()
    for n in range(10):
        PlanActionFactory(goal=PlanGoalFactory(plan=plan))
        plan_comment_add(plan=world.mentee_plan, author=world.person, body=f"Note {n}")
    assert queries() == before
    assert before < 4 * len(apps.get_models(include_auto_created=True))


# --- The download page ---------------------------------------------------------------------


def test_the_download_page_says_what_the_file_holds(physician):
    CareerPlanFactory(owner=physician)
    response = client_for(physician).get(reverse("accounts:data-download"))
    assert response.status_code == 200
    assert "1 career plan" in page_text(response)


def test_the_download_is_one_json_file_without_secrets_or_email_bodies(physician, active_mentor):
    plan = CareerPlanFactory(owner=physician)
    plan_comment_add(plan=plan, author=active_mentor, body="Lead the audit.")
    AuthenticatorFactory(user=physician)
    body = EmailLog.objects.get(user=physician).payload["body"]

    response = client_for(physician).post(reverse("accounts:data-download"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    # The date in the physician's own zone, which is not UTC's near midnight.
    with timezone.override(physician.profile.time_zone):
        today = clock.today().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="cmo-pathways-data-{today}.json"'
    )
    content = response.content.decode()
    data = json.loads(content)
    assert set(data) == {
        "format",
        "exported_at",
        "account",
        "own_records",
        "records_referring_to_you",
        "excluded_fields",
        "about",
    }
    assert data["account"]["email"] == physician.email
    assert data["own_records"]["mentors.PlanComment"][0]["body"] == "Lead the audit."
    assert data["own_records"]["notifications.EmailLog"][0]["subject"]
    physician.refresh_from_db()
    for secret in (physician.password, plan.calendar_token, "JBSWY3DPEHPK3PXPTOTPSECRET"):
        assert secret not in content
    assert body[:80] not in content
    assert "payload" not in data["own_records"]["notifications.EmailLog"][0]


# --- Both pages ----------------------------------------------------------------------------


def test_a_visitor_is_sent_to_log_in_from_both_pages(client):
    for name in ("accounts:data-download", "accounts:delete"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_the_account_nav_links_to_both_pages(physician):
    page = client_for(physician).get(reverse("accounts:profile-edit")).content.decode()
    assert reverse("accounts:data-download") in page
    assert reverse("accounts:delete") in page
