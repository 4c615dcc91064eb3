"""The mentor profile pages: the directory, a mentor's page, and the mentor's own
profile (apply, edit, pause). Each page also shows who is refused and that a refusal
changes nothing."""

import pytest
from django.urls import reverse

from mentors.models.profiles import MentorProfile, TeachableCompetency
from tests.factories import (
    CompetencyFactory,
    MentorProfileFactory,
    PathwayFactory,
    SettingFactory,
    UserFactory,
    fill,
    make_mentor,
    make_scale,
)
from tests.pages import client_for, page_text

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("mentors:directory")
PROFILE_EDIT = reverse("mentors:profile-edit")
DASHBOARD = reverse("mentors:dashboard")


def names_listed(response) -> list[str]:
    return [mentor.display_name for mentor in response.context["page"].object_list]


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


def test_a_mentor_is_named_as_the_site_names_anyone_the_email_until_there_is_a_name(db):
    named = make_mentor("Dr Noor Named")
    assert named.display_name == named.user.get_full_name() == "Dr Noor Named"
    unnamed = MentorProfileFactory(user=UserFactory())
    assert unnamed.display_name == unnamed.user.get_full_name() == unnamed.user.email
