"""People's records in Django admin follow the site's rule: staff see none of them, even
with every view permission; superusers and support see them through the support
permission, and each page is written to the person's access log."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from cmo_portal.accounts.models import DataAccessLog
from mentors.models.feedback import PlanComment, PlanReview
from pathways.models.plan import CareerPlan
from tests.factories import (
    MentorshipFactory,
    PathwayFactory,
    UserFactory,
    complete_assessment,
    submit_ratings,
)
from tests.pages import client_for

pytestmark = pytest.mark.django_db

RECORDS = [
    "accounts_profile",
    "pathways_careerplan",
    "assessments_needsassessment",
    "assessments_ratingset",
    "mentors_mentorship",
    "mentors_plancomment",
    "mentors_planreview",
]


@pytest.fixture
def records(physician, active_mentor, curriculum):
    """One row of every kind of record, all of them `physician`'s."""
    plan = CareerPlan.objects.create(owner=physician, pathway=PathwayFactory())
    complete_assessment(physician, curriculum["pharma"])
    submit_ratings(physician, {c: 2 for c in curriculum["competencies"].values()})
    mentorship = physician.mentorships.get()
    PlanComment.objects.create(plan=plan, author=active_mentor, body="Good start.")
    PlanReview.objects.create(plan=plan, mentorship=mentorship, outcome="noted", summary="Ok.")
    return {
        "accounts_profile": physician.profile,
        "pathways_careerplan": plan,
        "assessments_needsassessment": physician.needs_assessments.get(),
        "assessments_ratingset": physician.rating_sets.get(),
        "mentors_mentorship": mentorship,
        "mentors_plancomment": plan.comments.get(),
        "mentors_planreview": plan.reviews.get(),
    }


def test_staff_with_every_view_permission_see_no_ones_records(staff, records):
    every_view = Permission.objects.filter(codename__startswith="view_").exclude(
        codename="view_physician_records"
    )
    staff.user_permissions.add(*every_view)
    client = client_for(UserFactory._meta.model.objects.get(pk=staff.pk))
    for name, obj in records.items():
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 403, name
        assert client.get(reverse(f"admin:{name}_change", args=[obj.pk])).status_code == 403
    assert not DataAccessLog.objects.exists()


def test_a_curriculum_editor_sees_no_ones_records(curriculum_editor, records):
    client = client_for(curriculum_editor)
    for name in RECORDS:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 403, name
    index = client.get(reverse("admin:index")).content.decode()
    assert "Career plans" not in index


@pytest.mark.parametrize("name", RECORDS)
def test_a_superuser_sees_records_and_each_page_is_logged_for_the_person(
    superuser, physician, records, name
):
    client = client_for(superuser)

    assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    listed = DataAccessLog.objects.get(person=physician, viewer=superuser)
    assert listed.path == reverse(f"admin:{name}_changelist")

    change = reverse(f"admin:{name}_change", args=[records[name].pk])
    assert client.get(change).status_code == 200
    assert DataAccessLog.objects.filter(person=physician, viewer=superuser, path=change).exists()


def test_the_person_reads_the_admin_views_on_their_page(superuser, physician, records):
    client_for(superuser).get(reverse("admin:pathways_careerplan_changelist"))
    page = client_for(physician).get(reverse("accounts:data-access-log")).content.decode()
    assert "Su Superuser" in page
    assert reverse("admin:pathways_careerplan_changelist") in page


def test_an_admin_list_of_many_people_logs_each_of_them(superuser, records):
    others = [MentorshipFactory().mentee for _ in range(3)]
    client_for(superuser).get(reverse("admin:mentors_mentorship_changelist"))
    logged = set(DataAccessLog.objects.values_list("person_id", flat=True))
    assert {o.pk for o in others} <= logged


def test_the_user_admin_shows_no_profile_details(superuser, physician):
    physician.profile.specialty = "Paediatric nephrology"
    physician.profile.save()
    page = client_for(superuser).get(reverse("admin:accounts_user_change", args=[physician.pk]))
    assert page.status_code == 200
    assert "Paediatric nephrology" not in page.content.decode()
