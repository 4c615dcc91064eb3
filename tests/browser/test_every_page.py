"""Every page a person can reach is opened by some browser test, so axe-core, the CSP
listener and the status check see it.

The pages no other browser test opens are visited here, each as the persona who uses it.
`test_every_get_page_of_the_urlconf_is_visited_by_a_browser_test` lists the URLconf's
names and fails for one that is neither visited here, nor named in VISITED_ELSEWHERE,
nor excluded with a reason in NOT_PAGES."""

from urllib.parse import urlsplit

import pytest
from anymail import urls as anymail_urls
from django.urls import URLResolver, get_resolver, resolve, reverse

from cmo_portal import clock
from cmo_portal.notifications.tokens import unsubscribe_token
from pathways.models.curriculum import Competency, Pathway
from pathways.models.opportunities import LearningModule, Opportunity
from pathways.models.plan import PdfStatus, PlanPdf
from pathways.services.curriculum import curriculum_load
from pathways.services.pdf import plan_pdf_version
from pathways.services.plan import plan_generate
from tests.browser.pages import sign_in_by_cookie
from tests.factories import (
    PASSWORD,
    MentorProfileFactory,
    MentorshipFactory,
    ProfileFactory,
    complete_assessment,
    second_factor_for,
    submit_ratings,
)

# Visited by the other browser tests (the file that opens each).
VISITED_ELSEWHERE = {
    "home": "test_foundation_pages.py",
    "account_login": "test_foundation_pages.py",
    "account_signup": "test_foundation_pages.py",
    "account_reset_password": "test_foundation_pages.py",
    "account_confirm_email": "test_whole_journey.py",
    "mfa_authenticate": "test_whole_journey.py",
    "accounts:after-login": "test_whole_journey.py",
    "accounts:profile-edit": "test_foundation_pages.py",
    "pathways:pathway-list": "test_curriculum_pages.py",
    "pathways:pathway-detail": "test_curriculum_pages.py",
    "pathways:pathway-compare": "test_curriculum_pages.py",
    "pathways:role-kinds": "test_curriculum_pages.py",
    "pathways:competency-list": "test_curriculum_pages.py",
    "pathways:competency-detail": "test_whole_journey.py",
    "pathways:module-list": "test_curriculum_pages.py",
    "pathways:opportunity-list": "test_curriculum_pages.py",
    "pathways:plan-list": "test_plan_journey.py",
    "pathways:plan-detail": "test_plan_journey.py",
    "pathways:plan-history": "test_plan_journey.py",
    "pathways:plan-print": "test_plan_journey.py",
    "pathways:goal-edit": "test_plan_journey.py",
    "pathways:plan-role": "test_plan_journey.py",
    "pathways:plan-role-clear": "test_plan_journey.py",
    "pathways:lesson": "test_lesson_journey.py",
    "pathways:lesson-section": "test_lesson_journey.py",
    "pathways:lesson-reflect": "test_lesson_journey.py",
    "pathways:lesson-check": "test_lesson_journey.py",
    "assessments:start": "test_assessment_journey.py",
    "assessments:step": "test_assessment_journey.py",
    "assessments:rubric": "test_assessment_journey.py",
    "assessments:results": "test_assessment_journey.py",
    "mentors:suggestions": "test_mentoring_journey.py",
    "mentors:request": "test_mentoring_journey.py",
    "mentors:mentorship": "test_mentoring_journey.py",
    "mentors:dashboard": "test_mentoring_journey.py",
    "mentors:plan-review": "test_mentoring_journey.py",
    "pathways:goal-delete": "test_confirmations.py",
    "pathways:plan-removed": "test_confirmations.py",
    "mentors:end": "test_confirmations.py",
}

POST_ONLY = "POST only: a button's action, which redirects to a page visited here"
DOWNLOAD = "a file download, not a page"
# URL names that are not pages a browser shows, with why.
NOT_PAGES = {
    "pathways:goal-restore": POST_ONLY,
    "pathways:action-restore": POST_ONLY,
    "skip-mentor-step": POST_ONLY,
    "csp-report": "POST only: the browser's CSP reports",
    # Admin pages of curriculum editors (under /admin/, staff with two factors), tested in
    # tests/pathways/test_curriculum_file.py as the rest of admin is in its own tests.
    "curriculum_file:export": DOWNLOAD,
    "curriculum_file:import": "an admin page (Django admin's styles): tests/pathways/test_curriculum_file.py",
    "health": "JSON for the load balancer",
    "health-live": "JSON for the container's liveness probe: tests/test_health.py",
    "metrics": "Prometheus's text, for the bearer of METRICS_TOKEN: tests/test_metrics.py",
    "pathways:plan-create": POST_ONLY,
    "pathways:plan-regenerate": POST_ONLY,
    "pathways:plan-status": POST_ONLY,
    "pathways:goal-move": POST_ONLY,
    "pathways:action-move": POST_ONLY,
    "pathways:action-done": POST_ONLY,
    "pathways:action-not-done": POST_ONLY,
    "pathways:goal-met": POST_ONLY,
    "pathways:goal-keep-open": POST_ONLY,
    "pathways:plan-json": DOWNLOAD,
    "pathways:plan-csv": DOWNLOAD,
    "pathways:plan-calendar": DOWNLOAD + " (an iCalendar feed)",
    "assessments:retake": POST_ONLY,
    "mentors:profile-pause": POST_ONLY,
    "notifications:notice-read": POST_ONLY,
    "notifications:notices-read": POST_ONLY,
    "mentors:accept": POST_ONLY,
    "mentors:ask": POST_ONLY,
    "mentors:answer": POST_ONLY,
    "mentors:comment-add": POST_ONLY,
    "mentors:agreement-confirm": POST_ONLY,
    "mentors:end-feedback-hide": POST_ONLY,
    "mentors:meeting-pick": POST_ONLY,
    "mentors:meeting-other-times": POST_ONLY,
    "mentors:meeting-note-add": POST_ONLY,
    "mentors:action-item-to-plan": POST_ONLY,
    "mfa_download_recovery_codes": DOWNLOAD + " (recovery codes as text)",
    "account_request_reauthentication_code": "login by code is not enabled",
    "account_confirm_reauthentication_code": "login by code is not enabled",
    "account_confirm_login_code": "login by code is not enabled",
    "account_set_password": "every account has a password; it redirects to change password",
    "account_reset_password_from_key_done": "shown only after a reset from a mailed link",
    "mfa_reauthenticate": "asked only of a person with two-factor authentication on",
    "mfa_deactivate_totp": "needs two-factor authentication on and a fresh sign-in",
    "mfa_generate_recovery_codes": "needs two-factor authentication on and a fresh sign-in",
    # Email providers' webhooks, POST only, behind their secret (tests/notifications/
    # test_bounces.py).
    **{
        f"anymail:{pattern.name}": "POST only: an email provider's webhook"
        for pattern in anymail_urls.urlpatterns
    },
}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def page_names() -> set[str]:
    """Namespaced names of the URLconf's views, Django admin's own left out."""

    def walk(patterns, namespace: str = ""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif pattern.name:
                yield namespace + pattern.name

    return set(walk(get_resolver().url_patterns))


def open_page(watched, name: str, path: str, *, expect_status: int | None = None) -> None:
    watched.visit(path, expect_status=expect_status)
    shown = resolve(urlsplit(watched.page.url).path).view_name
    assert shown == name, f"{path} showed {shown}, not {name}"
    VISITED_HERE.add(name)


VISITED_HERE: set[str] = set()
# Visited by the tests below (kept in step with them by the check at the end).
PAGES_HERE = {
    "pathways:module-detail",
    "pathways:opportunity-detail",
    "account_logout",
    "account_inactive",
    "account_email_verification_sent",
    "accounts:verification-resend",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "pathways:goal-add",
    "pathways:action-add",
    "pathways:action-edit",
    "pathways:plan-pdf",
    "assessments:history",
    "assessments:detail",
    "assessments:rating-set",
    "mentors:directory",
    "mentors:detail",
    "accounts:profile-detail",
    "accounts:data-access-log",
    "accounts:data-download",
    "accounts:delete",
    "account_reauthenticate",
    "account_email",
    "account_change_password",
    "mfa_index",
    "mfa_activate_totp",
    "mfa_view_recovery_codes",
    "notifications:preferences",
    "notifications:unsubscribe",
    "mentors:profile-edit",
    "mentors:mentorships",
    "mentors:mentee-rubric",
    "mentors:messages",
    "notifications:notices",
    "assessments:results-for",
    "pathways:action-delete",
    "pathways:plan-calendar-reset",
    "mentors:withdraw",
    "mentors:decline",
    "mentors:agreement",
    "mentors:end-feedback",
    # Meetings (issue 19, part B): test_every_meeting_page_is_clean.
    "mentors:meeting-new",
    "mentors:meeting",
    "mentors:meeting-times",
    "mentors:meeting-move",
    "mentors:meeting-cancel",
}


@pytest.fixture
def world():
    """The shipped curriculum, a physician with results and a plan, their active mentor."""
    curriculum_load()
    physician = ProfileFactory(full_name="Dr Every Page").user
    pathway = Pathway.objects.get(slug="payer-cmo")
    assessment = complete_assessment(physician, pathway)
    competencies = list(Competency.objects.filter(targets__pathway=pathway).distinct())
    rating_set = submit_ratings(physician, dict.fromkeys(competencies, 2))
    plan = plan_generate(owner=physician, pathway=pathway, actor=physician)
    mentor = ProfileFactory(full_name="Dr Page Mentor", career_stage="physician_leader").user
    mentorship = MentorshipFactory(
        mentee=physician, mentor=MentorProfileFactory(user=mentor), status="active"
    )
    # A request of the physician's still waiting on another mentor (withdraw), and one
    # waiting on the physician's mentor from someone else (decline).
    waiting = MentorshipFactory(mentee=physician, mentor=MentorProfileFactory())
    to_mentor = MentorshipFactory(
        mentee=ProfileFactory(full_name="Dr Asks Too").user, mentor=mentorship.mentor
    )
    return {
        "request": waiting,
        "request_to_mentor": to_mentor,
        "physician": physician,
        "assessment": assessment,
        "rating_set": rating_set,
        "plan": plan,
        "mentor": mentor,
        "mentorship": mentorship,
    }


def test_a_visitors_pages_are_clean(world, watched_page):
    module = LearningModule.objects.order_by("pk").first()
    opportunity = Opportunity.objects.order_by("pk").first()
    for name, path in [
        ("pathways:module-detail", reverse("pathways:module-detail", args=[module.slug])),
        (
            "pathways:opportunity-detail",
            reverse("pathways:opportunity-detail", args=[opportunity.slug]),
        ),
        ("account_inactive", reverse("account_inactive")),
        ("account_email_verification_sent", reverse("account_email_verification_sent")),
        ("accounts:verification-resend", reverse("accounts:verification-resend")),
        ("account_reset_password_done", reverse("account_reset_password_done")),
        (
            "account_reset_password_from_key",
            reverse("account_reset_password_from_key", args=["0", "not-a-key"]),
        ),
        (
            "notifications:unsubscribe",
            reverse(
                "notifications:unsubscribe",
                args=[unsubscribe_token(world["physician"].pk, "digest")],
            ),
        ),
    ]:
        open_page(watched_page, name, path)
    watched_page.assert_clean()


def test_every_page_a_physician_opens_is_clean(world, watched_page):
    physician, plan = world["physician"], world["plan"]
    goal = plan.goals.order_by("order").first()
    action = goal.actions.order_by("order").first()
    mentor_profile = world["mentorship"].mentor
    PlanPdf.objects.create(
        plan=plan,
        version=plan_pdf_version(plan),
        status=PdfStatus.RENDERING,
        claimed_at=clock.now(),
    )
    sign_in_by_cookie(watched_page, physician)
    for name, path in [
        ("pathways:goal-add", reverse("pathways:goal-add", args=[plan.pk])),
        ("pathways:action-add", reverse("pathways:action-add", args=[goal.pk])),
        ("pathways:action-edit", reverse("pathways:action-edit", args=[action.pk])),
        ("pathways:action-delete", reverse("pathways:action-delete", args=[action.pk])),
        ("pathways:plan-calendar-reset", reverse("pathways:plan-calendar-reset", args=[plan.pk])),
        ("mentors:withdraw", reverse("mentors:withdraw", args=[world["request"].pk])),
        ("assessments:history", reverse("assessments:history")),
        ("assessments:detail", reverse("assessments:detail", args=[world["assessment"].pk])),
        (
            "assessments:rating-set",
            reverse("assessments:rating-set", args=[world["rating_set"].pk]),
        ),
        ("mentors:directory", reverse("mentors:directory")),
        ("mentors:detail", reverse("mentors:detail", args=[mentor_profile.pk])),
        ("accounts:profile-detail", reverse("accounts:profile-detail", args=[physician.pk])),
        ("accounts:data-access-log", reverse("accounts:data-access-log")),
        ("accounts:data-download", reverse("accounts:data-download")),
        ("account_email", reverse("account_email")),
        ("account_change_password", reverse("account_change_password")),
        ("mfa_index", reverse("mfa_index")),
        ("notifications:preferences", reverse("notifications:preferences")),
        ("notifications:notices", reverse("notifications:notices")),
        # Not a mentor yet: the application form.
        ("mentors:profile-edit", reverse("mentors:profile-edit")),
        ("account_logout", reverse("account_logout")),
    ]:
        open_page(watched_page, name, path)
    # The PDF is still being rendered: the wait page answers 202.
    open_page(
        watched_page,
        "pathways:plan-pdf",
        reverse("pathways:plan-pdf", args=[plan.pk]),
        expect_status=202,
    )
    watched_page.screenshot("plan-pdf-wait")
    watched_page.assert_clean()


def test_pages_behind_a_fresh_sign_in_are_clean(world, watched_page):
    page = watched_page.page
    sign_in_by_cookie(watched_page, world["physician"])
    watched_page.visit(reverse("accounts:delete"))
    assert resolve(urlsplit(page.url).path).view_name == "account_reauthenticate"
    VISITED_HERE.add("account_reauthenticate")
    page.get_by_label("Password").fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Confirm").click()
    watched_page.check()
    assert resolve(urlsplit(page.url).path).view_name == "accounts:delete"
    VISITED_HERE.add("accounts:delete")
    watched_page.screenshot("account-delete")
    # Signed in again a moment ago: setting up an authenticator app opens straight away.
    open_page(watched_page, "mfa_activate_totp", reverse("mfa_activate_totp"))

    # With an authenticator app on, the recovery codes can be shown.
    second_factor_for(world["physician"])
    open_page(watched_page, "mfa_view_recovery_codes", reverse("mfa_view_recovery_codes"))
    watched_page.assert_clean()


def test_every_page_a_mentor_opens_is_clean(world, watched_page):
    mentorship = world["mentorship"]
    ended = MentorshipFactory(
        mentee=ProfileFactory(full_name="Dr Done Now").user,
        mentor=mentorship.mentor,
        status="ended",
    )
    sign_in_by_cookie(watched_page, world["mentor"])
    for name, path in [
        ("mentors:agreement", reverse("mentors:agreement", args=[mentorship.pk])),
        ("mentors:end-feedback", reverse("mentors:end-feedback", args=[ended.pk])),
        ("mentors:profile-edit", reverse("mentors:profile-edit")),
        ("mentors:mentorships", reverse("mentors:mentorships")),
        ("mentors:mentee-rubric", reverse("mentors:mentee-rubric", args=[mentorship.pk])),
        ("mentors:messages", reverse("mentors:messages", args=[mentorship.pk])),
        ("mentors:decline", reverse("mentors:decline", args=[world["request_to_mentor"].pk])),
        (
            "assessments:results-for",
            reverse("assessments:results-for", args=[world["physician"].pk]),
        ),
    ]:
        open_page(watched_page, name, path)
    watched_page.screenshot("mentor-sees-mentee-results")
    watched_page.assert_clean()


def test_every_meeting_page_is_clean(world, watched_page):
    """The mentee proposes; the meeting's pages, a held one with a note and an action
    item, and one sent back for other times."""
    from tests.factories import ActionItemFactory, MeetingFactory, ProposedTimeFactory

    mentorship = world["mentorship"]
    item = ActionItemFactory(note__meeting__mentorship=mentorship)
    held = item.note.meeting
    again = ProposedTimeFactory(
        meeting=MeetingFactory(mentorship=mentorship, status="other_times")
    ).meeting
    sign_in_by_cookie(watched_page, world["physician"])
    for name, path in [
        ("mentors:meeting-new", reverse("mentors:meeting-new", args=[mentorship.pk])),
        ("mentors:meeting", reverse("mentors:meeting", args=[held.pk])),
        ("mentors:meeting-times", reverse("mentors:meeting-times", args=[again.pk])),
        ("mentors:meeting-move", reverse("mentors:meeting-move", args=[held.pk])),
        ("mentors:meeting-cancel", reverse("mentors:meeting-cancel", args=[held.pk])),
    ]:
        open_page(watched_page, name, path)
    watched_page.assert_clean()


# Last in the file: it reads what the visiting tests above recorded in this session.
def test_every_get_page_of_the_urlconf_is_visited_by_a_browser_test():
    names = page_names()
    accounted = PAGES_HERE | set(VISITED_ELSEWHERE) | set(NOT_PAGES)
    assert not names - accounted, "visited by no browser test: " + ", ".join(
        sorted(names - accounted)
    )
    assert not accounted - names, "no longer in the URLconf: " + ", ".join(
        sorted(accounted - names)
    )
    assert not PAGES_HERE & set(NOT_PAGES)
    if VISITED_HERE:  # the visiting tests ran in this session
        assert PAGES_HERE <= VISITED_HERE, "listed but not visited: " + ", ".join(
            sorted(PAGES_HERE - VISITED_HERE)
        )
