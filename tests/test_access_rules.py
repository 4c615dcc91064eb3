"""The access table: every URL that takes an object id (a pk, slug or token) has a row
saying what each persona gets. A new such URL without a row fails the suite, so nobody
ships a view that shows someone's data without deciding who may see it.

Personas: the owner of the object, another physician, an approved mentor with no
mentorship with the owner, the owner's active mentor, a curriculum editor, staff with no
permission, a support member, a superuser, and a logged-out visitor (302 = sent to log
in). tests/mentors/test_mentor_access.py adds the mentors whose request is pending,
declined, withdrawn, expired or ended.

A row that is `logged` shows the owner's data: a support member's or a superuser's view
of it is written to the owner's access log, once. Nobody else's view is ever logged."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from cmo_portal.accounts.models import DataAccessLog
from cmo_portal.notifications.tokens import unsubscribe_token

PERSONAS = (
    "owner",
    "physician",
    "mentor",
    "active_mentor",
    "curriculum_editor",
    "staff",
    "support",
    "superuser",
    "visitor",
)
SUPPORT_PERSONAS = ("support", "superuser")


@dataclass(frozen=True)
class Row:
    kwargs: Callable  # owner -> the URL's keyword arguments
    owner: int
    physician: int
    mentor: int
    active_mentor: int
    curriculum_editor: int
    staff: int
    support: int
    superuser: int
    visitor: int
    logged: bool = False
    why: str = ""
    method: str = "get"
    data: dict | None = None


def _confirm_email_key(owner) -> dict:
    address = EmailAddress.objects.create(user=owner, email=f"new-{owner.pk}@example.com")
    return {"key": EmailConfirmationHMAC(address).key}


def _password_reset_key(owner) -> dict:
    return {"uidb36": user_pk_to_url_str(owner), "key": default_token_generator.make_token(owner)}


def _public(factory_name: str) -> Row:
    """A curriculum page: the site's front door, the same for everyone."""

    def kwargs(owner) -> dict:
        from tests import factories

        return {"slug": getattr(factories, factory_name)().slug}

    return Row(
        kwargs,
        owner=200,
        physician=200,
        mentor=200,
        active_mentor=200,
        curriculum_editor=200,
        staff=200,
        support=200,
        superuser=200,
        visitor=200,
        why="public curriculum, holds nobody's data",
    )


def _assessment(owner) -> dict:
    from assessments.services import assessment_start_or_resume

    return {"pk": assessment_start_or_resume(user=owner).pk}


def _assessment_step(owner) -> dict:
    return {**_assessment(owner), "step": 1}


def _rating_set(owner) -> dict:
    from assessments.services import rating_draft_get_or_create, rating_set_submit
    from tests.factories import CompetencyFactory, make_scale

    make_scale()
    draft = rating_draft_get_or_create(subject=owner, rater=owner, role="self")
    draft.ratings.create(competency=CompetencyFactory(), level=2)
    return {"pk": rating_set_submit(rating_set=draft).pk}


def _lesson(owner) -> dict:
    """A lesson the owner is part way through, with a private reflection of theirs."""
    from pathways.models.lessons import ReflectionAnswer
    from tests.factories import LessonProgressFactory

    progress = LessonProgressFactory(user=owner, sections_read=1, step=2)
    ReflectionAnswer.objects.create(
        user=owner, question=progress.module.reflection_questions.first(), text="Mine alone."
    )
    return {"slug": progress.module.slug}


def _lesson_section(owner) -> dict:
    return {**_lesson(owner), "number": 1}


def _plan_parts(owner) -> dict:
    """A plan of the owner's with one goal holding one action."""
    from pathways.models.plan import CareerPlan, PlanAction, PlanGoal
    from tests.factories import PathwayFactory

    plan = CareerPlan.objects.create(owner=owner, pathway=PathwayFactory())
    goal = PlanGoal.objects.create(plan=plan, title="Goal", section="mentors")
    action = PlanAction.objects.create(goal=goal, title="Action")
    return {"plan": plan, "goal": goal, "action": action}


def _plan(owner) -> dict:
    return {"pk": _plan_parts(owner)["plan"].pk}


def _goal(owner) -> dict:
    return {"pk": _plan_parts(owner)["goal"].pk}


def _action(owner) -> dict:
    return {"pk": _plan_parts(owner)["action"].pk}


def _plan_with_role(owner) -> dict:
    """A plan of the owner's that knows the day a role they accepted starts."""
    from cmo_portal import clock

    plan = _plan_parts(owner)["plan"]
    plan.role_starts_on = clock.today()
    plan.save()
    return {"pk": plan.pk}


def _approved_mentor(owner) -> dict:
    from tests.factories import MentorProfileFactory

    return {"pk": MentorProfileFactory().pk}


def _active_mentorship(owner) -> dict:
    """The owner's mentorship with the active_mentor persona."""
    from mentors.models.mentorships import Mentorship

    return {"pk": Mentorship.objects.active().get(mentee=owner).pk}


def _meeting(owner) -> dict:
    """Times the owner proposed to meet their active mentor, none picked yet."""
    from tests.factories import MeetingFactory, ProposedTimeFactory

    mentorship = _active_mentorship(owner)["pk"]
    return {"pk": ProposedTimeFactory(meeting=MeetingFactory(mentorship_id=mentorship)).meeting_id}


def _held_meeting(owner) -> dict:
    """A meeting of the owner and their active mentor, scheduled, started an hour ago."""
    from tests.factories import MeetingNoteFactory

    note = MeetingNoteFactory(meeting__mentorship_id=_active_mentorship(owner)["pk"])
    return {"pk": note.meeting_id}


def _action_item(owner) -> dict:
    """An action item in a shared note of the owner's, after a meeting with their mentor."""
    from tests.factories import ActionItemFactory, MeetingNoteFactory

    note = MeetingNoteFactory(meeting__mentorship_id=_active_mentorship(owner)["pk"])
    return {"pk": ActionItemFactory(note=note).pk}


def _calendar(owner) -> dict:
    return {"token": _plan_parts(owner)["plan"].calendar_token}


# The owner's data: the owner, their active mentor and support (logged) see it; anyone
# else, staff and curriculum editors too, gets a 404 that does not even confirm it
# exists; a visitor is sent to log in.
PRIVATE = {
    "owner": 200,
    "physician": 404,
    "mentor": 404,
    "active_mentor": 200,
    "curriculum_editor": 404,
    "staff": 404,
    "support": 200,
    "superuser": 200,
    "visitor": 302,
    "logged": True,
}
# Signed-in users all see it (a public mentor page); it is nobody's private data.
SIGNED_IN = {
    **PRIVATE,
    "physician": 200,
    "mentor": 200,
    "curriculum_editor": 200,
    "staff": 200,
    "logged": False,
}


# Changing the owner's data: the owner only; support reads on the pages above, and a
# mentor comments and reviews (the mentors rows below).
OWNER_ONLY = {**PRIVATE, "active_mentor": 404, "support": 404, "superuser": 404, "logged": False}
OWNER_POST = {**OWNER_ONLY, "owner": 302, "method": "post"}

# A mentorship: its mentee (the owner), its mentor and support (logged) see it; a mentor
# of the owner in another mentorship does not (tests/mentors/test_views.py).
MENTORSHIP = {**PRIVATE}
# Acting in a mentorship: support may read it but not act in it (403, not logged).
_SUPPORT_REFUSED = {"support": 403, "superuser": 403, "logged": False, "method": "post"}
# An answer only the mentor gives: the mentee is refused (403); a POST on a mentorship
# that is not open is turned back with a message (302).
MENTOR_ANSWER = {**MENTORSHIP, **_SUPPORT_REFUSED, "owner": 403, "active_mentor": 302}
# A step either side takes.
EITHER_SIDE = {**MENTORSHIP, **_SUPPORT_REFUSED, "owner": 302, "active_mentor": 302}
MENTEE_STEP = {**EITHER_SIDE, "active_mentor": 403}
# A step only the mentee takes, on a page of its own.
MENTEE_PAGE = {**MENTORSHIP, **_SUPPORT_REFUSED, "active_mentor": 403, "method": "get"}
# Work only the active mentor does on the mentee's data.
ACTIVE_MENTOR_ONLY = {**OWNER_ONLY, "owner": 404, "active_mentor": 200}


# A mentorship's message thread (issue 19): its two people only, never support (a
# private conversation, not the mentee's record); after the end the mentee reads it and
# the former mentor gets nothing (tests/mentors/test_messages.py).
THREAD = {**OWNER_ONLY, "active_mentor": 200}


def _notice(owner) -> dict:
    from cmo_portal.notifications.notices import notify

    notice = notify(owner, "meeting", "Your meeting is confirmed", "/mentoring/", "meeting:1")
    assert notice is not None
    return {"pk": notice.pk}


ACCESS_RULES: dict[str, Row] = {
    "pathways:plan-detail": Row(_plan, **PRIVATE),
    "pathways:plan-history": Row(_plan, **PRIVATE),
    "pathways:plan-print": Row(_plan, **PRIVATE),
    "pathways:plan-pdf": Row(_plan, **PRIVATE),
    "pathways:plan-json": Row(_plan, **PRIVATE),
    "pathways:plan-csv": Row(_plan, **PRIVATE),
    "pathways:plan-calendar": Row(
        _calendar,
        owner=200,
        physician=200,
        mentor=200,
        active_mentor=200,
        curriculum_editor=200,
        staff=200,
        support=200,
        superuser=200,
        visitor=200,
        why="calendar applications cannot log in: the secret token in the link is the "
        "credential, and the owner can reset it (tests/pathways/test_plan_exports.py)",
    ),
    "pathways:plan-regenerate": Row(_plan, **OWNER_POST),
    "pathways:plan-status": Row(_plan, **OWNER_POST, data={"status": "active"}),
    "pathways:plan-calendar-reset": Row(_plan, **OWNER_POST),
    "pathways:plan-removed": Row(_plan, **OWNER_ONLY),
    "pathways:goal-add": Row(_plan, **OWNER_ONLY),
    "pathways:goal-edit": Row(_goal, **OWNER_ONLY),
    "pathways:goal-delete": Row(_goal, **OWNER_POST),
    "pathways:goal-restore": Row(_goal, **OWNER_POST),
    "pathways:goal-move": Row(_goal, **OWNER_POST, data={"direction": "up"}),
    "pathways:action-add": Row(_goal, **OWNER_ONLY),
    "pathways:action-edit": Row(_action, **OWNER_ONLY),
    "pathways:action-delete": Row(_action, **OWNER_POST),
    "pathways:action-restore": Row(_action, **OWNER_POST),
    "pathways:action-move": Row(_action, **OWNER_POST, data={"direction": "up"}),
    # One click: a mentor reads the plan, only the owner marks or answers anything.
    "pathways:action-done": Row(_action, **OWNER_POST, data={"version": 1}),
    "pathways:action-not-done": Row(_action, **OWNER_POST, data={"version": 1}),
    "pathways:goal-met": Row(_goal, **OWNER_POST),
    "pathways:goal-keep-open": Row(_goal, **OWNER_POST),
    "pathways:plan-role": Row(_plan, **OWNER_ONLY),
    "pathways:plan-role-clear": Row(_plan_with_role, **OWNER_POST),
    "assessments:detail": Row(_assessment, **PRIVATE),
    "assessments:step": Row(
        _assessment_step,
        **OWNER_ONLY,
        why="only the physician fills in their own assessment",
    ),
    "assessments:rating-set": Row(_rating_set, **PRIVATE),
    "assessments:results-for": Row(lambda owner: {"user_id": owner.pk}, **PRIVATE),
    "mentors:detail": Row(
        _approved_mentor,
        **SIGNED_IN,
        why="an approved mentor's page is for every signed-in user "
        "(applications that are not approved: tests/mentors/test_views.py)",
    ),
    "mentors:request": Row(
        _approved_mentor,
        **SIGNED_IN,
        why="any signed-in user may ask an approved mentor; the service refuses bad requests",
    ),
    "mentors:mentorship": Row(_active_mentorship, **MENTORSHIP),
    "mentors:accept": Row(_active_mentorship, **MENTOR_ANSWER),
    "mentors:decline": Row(_active_mentorship, **MENTOR_ANSWER),
    "mentors:ask": Row(_active_mentorship, **MENTOR_ANSWER, data={"question": "Why?"}),
    "mentors:answer": Row(
        _active_mentorship, **{**MENTEE_STEP, "owner": 302}, data={"answer": "Because."}
    ),
    "mentors:withdraw": Row(_active_mentorship, **MENTEE_STEP),
    "mentors:end": Row(_active_mentorship, **EITHER_SIDE),
    "mentors:mentee-rubric": Row(_active_mentorship, **ACTIVE_MENTOR_ONLY),
    # The agreement and the end feedback (issue 19, part A): the two sides act, support
    # reads them on the mentorship's page only; feedback waits for the end (302), and
    # only the mentee takes back the consent to show theirs. The former mentor after the
    # end: tests/mentors/test_agreements.py and test_endings.py.
    "mentors:agreement": Row(
        _active_mentorship, **{**EITHER_SIDE, "owner": 200, "active_mentor": 200, "method": "get"}
    ),
    "mentors:agreement-confirm": Row(_active_mentorship, **EITHER_SIDE, data={"version": 1}),
    "mentors:end-feedback": Row(_active_mentorship, **{**EITHER_SIDE, "method": "get"}),
    "mentors:end-feedback-hide": Row(_active_mentorship, **MENTEE_STEP),
    # Meetings (issue 19, part B): the mentee, the active mentor and support (logged) read
    # a meeting; support acts in none (403), and reads no note (tests/mentors/test_meetings.py).
    "mentors:meeting-new": Row(_active_mentorship, **MENTEE_PAGE),
    "mentors:meeting": Row(_meeting, **MENTORSHIP),
    "mentors:meeting-pick": Row(_meeting, **MENTOR_ANSWER, data={"time": 0}),
    "mentors:meeting-other-times": Row(_meeting, **MENTOR_ANSWER),
    "mentors:meeting-times": Row(_meeting, **MENTEE_PAGE),
    "mentors:meeting-move": Row(
        _held_meeting, **{**EITHER_SIDE, "owner": 200, "active_mentor": 200, "method": "get"}
    ),
    "mentors:meeting-cancel": Row(_held_meeting, **EITHER_SIDE),
    "mentors:meeting-note-add": Row(
        _held_meeting, **EITHER_SIDE, data={"body": "We agreed a plan.", "shared": "1"}
    ),
    "mentors:action-item-to-plan": Row(
        _action_item,
        **{**EITHER_SIDE, "support": 404, "superuser": 404},
        data={"goal": 0},
        why="support reads no meeting note, so not its action items either",
    ),
    "mentors:comment-add": Row(
        _plan, **{**OWNER_POST, "active_mentor": 302}, data={"body": "Good start."}
    ),
    "mentors:plan-review": Row(_plan, **ACTIVE_MENTOR_ONLY),
    "mentors:messages": Row(_active_mentorship, **THREAD),
    "notifications:notice-read": Row(
        _notice, **OWNER_POST, why="a person marks only their own notifications read"
    ),
    "pathways:pathway-detail": _public("PathwayFactory"),
    "pathways:competency-detail": _public("CompetencyFactory"),
    "pathways:module-detail": _public("LearningModuleFactory"),
    "pathways:opportunity-detail": _public("OpportunityFactory"),
    # A lesson's pages name a module, never a person: each signed-in reader sees their
    # own progress and reflections (tests/pathways/test_lessons.py shows the owner's stay
    # theirs).
    "pathways:lesson": Row(_lesson, **SIGNED_IN, why="the reader's own progress"),
    "pathways:lesson-section": Row(_lesson_section, **SIGNED_IN, why="the reader's own"),
    "pathways:lesson-reflect": Row(_lesson, **SIGNED_IN, why="the reader's own reflections"),
    "pathways:lesson-check": Row(_lesson, **SIGNED_IN, why="the reader's own self-check"),
    "accounts:profile-detail": Row(lambda owner: {"user_id": owner.pk}, **PRIVATE),
    "notifications:unsubscribe": Row(
        lambda owner: {"token": unsubscribe_token(owner.pk, "digest")},
        owner=200,
        physician=200,
        mentor=200,
        active_mentor=200,
        curriculum_editor=200,
        staff=200,
        support=200,
        superuser=200,
        visitor=200,
        why="the signed token in the emailed link is the credential (one-click unsubscribe "
        "works logged out); GET only asks to confirm and changes nothing "
        "(tests/notifications/test_preferences.py)",
    ),
    "account_confirm_email": Row(
        _confirm_email_key,
        owner=200,
        physician=200,
        mentor=200,
        active_mentor=200,
        curriculum_editor=200,
        staff=200,
        support=200,
        superuser=200,
        visitor=200,
        why="the key in the emailed link is the credential: the page asks to confirm and "
        "shows only the address the link was sent to",
    ),
    "account_reset_password_from_key": Row(
        _password_reset_key,
        owner=302,
        physician=302,
        mentor=302,
        active_mentor=302,
        curriculum_editor=302,
        staff=302,
        support=302,
        superuser=302,
        visitor=302,
        why="the key is the credential; allauth moves it into the session and redirects "
        "to a URL without it, so it never leaks through the Referer header",
    ),
}

# The steps that ask first answer GET with a confirmation page on the same URL as the
# POST above; what each persona gets from that page (it changes nothing).
CONFIRMATION_PAGES: dict[str, dict] = {
    "pathways:plan-calendar-reset": OWNER_ONLY,
    "pathways:goal-delete": OWNER_ONLY,
    "pathways:action-delete": OWNER_ONLY,
    "pathways:plan-role-clear": OWNER_ONLY,
    # Declining and withdrawing an active mentorship are no longer possible (302 with a
    # message); the wrong side is refused (403), as on the POST.
    "mentors:decline": {**MENTOR_ANSWER, "method": "get"},
    "mentors:withdraw": {**MENTEE_STEP, "method": "get"},
    "mentors:end": {**EITHER_SIDE, "owner": 200, "active_mentor": 200, "method": "get"},
    "mentors:meeting-cancel": {**EITHER_SIDE, "owner": 200, "active_mentor": 200, "method": "get"},
}


# Namespaces that guard themselves, and why they have no rows.
SELF_GUARDED_NAMESPACES = {
    "admin": "Django admin: staff only, with two-factor authentication "
    "(tests/test_security.py, tests/accounts/test_support_access.py), then per-model "
    "permissions",
}


def _routes(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace else (pattern.name or "")
            yield prefix + str(pattern.pattern), name


def routes_with_object_ids() -> dict[str, str]:
    return {
        name: route
        for route, name in _routes(get_resolver().url_patterns)
        if ("<" in route or "(?P" in route) and name.split(":")[0] not in SELF_GUARDED_NAMESPACES
    }


def test_every_url_with_an_object_id_has_an_access_row():
    missing = sorted(set(routes_with_object_ids()) - set(ACCESS_RULES))
    assert not missing, f"add rows to ACCESS_RULES for: {missing}"


def test_every_access_row_names_a_real_url():
    stale = sorted(set(ACCESS_RULES) - set(routes_with_object_ids()))
    assert not stale, f"these rows name no URL: {stale}"


@pytest.mark.parametrize("url_name", sorted(ACCESS_RULES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_access_rule(url_name, persona, physician, personas, persona_clients):
    row = ACCESS_RULES[url_name]
    url = reverse(url_name, kwargs=row.kwargs(physician))
    client = persona_clients[persona]
    response = client.post(url, row.data or {}) if row.method == "post" else client.get(url)
    assert response.status_code == getattr(row, persona), (
        f"{persona} on {url_name}: got {response.status_code}"
    )
    if response.status_code == 302 and persona == "visitor" and ":" in url_name:
        assert response.url.startswith(reverse("account_login"))
    logged = list(DataAccessLog.objects.values_list("person", "viewer", "path"))
    if row.logged and persona in SUPPORT_PERSONAS:
        assert logged == [(physician.pk, personas[persona].pk, url)], url_name
    else:
        assert logged == [], f"{persona} on {url_name} was logged"


@pytest.mark.parametrize("url_name", sorted(CONFIRMATION_PAGES))
@pytest.mark.parametrize("persona", PERSONAS)
def test_confirmation_page_access(url_name, persona, physician, persona_clients):
    row = ACCESS_RULES[url_name]
    expected = CONFIRMATION_PAGES[url_name]
    response = persona_clients[persona].get(reverse(url_name, kwargs=row.kwargs(physician)))
    assert response.status_code == expected[persona], (
        f"{persona} on GET {url_name}: got {response.status_code}"
    )
    assert not DataAccessLog.objects.exists()
