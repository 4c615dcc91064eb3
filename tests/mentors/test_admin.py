"""Staff review mentor applications in the admin (the applicant is emailed either way);
mentorships, comments and reviews there are read-only."""

import pytest
from django.core import mail
from django.urls import reverse

from mentors.models.feedback import PlanComment
from mentors.models.mentorships import Mentorship, MentorshipStatus
from mentors.models.profiles import MentorProfile
from pathways.models.plan import CareerPlan
from tests.admin_forms import admin_form_data
from tests.factories import (
    CompetencyFactory,
    MentorProfileFactory,
    MentorshipFactory,
    PathwayFactory,
    ProfileFactory,
    UserFactory,
    make_scale,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:mentors_mentorprofile_changelist")


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True, second_factor=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def application(db) -> MentorProfile:
    make_scale()
    user = ProfileFactory(full_name="Dr Eve Applicant", career_stage="physician_leader").user
    return MentorProfileFactory(
        user=user, status="pending", teaches={CompetencyFactory(name="Finance"): 3}
    )


def run_action(admin_client, action: str, *profiles: MentorProfile):
    return admin_client.post(
        CHANGELIST, {"action": action, "_selected_action": [p.pk for p in profiles]}
    )


def test_the_mentor_profile_changelist_loads(admin_client, application):
    MentorshipFactory(mentor=MentorProfileFactory(), status=MentorshipStatus.ACTIVE)

    response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    assert "Dr Eve Applicant" in response.content.decode()
    assert admin_client.get(CHANGELIST, {"status__exact": "pending"}).status_code == 200
    assert admin_client.get(CHANGELIST, {"q": "Applicant"}).status_code == 200


def test_the_approve_action_approves_records_the_reviewer_and_emails_the_applicant(
    admin_client, superuser, application, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(admin_client, "approve", application)

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved"
    assert application.reviewed_by == superuser
    assert application.reviewed_at is not None
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([application.user.email], "You are now a mentor on CMO Pathways")
    ]


def test_the_reject_action_rejects_and_emails_the_applicant(
    admin_client, superuser, application, django_capture_on_commit_callbacks
):
    MentorProfile.objects.filter(pk=application.pk).update(
        review_note="We need two years of leadership experience first."
    )

    with django_capture_on_commit_callbacks(execute=True):
        run_action(admin_client, "reject", application)

    application.refresh_from_db()
    assert application.status == "rejected"
    assert application.reviewed_by == superuser
    assert application.review_note == "We need two years of leadership experience first."
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([application.user.email], "About your application to mentor")
    ]
    assert "two years of leadership experience" in mail.outbox[0].body


def test_approving_an_approved_mentor_again_sends_nothing(
    admin_client, application, django_capture_on_commit_callbacks
):
    MentorProfile.objects.filter(pk=application.pk).update(status="approved")

    with django_capture_on_commit_callbacks(execute=True):
        run_action(admin_client, "approve", application)

    assert mail.outbox == []


def test_approving_on_the_change_form_also_emails_the_applicant(
    admin_client, superuser, application, django_capture_on_commit_callbacks
):
    url = reverse("admin:mentors_mentorprofile_change", args=[application.pk])
    data = admin_form_data(admin_client.get(url))
    data["status"] = "approved"

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "approved"
    assert application.reviewed_by == superuser
    assert application.teaches.count() == 1  # the inline was kept
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([application.user.email], "You are now a mentor on CMO Pathways")
    ]


def test_saving_the_change_form_without_changing_the_status_sends_nothing(
    admin_client, application, django_capture_on_commit_callbacks
):
    url = reverse("admin:mentors_mentorprofile_change", args=[application.pk])
    data = admin_form_data(admin_client.get(url))
    data["headline"] = "A clearer headline"

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, data)

    assert response.status_code == 302
    application.refresh_from_db()
    assert (application.headline, application.status) == ("A clearer headline", "pending")
    assert mail.outbox == []


def test_mentor_profiles_are_not_added_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:mentors_mentorprofile_add")).status_code == 403


def test_a_mentorship_is_read_only_in_the_admin(admin_client):
    mentorship = MentorshipFactory()
    url = reverse("admin:mentors_mentorship_change", args=[mentorship.pk])

    response = admin_client.get(url)
    assert response.status_code == 200
    assert not response.context["has_change_permission"]

    response = admin_client.post(url, {"status": "active", "message": "Changed"})
    assert response.status_code == 403
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.REQUESTED
    assert admin_client.get(reverse("admin:mentors_mentorship_changelist")).status_code == 200


def test_mentorships_are_not_added_in_the_admin(admin_client):
    response = admin_client.get(reverse("admin:mentors_mentorship_add"))
    assert response.status_code == 403
    assert Mentorship.objects.count() == 0


def test_comments_and_reviews_are_read_only_in_the_admin(admin_client, physician):
    plan = CareerPlan.objects.create(owner=physician, pathway=PathwayFactory())
    comment = PlanComment.objects.create(plan=plan, author=physician, body="My own note")
    url = reverse("admin:mentors_plancomment_change", args=[comment.pk])

    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"body": "Rewritten by staff"}).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "My own note"
    assert admin_client.get(reverse("admin:mentors_plancomment_add")).status_code == 403
    assert admin_client.get(reverse("admin:mentors_planreview_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:mentors_planreview_add")).status_code == 403


def test_staff_without_mentor_permissions_cannot_see_applications(client, application):
    client.force_login(UserFactory(is_staff=True, second_factor=True))
    assert client.get(CHANGELIST).status_code == 403
