"""The deletion of an account. The person of the walk (tests.accounts.walk) is deleted,
and then every text column of every table is searched for their name and email address;
what they left on other people's records stays, without their name; the delete page and
the admin's delete are the same deletion."""

import datetime

import pytest
import time_machine
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from assessments.models import RatingSet
from cmo_portal import clock
from cmo_portal.accounts.personal_data import (
    personal_data_of,
    personal_data_summary,
)
from cmo_portal.accounts.services import account_delete
from cmo_portal.notifications.models import EmailLog, EmailStatus
from mentors.models.feedback import PlanComment, PlanReview
from mentors.models.mentorships import Mentorship, MentorshipStatus
from mentors.services.feedback import plan_comment_add, plan_review_submit
from pathways.models.plan import PlanChange
from tests.accounts.walk import EMAIL, NAME, SECOND_EMAIL
from tests.factories import (
    PASSWORD,
    CareerPlanFactory,
    ProfileFactory,
    UserFactory,
    complete_assessment,
    submit_ratings,
)
from tests.pages import client_for, log_in, page_text

pytestmark = pytest.mark.django_db


def text_columns() -> list[tuple[type[models.Model], str]]:
    return [
        (model, field.name)
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField | models.JSONField)
    ]


def mentions_left(*terms: str) -> list[str]:
    found = []
    for model, name in text_columns():
        q = Q()
        for term in terms:
            q |= Q(**{f"{name}__icontains": term})
        for value in model._base_manager.filter(q).values_list(name, flat=True):
            found.append(f"{model._meta.label}.{name}: {str(value)[:120]!r}")
    return found


# --- The person of the walk deleted --------------------------------------------------------


def test_after_deletion_no_text_column_of_any_table_names_the_person(world, client):
    client.force_login(world.person)
    assert Session.objects.exists()
    assert mentions_left(NAME, EMAIL, SECOND_EMAIL), "the walk should have named the person"

    assert account_delete(user_id=world.person.pk) is True

    assert mentions_left(NAME, EMAIL, SECOND_EMAIL) == []
    assert not get_user_model().objects.filter(email=EMAIL).exists()
    assert not Session.objects.filter(session_key=client.session.session_key).exists()


def test_deletion_keeps_what_the_person_left_on_other_peoples_records(world):
    person = world.person
    account_delete(user_id=person.pk)

    comment = PlanComment.objects.get(plan=world.mentee_plan)
    assert comment.author is None
    assert RatingSet.objects.get(subject=world.mentee, rater_role="mentor").rater is None
    assert PlanReview.objects.get(plan=world.mentee_plan).mentorship.mentor is None
    assert PlanChange.objects.filter(plan=world.mentee_plan, actor=None).exists()
    assert LogEntry.objects.filter(user=world.staff).count() == 3  # kept, without the name


def test_emails_to_others_that_named_the_person_keep_only_their_metadata(world):
    named = EmailLog.objects.filter(user=world.mentee, subject__icontains=NAME)
    assert named.exists()
    pks = list(named.values_list("pk", flat=True))

    account_delete(user_id=world.person.pk)

    for row in EmailLog.objects.filter(pk__in=pks):
        assert row.payload == {}
        assert NAME not in row.subject
        assert row.kind and row.to_email == world.mentee.email


def test_an_unsent_email_that_named_the_person_is_not_sent(world):
    row = EmailLog.objects.filter(user=world.mentee, subject__icontains=NAME).first()
    EmailLog.objects.filter(pk=row.pk).update(status=EmailStatus.PENDING)

    account_delete(user_id=world.person.pk)

    assert EmailLog.objects.get(pk=row.pk).status == EmailStatus.SKIPPED


def test_the_mentors_open_requests_are_withdrawn_and_mentorships_ended(world):
    account_delete(user_id=world.person.pk)

    mentorship = Mentorship.objects.get(pk=world.mentorship.pk)
    assert mentorship.status == MentorshipStatus.ENDED
    assert mentorship.end_reason == "The mentor's account was deleted."
    request = Mentorship.objects.get(mentee=world.asker)
    assert request.status == MentorshipStatus.WITHDRAWN
    assert Mentorship.objects.filter(mentee=world.asker).open().count() == 0


def test_the_summary_says_in_words_what_is_deleted_and_what_is_kept(world):
    summary = personal_data_summary(personal_data_of(world.person))
    deleted = {line.label: line.words for line in summary["deleted"]}
    kept = {line.label: line.words for line in summary["kept"]}
    assert deleted["accounts.User"] == "1 user"
    assert deleted["pathways.CareerPlan"] == "1 career plan"
    assert "accounts.User_groups" not in deleted  # the table behind a many-to-many
    assert kept["mentors.PlanComment"] == "1 plan comment"
    assert kept["assessments.RatingSet"] == "1 rating set"
    assert kept["mentors.Mentorship"] == "2 mentorships"
    # A self-rating is the person's own: deleted, not counted as kept.
    assert deleted["assessments.RatingSet"] == "1 rating set"


def test_a_repeated_deletion_does_nothing(world):
    assert account_delete(user_id=world.person.pk) is True
    assert account_delete(user_id=world.person.pk) is False


def test_the_last_superuser_is_not_deleted_and_is_told_why(db):
    admin = ProfileFactory(user=UserFactory(is_staff=True, is_superuser=True)).user
    with pytest.raises(ValidationError, match="only active superuser"):
        account_delete(user_id=admin.pk)
    assert get_user_model().objects.filter(pk=admin.pk).exists()

    UserFactory(is_staff=True, is_superuser=True)
    assert account_delete(user_id=admin.pk) is True


# --- A mentor deleted, seen by the mentee --------------------------------------------------


def test_a_deleted_mentors_ratings_review_and_comments_stay_with_the_mentee(
    physician,
    active_mentor,
    curriculum,
):
    levels = {competency: 2 for competency in curriculum["competencies"].values()}
    complete_assessment(physician, curriculum["pharma"])
    submit_ratings(physician, levels)
    rating_set = submit_ratings(physician, levels, rater=active_mentor, role="mentor")
    plan = CareerPlanFactory(owner=physician, pathway=curriculum["pharma"])
    plan_comment_add(plan=plan, author=active_mentor, body="Chair the committee.")
    plan_review_submit(plan=plan, user=active_mentor, outcome="noted", summary="Good.")
    mentorship = Mentorship.objects.get(mentee=physician)

    account_delete(user_id=active_mentor.pk)

    rating_set.refresh_from_db()
    assert rating_set.rater is None
    mentorship.refresh_from_db()
    assert mentorship.mentor is None and mentorship.status == MentorshipStatus.ENDED
    assert PlanReview.objects.get(plan=plan).mentorship == mentorship
    mentee = client_for(physician)
    assert "A former mentor" in page_text(
        mentee.get(reverse("assessments:rating-set", args=[rating_set.pk]))
    )
    assert "mentor's rating by a former mentor" in page_text(
        mentee.get(reverse("assessments:results"))
    )
    plan_page = page_text(mentee.get(plan.get_absolute_url()))
    assert "A former member" in plan_page  # the comment
    assert "A former mentor" in plan_page  # the review
    for url in (
        mentorship.get_absolute_url(),
        reverse("mentors:mentorships"),
        reverse("home"),
        reverse("assessments:history"),
        reverse("pathways:plan-history", args=[plan.pk]),
    ):
        response = mentee.get(url)
        assert response.status_code == 200, url
    assert "The mentor's account was deleted." in page_text(
        mentee.get(mentorship.get_absolute_url())
    )


def test_a_deleted_commenters_comment_shows_a_former_member_on_the_owners_plan(
    physician, active_mentor
):
    plan = CareerPlanFactory(owner=physician)
    plan_comment_add(plan=plan, author=active_mentor, body="Ask the CEO to sponsor it.")

    account_delete(user_id=active_mentor.pk)

    page = page_text(client_for(physician).get(plan.get_absolute_url()))
    assert "Ask the CEO to sponsor it." in page
    assert "A former member" in page
    assert "Dr Di Active" not in page


# --- The delete page -----------------------------------------------------------------------


def test_the_delete_page_asks_for_the_password_first_and_again_once_that_is_old(client, physician):
    log_in(client, physician)
    response = client.get(reverse("accounts:delete"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_reauthenticate"))

    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse("accounts:delete"))
    assert response.status_code == 200
    text = page_text(response)
    assert "comments you wrote on another person's plan stay, signed “a former member”" in text
    assert "by “a former mentor”" in text
    assert "1 user" in text

    with time_machine.travel(clock.now() + datetime.timedelta(hours=1), tick=False):
        response = client.get(reverse("accounts:delete"))
    assert response.url.startswith(reverse("account_reauthenticate"))


@pytest.fixture
def reauthenticated(client, physician):
    log_in(client, physician)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


def test_deleting_without_the_confirmation_changes_nothing(reauthenticated, physician):
    for data in ({}, {"email": "someone-else@example.com"}):
        response = reauthenticated.post(reverse("accounts:delete"), data)
        assert response.status_code == 400
        assert "nothing has been deleted" in page_text(response).lower()
    assert get_user_model().objects.filter(pk=physician.pk).exists()


def test_deleting_with_the_confirmation_deletes_logs_out_and_says_so(reauthenticated, physician):
    response = reauthenticated.post(
        reverse("accounts:delete"), {"email": physician.email.upper()}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Your account and your data are deleted." in page_text(response)
    assert not get_user_model().objects.filter(pk=physician.pk).exists()
    assert not response.wsgi_request.user.is_authenticated

    again = reauthenticated.post(reverse("accounts:delete"), {"email": physician.email})
    assert again.status_code == 302
    assert again.url.startswith(reverse("account_login"))


def test_the_last_superuser_is_refused_on_the_page_with_the_reason(client):
    admin = ProfileFactory(user=UserFactory(is_staff=True, is_superuser=True)).user
    log_in(client, admin)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.post(reverse("accounts:delete"), {"email": admin.email})
    assert response.status_code == 400
    assert "only active superuser" in page_text(response)
    assert get_user_model().objects.filter(pk=admin.pk).exists()


# --- Admin ---------------------------------------------------------------------------------


def test_deleting_a_mentor_in_admin_is_the_same_deletion(client, physician, active_mentor):
    superuser = UserFactory(is_staff=True, is_superuser=True, second_factor=True)
    client.force_login(superuser)
    plan = CareerPlanFactory(owner=physician)
    plan_comment_add(plan=plan, author=active_mentor, body="Keep this advice.")
    url = reverse("admin:accounts_user_delete", args=[active_mentor.pk])

    assert client.get(url).status_code == 200
    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=active_mentor.pk).exists()
    mentorship = Mentorship.objects.get(mentee=physician)
    assert mentorship.status == MentorshipStatus.ENDED and mentorship.mentor is None
    assert PlanComment.objects.get(plan=plan).author is None
    # Admin's own line about the deletion stays, without the address it deleted.
    deletion = LogEntry.objects.get(object_id=str(active_mentor.pk), action_flag=3)
    assert active_mentor.email not in deletion.object_repr
    changelist = page_text(client.get(reverse("admin:mentors_mentorship_changelist")))
    assert "a former mentor" in changelist


def test_admin_offers_no_delete_for_the_last_superuser(client):
    superuser = UserFactory(is_staff=True, is_superuser=True, second_factor=True)
    client.force_login(superuser)
    response = client.get(reverse("admin:accounts_user_delete", args=[superuser.pk]))
    assert response.status_code == 403
