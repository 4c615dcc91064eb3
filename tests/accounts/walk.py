"""The walk of a person's own data: one person (NAME, with EMAIL and SECOND_EMAIL) and the
people around them (World), and a builder for every relation from a model to the user
model (ROWS) that gives the person a row in it. The `world` fixture (tests/accounts/
conftest.py) walks it; the download and the deletion tests start from it."""

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import models

from assessments.selectors.stored_results import results_store
from cmo_portal.accounts.access import user_can_view_data_of
from cmo_portal.accounts.models import DataKind
from cmo_portal.notifications.bounces import address_mark_undeliverable
from cmo_portal.notifications.services import preferences_for
from cmo_portal.submissions.services import form_sent_once, form_token_new
from mentors.models.mentorships import Mentorship
from mentors.services.feedback import plan_comment_add, plan_review_submit
from mentors.services.mentorships import (
    mentorship_accept,
    mentorship_end,
    mentorship_request_create,
)
from mentors.services.messages import message_send
from mentors.services.profiles import mentor_application_review
from pathways.models.lessons import ReflectionAnswer
from pathways.models.plan import PlanStatus
from tests.factories import (
    AuthenticatorFactory,
    CareerPlanFactory,
    LessonProgressFactory,
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


def _curriculum_changed_by(w: World) -> None:
    """The person, as a curriculum editor, rewrites a competency and a descriptor: a line
    of each one's history (simple-history) names them."""
    competency = w.curriculum["competencies"]["Finance"]
    competency._history_user = w.person  # type: ignore[attr-defined]  # as admin sets it
    competency.description = "Reads a budget and a balance sheet."
    competency.save()
    level = competency.levels.first()
    level._history_user = w.person  # type: ignore[attr-defined]
    level.descriptor = "Builds the budget of a service line."
    level.save()


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


def _undeliverable_address(w: World) -> None:
    """The email provider reported the person's second address bouncing."""
    address_mark_undeliverable(
        email=SECOND_EMAIL.upper(),
        reason="bounced",
        provider="Postmark",
        event_id="4323372036854775807",
        detail=f"smtp;550 5.1.1 <{SECOND_EMAIL}>: no such mailbox",
    )


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


def _suggested_as_mentor(w: World) -> None:
    """The person is the mentor the mentee's plan suggests asking."""
    goal = PlanGoalFactory(plan=w.mentee_plan, title="Find a mentor who knows the role")
    PlanActionFactory(goal=goal, mentor=w.person, title="Ask a mentor who knows finance")


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


def _meeting_note_by(w: World) -> None:
    """After a meeting with the mentee the person mentors: a shared note of theirs (kept
    for the mentee when the person goes) and a private one (deleted with them)."""
    from tests.factories import MeetingNoteFactory

    mentorship = w.mentorship or MentorshipFactory(mentee=w.mentee, status="active")
    MeetingNoteFactory(meeting__mentorship=mentorship, author=w.person, shared=True)
    MeetingNoteFactory(meeting__mentorship=mentorship, author=w.person, shared=False)


def _lesson(w: World) -> None:
    """The person is part way through a lesson and has written a private reflection."""
    progress = LessonProgressFactory(user=w.person, sections_read=1, step=2)
    question = progress.module.reflection_questions.first()
    ReflectionAnswer.objects.create(
        user=w.person, question=question, text="My own answer, for me alone."
    )


def _needs_assessment(w: World) -> None:
    complete_assessment(w.person, w.curriculum["pharma"])


def _self_rating(w: World) -> None:
    submit_ratings(w.person, w.levels(1))


def _stored_results(w: World) -> None:
    """The person's results as their pages read them, computed from their ratings."""
    results_store(subject=w.person)


def _seen_by_support(w: World) -> None:
    """A support member looked at the person's plan: a line of their access log."""
    helper = grant_support(UserFactory(second_factor=True))
    assert user_can_view_data_of(helper, w.person, what=DataKind.PLAN)


def _support_view_by(w: World) -> None:
    """The person, as support, looked at another physician's results: a line of their log."""
    grant_support(w.person)
    assert user_can_view_data_of(w.person, w.asker, what=DataKind.RESULTS)


def _message_sent(w: World) -> None:
    """The person, as mentor, writes to their mentee (who is told by a notice)."""
    assert w.mentorship is not None
    message_send(mentorship=w.mentorship, sender=w.person, body="Shall we meet on Monday?")


def _message_received(w: World) -> None:
    assert w.mentorship is not None
    message_send(mentorship=w.mentorship, sender=w.mentee, body="Monday suits me.")


def _notice(w: World) -> None:
    """The person's mentee wrote to them: a notice for the person."""
    _message_received(w)


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
    "notifications.UndeliverableAddress.user": _undeliverable_address,
    "mentors.MentorProfile.user": _mentor_profile,
    "notifications.EmailLog.user": _email_log,
    "mentors.MentorProfile.reviewed_by": _reviewed_by,
    "assessments.RatingSet.rater": _rated_by,
    "mentors.PlanComment.author": _comment_by,
    "pathways.PlanChange.actor": _plan_change_by,
    "pathways.CareerPlan.owner": _plan,
    "pathways.PlanAction.mentor": _suggested_as_mentor,
    "mentors.Mentorship.mentee": _mentee_of,
    "mentors.Mentorship.ended_by": _ended_by,
    "mentors.MeetingNote.author": _meeting_note_by,
    "pathways.LessonProgress.user": _lesson,
    "pathways.ReflectionAnswer.user": _lesson,
    "assessments.NeedsAssessment.user": _needs_assessment,
    "assessments.RatingSet.subject": _self_rating,
    "assessments.StoredResults.subject": _stored_results,
    "accounts.DataAccessLog.person": _seen_by_support,
    "accounts.DataAccessLog.viewer": _support_view_by,
    "submissions.SubmittedForm.user": _submitted_form,
    "mentors.Message.sender": _message_sent,
    "mentors.Message.recipient": _message_received,
    "notifications.Notice.user": _notice,
    "pathways.HistoricalCompetency.history_user": _curriculum_changed_by,
    "pathways.HistoricalRubricLevel.history_user": _curriculum_changed_by,
}


def relations_to_users() -> dict[str, models.Field]:
    """Every foreign key and one-to-one field to the user model, in every installed app
    (the hidden tables behind many-to-many fields included). A proxy model has no table
    of its own: its rows are its concrete model's, walked there."""
    user_model = get_user_model()
    return {
        f"{model._meta.label}.{field.name}": field
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy
        for field in model._meta.concrete_fields
        if field.is_relation and field.related_model is user_model
    }
