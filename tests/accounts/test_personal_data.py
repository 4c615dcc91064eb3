"""A person's own data: the download, and the deletion of the account.

The walk test gives one person a row in every model that refers to a user (Django's,
allauth's and ours), downloads their data, deletes them, and then searches every text
column of every table for their name and email address."""

import datetime
import json

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import RatingSet
from cmo_portal import clock
from cmo_portal.accounts.access import user_can_view_data_of
from cmo_portal.accounts.models import DataKind
from cmo_portal.accounts.personal_data import (
    personal_data_export,
    personal_data_json,
    personal_data_of,
    personal_data_summary,
)
from cmo_portal.accounts.services import account_delete
from cmo_portal.notifications.models import EmailLog, EmailStatus
from cmo_portal.notifications.services import preferences_for
from cmo_portal.submissions.services import form_sent_once, form_token_new
from mentors.models import Mentorship, MentorshipStatus, PlanComment, PlanReview
from mentors.services.feedback import plan_comment_add, plan_review_submit
from mentors.services.mentorships import (
    mentorship_accept,
    mentorship_end,
    mentorship_request_create,
)
from mentors.services.profiles import mentor_application_review
from pathways.models.plan import PlanChange, PlanStatus
from tests.factories import (
    PASSWORD,
    AuthenticatorFactory,
    CareerPlanFactory,
    LogEntryFactory,
    MentorProfileFactory,
    MentorshipFactory,
    PlanActionFactory,
    PlanGoalFactory,
    ProfileFactory,
    UserFactory,
    complete_assessment,
    grant_support,
    submit_ratings,
)
from tests.pages import client_for, log_in, page_text

pytestmark = pytest.mark.django_db

NAME = "Dr Zebulon Quixote-Marchbanks"
EMAIL = "zebulon.quixote-marchbanks@example.org"
SECOND_EMAIL = "zq-marchbanks@elsewhere.example.net"


class World:
    """The person, and the people around them: a mentee they mentor (with a plan), a
    physician whose request to them is open, their own mentor, and staff."""

    def __init__(self, content: dict) -> None:
        self.curriculum = content
        self.person = UserFactory(email=EMAIL, is_staff=True)
        self.staff = ProfileFactory(user=UserFactory(is_staff=True), full_name="Sam Staff").user
        self.mentee = ProfileFactory(full_name="Dr Ada Mentee").user
        self.mentee_plan = CareerPlanFactory(
            owner=self.mentee, pathway=content["hospital"], status=PlanStatus.WAITING_FOR_REVIEW
        )
        self.asker = ProfileFactory(full_name="Dr Bo Asker").user
        self.own_mentor = MentorProfileFactory(
            user=ProfileFactory(full_name="Dr Cy Mentor", career_stage="physician_leader").user
        )
        self.mentorship: Mentorship | None = None

    def levels(self, level: int) -> dict:
        return {competency: level for competency in self.curriculum["competencies"].values()}


def _profile(w: World) -> None:
    ProfileFactory(user=w.person, full_name=NAME, career_stage="physician_leader")


def _email_address(w: World) -> None:
    EmailAddress.objects.create(user=w.person, email=SECOND_EMAIL, verified=True)


def _authenticator(w: World) -> None:
    AuthenticatorFactory(user=w.person)


def _group(w: World) -> None:
    w.person.groups.add(Group.objects.create(name="Reviewers"))


def _permission(w: World) -> None:
    w.person.user_permissions.add(Permission.objects.get(codename="view_setting"))


def _log_entry_by(w: World) -> None:
    LogEntryFactory(user=w.person)


def _preferences(w: World) -> None:
    preferences_for(w.person)


def _mentor_profile(w: World) -> None:
    """The person applies to mentor; the mentee's accepted request and another open one."""
    MentorProfileFactory(user=w.person, status="pending")


def _email_log(w: World) -> None:
    """Staff approve the application: the person is emailed."""
    profile = w.person.mentor_profile
    mentor_application_review(profile=profile, reviewer=w.staff, approve=True)
    w.mentorship = mentorship_request_create(
        mentee=w.mentee, mentor=profile, message="Would you review my plan?"
    )
    mentorship_accept(mentorship=w.mentorship, user=w.person)
    mentorship_request_create(
        mentee=w.asker, mentor=profile, message="Could you help me with finance?"
    )


def _reviewed_by(w: World) -> None:
    applicant = MentorProfileFactory(status="pending")
    mentor_application_review(profile=applicant, reviewer=w.person, approve=True)


def _rated_by(w: World) -> None:
    submit_ratings(w.mentee, w.levels(2), rater=w.person, role="mentor")


def _comment_by(w: World) -> None:
    plan_comment_add(
        plan=w.mentee_plan, author=w.person, body="Lead the sepsis audit: it shows the board."
    )


def _plan_change_by(w: World) -> None:
    """The person's review starts the mentee's plan: a line of its history by them."""
    plan_review_submit(
        plan=w.mentee_plan, user=w.person, outcome="approved", summary="A sound plan."
    )


def _plan(w: World) -> None:
    plan = CareerPlanFactory(owner=w.person, pathway=w.curriculum["pharma"])
    PlanActionFactory(goal=PlanGoalFactory(plan=plan, title="Run a trial"))
    mentorship = MentorshipFactory(mentee=w.person, mentor=w.own_mentor, status="active")
    plan_comment_add(plan=plan, author=w.own_mentor.user, body="Start small.")
    plan_review_submit(plan=plan, user=w.own_mentor.user, outcome="noted", summary="Keep going.")
    assert mentorship.reviews.exists()


def _mentee_of(w: World) -> None:
    mentorship_request_create(
        mentee=w.person, mentor=MentorProfileFactory(), message="Teach me negotiation."
    )


def _ended_by(w: World) -> None:
    mentorship = MentorshipFactory(mentee=w.person, status="active")
    mentorship_end(mentorship=mentorship, user=w.person, reason="Moving on.")


def _needs_assessment(w: World) -> None:
    complete_assessment(w.person, w.curriculum["pharma"])


def _self_rating(w: World) -> None:
    submit_ratings(w.person, w.levels(1))


def _seen_by_support(w: World) -> None:
    """A support member looked at the person's plan: a line of their access log."""
    helper = grant_support(UserFactory(second_factor=True))
    assert user_can_view_data_of(helper, w.person, what=DataKind.PLAN)


def _support_view_by(w: World) -> None:
    """The person, as support, looked at another physician's results: a line of their log."""
    grant_support(w.person)
    assert user_can_view_data_of(w.person, w.asker, what=DataKind.RESULTS)


def _submitted_form(w: World) -> None:
    """The person sent a form that creates something: its one-time token is kept."""
    with form_sent_once(user=w.person, token=form_token_new()) as sending:
        sending.leads_to = "/plans/"


# Every relation from a model to the user model, and what gives the person a row in it.
# In this order: later rows build on earlier ones (the profile first, for the name).
ROWS = {
    "accounts.Profile.user": _profile,
    "account.EmailAddress.user": _email_address,
    "mfa.Authenticator.user": _authenticator,
    "accounts.User_groups.user": _group,
    "accounts.User_user_permissions.user": _permission,
    "admin.LogEntry.user": _log_entry_by,
    "notifications.NotificationPreferences.user": _preferences,
    "mentors.MentorProfile.user": _mentor_profile,
    "notifications.EmailLog.user": _email_log,
    "mentors.MentorProfile.reviewed_by": _reviewed_by,
    "assessments.RatingSet.rater": _rated_by,
    "mentors.PlanComment.author": _comment_by,
    "pathways.PlanChange.actor": _plan_change_by,
    "pathways.CareerPlan.owner": _plan,
    "mentors.Mentorship.mentee": _mentee_of,
    "mentors.Mentorship.ended_by": _ended_by,
    "assessments.NeedsAssessment.user": _needs_assessment,
    "assessments.RatingSet.subject": _self_rating,
    "accounts.DataAccessLog.person": _seen_by_support,
    "accounts.DataAccessLog.viewer": _support_view_by,
    "submissions.SubmittedForm.user": _submitted_form,
}


def relations_to_users() -> dict[str, models.Field]:
    """Every foreign key and one-to-one field to the user model, in every installed app
    (the hidden tables behind many-to-many fields included)."""
    user_model = get_user_model()
    return {
        f"{model._meta.label}.{field.name}": field
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is user_model
    }


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


@pytest.fixture
def world(curriculum) -> World:
    missing = sorted(set(relations_to_users()) - set(ROWS))
    if missing:
        pytest.fail(
            "A model refers to a user with no row for it in this walk: "
            f"{', '.join(missing)}. Add a builder to ROWS in "
            "tests/accounts/test_personal_data.py (and a factory to tests/factories.py), "
            "so the download and the deletion are shown to cover it."
        )
    w = World(curriculum)
    for build in ROWS.values():
        build(w)
    # Text the site wrote about the person, elsewhere: admin history by staff.
    LogEntryFactory(user=w.staff, obj=w.person)
    LogEntryFactory(user=w.staff, obj=w.person.profile)
    LogEntryFactory(user=w.staff, obj=w.mentorship)
    return w


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


# --- A mentor deleted, seen by the mentee ----------------------------------------------


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


# --- The pages -------------------------------------------------------------------------


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


def test_a_visitor_is_sent_to_log_in_from_both_pages(client):
    for name in ("accounts:data-download", "accounts:delete"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_the_account_nav_links_to_both_pages(physician):
    page = client_for(physician).get(reverse("accounts:profile-edit")).content.decode()
    assert reverse("accounts:data-download") in page
    assert reverse("accounts:delete") in page


# --- Admin -----------------------------------------------------------------------------


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
