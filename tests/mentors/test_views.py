"""The mentors' pages: the directory, a mentor's page, suggestions, the request form, the
mentorship page and its answers, the mentor's own profile and dashboard. Each page also
shows who is refused and that a refusal changes nothing."""

import html
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mentors.models import (
    MentorProfile,
    Mentorship,
    MentorshipStatus,
    PlanComment,
    TeachableCompetency,
)
from pathways.models.plan import CareerPlan, PlanGoal
from tests.conftest import client_for, page_text
from tests.factories import (
    CompetencyFactory,
    MentorProfileFactory,
    MentorshipFactory,
    PathwayFactory,
    ProfileFactory,
    SettingFactory,
    complete_assessment,
    make_scale,
    submit_ratings,
)

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("mentors:directory")
SUGGESTIONS = reverse("mentors:suggestions")
PROFILE_EDIT = reverse("mentors:profile-edit")
DASHBOARD = reverse("mentors:dashboard")
MESSAGE = "I lead our sepsis programme and would value advice on moving into a CMO role."


def make_mentor(name: str, **kwargs) -> MentorProfile:
    """An approved mentor (unless told otherwise) called `name`."""
    user = ProfileFactory(full_name=name, career_stage="physician_leader").user
    return MentorProfileFactory(user=user, **kwargs)


def fill(profile: MentorProfile, count: int | None = None) -> None:
    """Give the mentor `count` active mentees (their whole capacity by default)."""
    for _ in range(profile.capacity if count is None else count):
        MentorshipFactory(mentor=profile, status=MentorshipStatus.ACTIVE)


def names_listed(response) -> list[str]:
    return [mentor.display_name for mentor in response.context["page"].object_list]


def textarea_value(response, name: str) -> str | None:
    """What the page's <textarea name=...> holds, or None when there is none."""
    found = re.search(
        rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', response.content.decode(), re.S
    )
    return html.unescape(found.group(1)).strip() if found else None


# --- The directory -------------------------------------------------------------------


def test_the_directory_lists_only_approved_active_mentors(client, physician):
    make_mentor("Dr Approved")
    make_mentor("Dr Pending", status="pending")
    make_mentor("Dr Rejected", status="rejected")
    gone = make_mentor("Dr Gone")
    gone.user.is_active = False
    gone.user.save()
    client.force_login(physician)

    response = client.get(DIRECTORY)

    assert response.status_code == 200
    assert names_listed(response) == ["Dr Approved"]
    page = page_text(response)
    assert "Dr Approved" in page
    assert "Dr Pending" not in page and "Dr Rejected" not in page and "Dr Gone" not in page


def test_the_directory_lists_mentors_by_name_on_every_page(client, physician):
    # Created out of order, so only an ORDER BY puts them in order.
    names = [f"Dr {letter} Mentor" for letter in "ZYXWVUTSRQPONMLKJIHGFEDCBA"]
    for name in names:
        make_mentor(name)
    client.force_login(physician)

    first = names_listed(client.get(DIRECTORY))
    second = names_listed(client.get(DIRECTORY, {"page": "2"}))
    third = names_listed(client.get(DIRECTORY, {"page": "3"}))

    assert first + second + third == sorted(names)


def test_the_directory_filters_by_setting_pathway_and_competency(client, physician):
    hospital = SettingFactory(slug="hospital", name="Hospital")
    pharma = SettingFactory(slug="pharma", name="Pharma")
    pathway = PathwayFactory(slug="hospital-cmo", setting=hospital)
    finance = CompetencyFactory(slug="finance", name="Finance")
    safety = CompetencyFactory(slug="safety", name="Quality and safety")
    in_hospital = make_mentor("Dr Hospital", teaches={safety: 4})
    in_hospital.settings_known.set([hospital])
    in_hospital.pathways_known.set([pathway])
    in_pharma = make_mentor("Dr Pharma", teaches={finance: 3})
    in_pharma.settings_known.set([pharma])
    client.force_login(physician)

    assert names_listed(client.get(DIRECTORY, {"setting": "hospital"})) == ["Dr Hospital"]
    assert names_listed(client.get(DIRECTORY, {"setting": "pharma"})) == ["Dr Pharma"]
    assert names_listed(client.get(DIRECTORY, {"pathway": "hospital-cmo"})) == ["Dr Hospital"]
    assert names_listed(client.get(DIRECTORY, {"competency": "finance"})) == ["Dr Pharma"]
    assert names_listed(client.get(DIRECTORY, {"competency": "safety"})) == ["Dr Hospital"]
    assert names_listed(client.get(DIRECTORY)) == ["Dr Hospital", "Dr Pharma"]


def test_only_with_a_free_place_hides_full_and_paused_mentors(client, physician):
    make_mentor("Dr Free", capacity=2)
    fill(make_mentor("Dr Full", capacity=2))
    make_mentor("Dr Paused", accepting_requests=False, pause_note="On leave until March")
    client.force_login(physician)

    assert names_listed(client.get(DIRECTORY, {"room": "on"})) == ["Dr Free"]
    assert names_listed(client.get(DIRECTORY)) == ["Dr Free", "Dr Full", "Dr Paused"]


def test_the_directory_shows_free_places_and_the_usual_response_time(client, physician):
    listed = make_mentor("Dr Listed", capacity=3)
    fill(listed, 1)
    MentorProfile.objects.filter(pk=listed.pk).update(usual_response_hours=7)
    client.force_login(physician)

    response = client.get(DIRECTORY)

    (shown,) = response.context["page"].object_list
    assert shown.free_places() == 2
    page = page_text(response)
    assert "2 of 3 places free" in page
    assert "Usually answers within 7 hours" in page


@pytest.mark.parametrize(
    "query",
    [
        {"setting": "nope", "page": "abc"},
        {"pathway": "<script>", "competency": "x" * 300, "room": "maybe"},
        {"page": "99999"},
        {"page": "-1", "q": "x" * 500},
    ],
)
def test_a_tampered_filter_gives_the_page_not_an_error(client, physician, query):
    make_mentor("Dr Listed")
    client.force_login(physician)

    response = client.get(DIRECTORY, query)

    assert response.status_code == 200
    assert "Dr Listed" in page_text(response)


def test_a_visitor_is_sent_to_log_in_for_the_directory(client):
    response = client.get(DIRECTORY)
    assert response.status_code == 302
    assert reverse("account_login") in response.url


# --- A mentor's page -----------------------------------------------------------------


def test_an_approved_mentors_page_is_seen_by_any_signed_in_user(client, physician, mentor):
    client.force_login(physician)
    response = client.get(reverse("mentors:detail", args=[mentor.mentor_profile.pk]))
    assert response.status_code == 200
    assert "Dr Cy Mentor" in page_text(response)


@pytest.mark.parametrize("status", ["pending", "rejected"])
def test_an_application_not_approved_is_hidden_from_other_users(
    physician, other_physician, mentor, status
):
    application = make_mentor("Dr Applicant", status=status)
    url = reverse("mentors:detail", args=[application.pk])

    for user in (physician, other_physician, mentor):
        assert client_for(user).get(url).status_code == 404


def test_an_application_not_approved_is_seen_by_its_author_and_support_not_staff(
    staff, curriculum_editor, support
):
    application = make_mentor("Dr Applicant", status="pending")
    url = reverse("mentors:detail", args=[application.pk])

    for user in (application.user, support):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert "Dr Applicant" in page_text(response)
    for user in (staff, curriculum_editor):
        assert client_for(user).get(url).status_code == 404


def test_a_deactivated_mentors_page_is_404_for_others(physician, staff, support):
    gone = make_mentor("Dr Gone")
    gone.user.is_active = False
    gone.user.save()
    url = reverse("mentors:detail", args=[gone.pk])

    assert client_for(physician).get(url).status_code == 404
    assert client_for(staff).get(url).status_code == 404
    assert client_for(support).get(url).status_code == 200


def test_a_mentor_page_that_does_not_exist_is_404(client, physician):
    client.force_login(physician)
    assert client.get(reverse("mentors:detail", args=[987654])).status_code == 404


# --- Suggestions ---------------------------------------------------------------------


@pytest.fixture
def rated(physician, curriculum):
    """A pharma-CMO hopeful whose largest gap is clinical trial design (weighted 9),
    then finance and negotiation (2 each)."""
    c = curriculum["competencies"]
    complete_assessment(physician, curriculum["pharma"])
    submit_ratings(
        physician,
        {
            c["Clinical trial design"]: 1,
            c["Finance"]: 2,
            c["Negotiation"]: 2,
            c["Quality and safety"]: 2,
        },
    )
    return curriculum


def test_suggestions_put_the_mentor_teaching_the_largest_gap_first(client, physician, rated):
    c = rated["competencies"]
    make_mentor("Dr Finance", teaches={c["Finance"]: 4})
    make_mentor("Dr Trials", teaches={c["Clinical trial design"]: 4})
    make_mentor("Dr Nothing Relevant", teaches={c["Quality and safety"]: 4})
    client.force_login(physician)

    response = client.get(SUGGESTIONS)

    assert response.status_code == 200
    items = response.context["found"].items
    assert items[0].mentor.display_name == "Dr Trials"
    assert items[1].mentor.display_name == "Dr Finance"
    page = page_text(response)
    assert "Covers 1 of your top 3 gaps: clinical trial design" in page
    assert page.index("Dr Trials") < page.index("Dr Finance")


def test_suggestions_leave_out_mentors_already_asked_or_at_capacity(client, physician, rated):
    c = rated["competencies"]
    trials = c["Clinical trial design"]
    make_mentor("Dr Free", teaches={trials: 3})
    asked = make_mentor("Dr Asked", teaches={trials: 4})
    MentorshipFactory(mentee=physician, mentor=asked)
    fill(make_mentor("Dr Full", teaches={trials: 4}, capacity=1))
    make_mentor("Dr Paused", teaches={trials: 4}, accepting_requests=False)
    client.force_login(physician)

    response = client.get(SUGGESTIONS)

    assert [s.mentor.display_name for s in response.context["found"].items] == ["Dr Free"]
    page = page_text(response)
    assert "Dr Free" in page
    for hidden in ("Dr Asked", "Dr Full", "Dr Paused"):
        assert hidden not in page


def test_suggestions_never_offer_the_physician_themselves(client, rated):
    c = rated["competencies"]
    own = make_mentor("Dr Self", teaches={c["Clinical trial design"]: 4})
    complete_assessment(own.user, rated["pharma"])
    submit_ratings(own.user, {c["Clinical trial design"]: 1})
    client.force_login(own.user)

    response = client.get(SUGGESTIONS)

    assert response.status_code == 200
    assert own.pk not in [s.mentor.pk for s in response.context["found"].items]


def test_suggestions_without_ratings_ask_the_physician_to_rate_first(
    client,
    physician,
    curriculum,
):
    complete_assessment(physician, curriculum["pharma"])
    make_mentor("Dr Trials", teaches={curriculum["competencies"]["Clinical trial design"]: 4})
    client.force_login(physician)

    response = client.get(SUGGESTIONS)

    assert response.status_code == 200
    assert not response.context["results"].has_ratings
    page = page_text(response)
    assert reverse("assessments:rubric") in page
    assert "Rate your competencies" in page


def test_suggestions_with_a_tampered_filter_still_render(client, physician, rated):
    client.force_login(physician)
    response = client.get(SUGGESTIONS, {"pathway": "../../etc", "formats": ["teleport"]})
    assert response.status_code == 200


# --- The request form ----------------------------------------------------------------


def request_url(profile: MentorProfile) -> str:
    return reverse("mentors:request", args=[profile.pk])


def test_the_request_form_shows_the_form(client, physician, mentor):
    client.force_login(physician)
    response = client.get(request_url(mentor.mentor_profile))
    assert response.status_code == 200
    page = page_text(response)
    assert 'name="message"' in page
    assert "Dr Cy Mentor" in page


def test_a_valid_request_creates_a_mentorship_and_emails_the_mentor(
    client, physician, mentor, django_capture_on_commit_callbacks
):
    client.force_login(physician)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(request_url(mentor.mentor_profile), {"message": MESSAGE})

    mentorship = Mentorship.objects.get()
    assert (mentorship.mentee, mentorship.mentor.user) == (physician, mentor)
    assert mentorship.status == MentorshipStatus.REQUESTED
    assert mentorship.message == MESSAGE
    assert response.status_code == 302
    assert response.url == reverse("mentors:mentorship", args=[mentorship.pk])
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [mentor.email]
    assert email.subject == "Dr Ada Owner asks you to be their mentor"


def assert_refused(response, message: str, typed: str) -> None:
    """A 400 page that says why, keeps what was typed, and saved nothing."""
    assert response.status_code == 400
    assert message in page_text(response)
    assert textarea_value(response, "message") == typed
    assert not Mentorship.objects.filter(message=typed).exists()


def test_a_mentor_cannot_ask_themselves(client, mentor):
    client.force_login(mentor)
    response = client.post(request_url(mentor.mentor_profile), {"message": MESSAGE})
    assert_refused(response, "You cannot ask yourself to be your mentor.", MESSAGE)
    assert Mentorship.objects.count() == 0


def test_a_request_to_an_unapproved_mentor_is_404(client, physician):
    application = make_mentor("Dr Applicant", status="pending")
    client.force_login(physician)

    assert client.get(request_url(application)).status_code == 404
    assert client.post(request_url(application), {"message": MESSAGE}).status_code == 404
    assert Mentorship.objects.count() == 0


def test_a_request_to_a_mentor_at_capacity_is_refused(client, physician):
    full = make_mentor("Dr Full", capacity=1)
    fill(full)
    client.force_login(physician)

    response = client.post(request_url(full), {"message": MESSAGE})

    assert_refused(response, "Dr Full has no free places at the moment.", MESSAGE)
    assert not Mentorship.objects.filter(mentee=physician).exists()


def test_a_request_to_a_paused_mentor_is_refused(client, physician):
    paused = make_mentor("Dr Paused", accepting_requests=False)
    client.force_login(physician)

    response = client.post(request_url(paused), {"message": MESSAGE})

    assert_refused(response, "Dr Paused has paused new requests for now.", MESSAGE)


def test_a_duplicate_request_is_refused(
    client, physician, mentor, django_capture_on_commit_callbacks
):
    first = MentorshipFactory(mentee=physician, mentor=mentor.mentor_profile)
    client.force_login(physician)
    again = "Just checking you received my request from last week, thank you!"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(request_url(mentor.mentor_profile), {"message": again})

    assert_refused(response, "You already have a request or a mentorship with Dr Cy Mentor.", again)
    assert list(Mentorship.objects.all()) == [first]
    assert mail.outbox == []


def test_a_too_short_message_is_refused_and_kept(client, physician, mentor):
    client.force_login(physician)

    response = client.post(request_url(mentor.mentor_profile), {"message": "Help me"})

    assert_refused(response, "at least 20 characters", "Help me")
    assert response.context["form"]["message"].value() == "Help me"
    assert Mentorship.objects.count() == 0


def test_a_request_naming_another_physicians_goal_is_refused(client, physician, mentor):
    stranger = ProfileFactory().user
    plan = CareerPlan.objects.create(owner=stranger, pathway=PathwayFactory())
    goal = PlanGoal.objects.create(plan=plan, title="Their goal", section="networks")
    client.force_login(physician)

    response = client.post(
        request_url(mentor.mentor_profile), {"message": MESSAGE, "goals": [goal.pk]}
    )

    assert response.status_code == 400
    assert Mentorship.objects.count() == 0


# --- The mentorship page and its answers ---------------------------------------------


@pytest.fixture
def requested(physician, mentor) -> Mentorship:
    return MentorshipFactory(mentee=physician, mentor=mentor.mentor_profile)


def act(user, name: str, mentorship: Mentorship, data: dict | None = None, **kwargs):
    return client_for(user).post(
        reverse(f"mentors:{name}", args=[mentorship.pk]), data or {}, **kwargs
    )


def status_of(mentorship: Mentorship) -> str:
    mentorship.refresh_from_db()
    return mentorship.status


def test_the_mentorship_page_is_seen_by_both_sides_and_support_only(
    physician, mentor, other_physician, active_mentor, staff, curriculum_editor, support, requested
):
    url = reverse("mentors:mentorship", args=[requested.pk])
    for user in (physician, mentor, support):
        assert client_for(user).get(url).status_code == 200
    for user in (other_physician, active_mentor, staff, curriculum_editor):
        assert client_for(user).get(url).status_code == 404


def test_the_mentor_accepts_and_the_physician_is_emailed(
    physician, mentor, requested, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = act(mentor, "accept", requested)

    assert response.status_code == 302
    assert response.url == reverse("mentors:mentorship", args=[requested.pk])
    assert status_of(requested) == MentorshipStatus.ACTIVE
    assert requested.started_at is not None
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([physician.email], "Dr Cy Mentor will be your mentor")
    ]


def test_the_mentor_declines_with_a_reason_and_the_physician_is_emailed(
    physician, mentor, requested, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        act(mentor, "decline", requested, {"reason": "I am away for three months."})

    assert status_of(requested) == MentorshipStatus.DECLINED
    assert requested.decline_reason == "I am away for three months."
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([physician.email], "Dr Cy Mentor cannot take on your request")
    ]


def test_the_mentor_asks_a_question_and_the_physician_is_emailed(
    physician, mentor, requested, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        act(mentor, "ask", requested, {"question": "Which hospital do you work in?"})

    assert status_of(requested) == MentorshipStatus.NEEDS_INFO
    assert requested.question == "Which hospital do you work in?"
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([physician.email], "Dr Cy Mentor has a question about your request")
    ]


def test_an_empty_question_is_refused_with_a_message(mentor, requested):
    response = act(mentor, "ask", requested, {"question": ""}, follow=True)
    assert status_of(requested) == MentorshipStatus.REQUESTED
    assert "This field is required." in page_text(response)
    assert mail.outbox == []


def test_the_physician_answers_and_the_mentor_is_emailed(
    physician, mentor, requested, django_capture_on_commit_callbacks
):
    Mentorship.objects.filter(pk=requested.pk).update(
        status=MentorshipStatus.NEEDS_INFO, question="Which hospital?"
    )

    with django_capture_on_commit_callbacks(execute=True):
        act(physician, "answer", requested, {"answer": "St Mary's, a 400-bed hospital."})

    assert status_of(requested) == MentorshipStatus.REQUESTED
    assert requested.answer == "St Mary's, a 400-bed hospital."
    assert [(m.to, m.subject) for m in mail.outbox] == [
        ([mentor.email], "Dr Ada Owner answered your question")
    ]


def test_the_physician_withdraws_a_request(physician, mentor, requested):
    response = act(physician, "withdraw", requested, follow=True)

    assert status_of(requested) == MentorshipStatus.WITHDRAWN
    assert "Your request was withdrawn." in page_text(response)


@pytest.mark.parametrize(
    ("ender", "told", "subject"),
    [
        ("physician", "mentor", "Dr Ada Owner has ended your mentorship"),
        ("mentor", "physician", "Dr Cy Mentor has ended your mentorship"),
    ],
)
def test_either_side_ends_a_mentorship_and_the_other_is_emailed(
    request, requested, django_capture_on_commit_callbacks, ender, told, subject
):
    Mentorship.objects.filter(pk=requested.pk).update(status=MentorshipStatus.ACTIVE)
    ender_user = request.getfixturevalue(ender)
    told_user = request.getfixturevalue(told)

    with django_capture_on_commit_callbacks(execute=True):
        act(ender_user, "end", requested, {"reason": "We met the goals we set."})

    assert status_of(requested) == MentorshipStatus.ENDED
    assert requested.ended_by == ender_user
    assert requested.end_reason == "We met the goals we set."
    assert [(m.to, m.subject) for m in mail.outbox] == [([told_user.email], subject)]


@pytest.mark.parametrize("action", ["accept", "decline", "ask", "answer", "withdraw", "end"])
def test_a_tampered_mentorship_id_is_404(physician, mentor, requested, action):
    missing = Mentorship(pk=requested.pk + 1000)
    response = act(mentor, action, missing, {"reason": "x", "question": "x", "answer": "x"})
    assert response.status_code == 404
    assert status_of(requested) == MentorshipStatus.REQUESTED


@pytest.mark.parametrize("action", ["accept", "decline", "ask"])
def test_the_mentee_cannot_answer_their_own_request_as_mentor(physician, requested, action):
    response = act(physician, action, requested, {"reason": "x", "question": "Why?"})
    assert response.status_code == 403
    assert status_of(requested) == MentorshipStatus.REQUESTED
    assert mail.outbox == []


def test_the_mentor_cannot_withdraw_or_answer_for_the_physician(mentor, requested):
    assert act(mentor, "withdraw", requested).status_code == 403
    Mentorship.objects.filter(pk=requested.pk).update(status=MentorshipStatus.NEEDS_INFO)
    assert act(mentor, "answer", requested, {"answer": "Myself"}).status_code == 403
    assert status_of(requested) == MentorshipStatus.NEEDS_INFO


def test_a_stranger_cannot_act_on_a_mentorship(other_physician, requested):
    assert act(other_physician, "accept", requested).status_code == 404
    assert act(other_physician, "withdraw", requested).status_code == 404
    assert status_of(requested) == MentorshipStatus.REQUESTED


def test_accepting_when_full_is_refused_with_a_message(mentor, requested):
    fill(mentor.mentor_profile)

    response = act(mentor, "accept", requested, follow=True)

    assert status_of(requested) == MentorshipStatus.REQUESTED
    assert "You already mentor 2 of the 2 people you offered to." in page_text(response)


def test_accepting_an_answered_request_again_changes_nothing(mentor, requested):
    Mentorship.objects.filter(pk=requested.pk).update(status=MentorshipStatus.DECLINED)

    response = act(mentor, "accept", requested, follow=True)

    assert status_of(requested) == MentorshipStatus.DECLINED
    assert "can no longer be answered" in page_text(response)


def test_the_answers_refuse_get(mentor, requested):
    response = client_for(mentor).get(reverse("mentors:accept", args=[requested.pk]))
    assert response.status_code == 405
    assert status_of(requested) == MentorshipStatus.REQUESTED


# --- The mentor's own profile --------------------------------------------------------


@pytest.fixture
def library(db):
    make_scale()
    return {
        "finance": CompetencyFactory(name="Finance"),
        "safety": CompetencyFactory(name="Quality and safety"),
        "setting": SettingFactory(slug="hospital", name="Hospital"),
    }


def profile_form(library, **changes) -> dict:
    data = {
        "headline": "CMO of a 400-bed teaching hospital",
        "current_role": "Chief Medical Officer",
        "bio": "Twenty years in hospital leadership, ten as a CMO.",
        "past_roles": "Medical director\nChief of medicine",
        "settings_known": [library["setting"].pk],
        "capacity": "3",
        "time_zone": "America/New_York",
        "offers_video": "on",
        "languages": ["en"],
        "accepting_requests": "on",
        "pause_note": "",
        f"teach_{library['finance'].pk}": "3",
        f"teach_{library['safety'].pk}": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_applying_creates_a_pending_profile_with_what_the_mentor_teaches(
    client, physician, library
):
    client.force_login(physician)

    response = client.post(PROFILE_EDIT, profile_form(library))

    assert response.status_code == 302
    profile = MentorProfile.objects.get(user=physician)
    assert profile.status == "pending"
    assert profile.headline == "CMO of a 400-bed teaching hospital"
    assert list(profile.teaches.values_list("competency", "level")) == [(library["finance"].pk, 3)]
    assert list(profile.settings_known.all()) == [library["setting"]]
    assert "Your application is with our team" in page_text(client.get(PROFILE_EDIT))


def test_the_application_form_shows_to_a_physician_without_a_profile(client, physician, library):
    client.force_login(physician)
    response = client.get(PROFILE_EDIT)
    assert response.status_code == 200
    assert f'name="teach_{library["finance"].pk}"' in response.content.decode()


def test_an_application_without_a_competency_or_a_format_is_refused(client, physician, library):
    client.force_login(physician)

    response = client.post(
        PROFILE_EDIT,
        profile_form(library, offers_video=None, **{f"teach_{library['finance'].pk}": ""}),
    )

    assert response.status_code == 400
    page = page_text(response)
    assert "Choose at least one competency you can teach." in page
    assert "Choose at least one way of meeting your mentees." in page
    assert "CMO of a 400-bed teaching hospital" in page  # what was typed is kept
    assert not MentorProfile.objects.filter(user=physician).exists()
    assert not TeachableCompetency.objects.exists()


def test_editing_an_approved_profile_keeps_the_approval(client, mentor, library):
    client.force_login(mentor)

    response = client.post(PROFILE_EDIT, profile_form(library, headline="Now at a new hospital"))

    assert response.status_code == 302
    profile = MentorProfile.objects.get(user=mentor)
    assert profile.status == "approved"
    assert profile.headline == "Now at a new hospital"
    assert "Your mentor profile is saved." in page_text(client.get(PROFILE_EDIT))


def test_editing_a_rejected_profile_sends_it_back_for_review(client, library):
    rejected = make_mentor("Dr Rejected", status="rejected")
    client.force_login(rejected.user)

    client.post(PROFILE_EDIT, profile_form(library))

    rejected.refresh_from_db()
    assert rejected.status == "pending"


def test_pausing_hides_the_mentor_from_those_with_room_but_keeps_current_mentees(
    physician, active_mentor, other_physician
):
    mentor_client = client_for(active_mentor)

    response = mentor_client.post(
        reverse("mentors:profile-pause"), {"accepting": "0", "note": "On leave until March"}
    )

    assert response.status_code == 302
    assert response.url == DASHBOARD
    profile = MentorProfile.objects.get(user=active_mentor)
    assert not profile.accepting_requests
    assert profile.pause_note == "On leave until March"
    directory = client_for(other_physician)
    assert "Dr Di Active" not in names_listed(directory.get(DIRECTORY, {"room": "on"}))
    assert "Dr Di Active" in names_listed(directory.get(DIRECTORY))
    dashboard = mentor_client.get(DASHBOARD)
    assert [row.mentorship.mentee for row in dashboard.context["board"].mentees] == [physician]
    assert "Dr Ada Owner" in page_text(dashboard)


def test_resuming_takes_requests_again(active_mentor):
    MentorProfile.objects.filter(user=active_mentor).update(accepting_requests=False)

    client_for(active_mentor).post(reverse("mentors:profile-pause"), {"accepting": "1"})

    assert MentorProfile.objects.get(user=active_mentor).accepting_requests


def test_a_tampered_pause_changes_nothing(active_mentor):
    response = client_for(active_mentor).post(
        reverse("mentors:profile-pause"), {"accepting": "sideways"}
    )
    assert response.status_code == 302
    assert MentorProfile.objects.get(user=active_mentor).accepting_requests


# --- The dashboard -------------------------------------------------------------------


def test_the_dashboard_sends_a_user_without_a_mentor_profile_to_the_form(client, physician):
    client.force_login(physician)
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url == PROFILE_EDIT


def test_the_dashboard_shows_pending_requests_and_mentees(
    physician, other_physician, active_mentor
):
    profile = MentorProfile.objects.get(user=active_mentor)
    pending = MentorshipFactory(mentee=other_physician, mentor=profile)

    response = client_for(active_mentor).get(DASHBOARD)

    assert response.status_code == 200
    board = response.context["board"]
    assert board.pending == [pending]
    assert [row.mentorship.mentee for row in board.mentees] == [physician]
    page = page_text(response)
    assert "Dr Bo Stranger" in page
    assert "Dr Ada Owner" in page
    assert reverse("mentors:mentorship", args=[pending.pk]) in page


# --- The physician's mentors ---------------------------------------------------------


def test_the_physician_sees_their_mentors_requests_and_latest_advice(
    physician, mentor, active_mentor, other_physician
):
    MentorshipFactory(mentee=physician, mentor=mentor.mentor_profile)
    plan = CareerPlan.objects.create(owner=physician, pathway=PathwayFactory())
    PlanComment.objects.create(plan=plan, author=active_mentor, body="Book time with the CFO.")
    MentorshipFactory(mentee=other_physician, mentor=make_mentor("Dr Not Mine"))

    response = client_for(physician).get(reverse("mentors:mentorships"))

    assert response.status_code == 200
    assert [m.mentor.user for m in response.context["active"]] == [active_mentor]
    assert [m.mentor.user for m in response.context["open"]] == [mentor]
    page = page_text(response)
    assert "Dr Di Active" in page and "Dr Cy Mentor" in page
    assert "Book time with the CFO." in page
    assert "Dr Not Mine" not in page


def test_a_declined_physician_is_told_when_they_may_ask_again(physician, mentor):
    profile = mentor.mentor_profile
    MentorshipFactory(
        mentee=physician, mentor=profile, status="declined", responded_at=timezone.now()
    )
    response = client_for(physician).get(reverse("mentors:detail", kwargs={"pk": profile.pk}))
    assert response.status_code == 200
    assert "declined your last request" in page_text(response)
    assert reverse("mentors:request", kwargs={"pk": profile.pk}) not in response.text


def test_the_active_mentor_finds_the_rubric_from_the_mentees_results(
    physician, active_mentor, support
):
    mentorship = Mentorship.objects.active().get(mentee=physician)
    url = reverse("assessments:results-for", kwargs={"user_id": physician.pk})
    rubric = reverse("mentors:mentee-rubric", kwargs={"pk": mentorship.pk})
    assert rubric in client_for(active_mentor).get(url).text
    support_view = client_for(support).get(url)
    assert support_view.status_code == 200 and rubric not in support_view.text
