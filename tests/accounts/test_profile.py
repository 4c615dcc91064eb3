import pytest
from django.urls import reverse

from cmo_portal.accounts.models import Profile
from tests.factories import ProfileFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:profile-edit")

GOOD = {
    "full_name": "Dr Lena Fischer",
    "career_stage": "practising",
    "specialty": "Cardiology",
    "years_since_residency": "9",
    "current_role": "Associate medical director",
    "organisation_type": "hospital",
    "country": "DE",
    "time_zone": "Europe/Berlin",
}


def test_new_user_fills_in_the_profile_and_goes_home(client):
    user = UserFactory()
    client.force_login(user)

    assert b"Complete your profile" in client.get(URL).content
    response = client.post(URL, GOOD)

    assert response.status_code == 302
    assert response.url == reverse("home")
    profile = Profile.objects.get(user=user)
    assert profile.full_name == "Dr Lena Fischer"
    assert profile.years_since_residency == 9
    assert profile.country.code == "DE"
    assert profile.time_zone == "Europe/Berlin"


def test_profile_edit_changes_only_the_requesters_profile(client, physician, other_physician):
    client.force_login(physician)
    client.post(URL, {**GOOD, "user": other_physician.pk})

    physician.profile.refresh_from_db()
    other_physician.profile.refresh_from_db()
    assert physician.profile.full_name == "Dr Lena Fischer"
    assert other_physician.profile.full_name == "Dr Bo Stranger"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("years_since_residency", "200", "less than or equal to 60"),
        ("years_since_residency", "nine", "Enter a whole number"),
        ("years_since_residency", "", "Say how many years you have practised"),
        ("time_zone", "Mars/Olympus_Mons", "Select a valid choice"),
        ("career_stage", "emperor", "Select a valid choice"),
        ("country", "XX", "Select a valid choice"),
        ("full_name", "", "This field is required"),
        ("full_name", "x" * 151, "at most 150 characters"),
    ],
)
def test_bad_profile_input_is_refused_clearly_keeps_what_was_typed_and_saves_nothing(
    client, physician, field, value, message
):
    client.force_login(physician)
    before = Profile.objects.values().get(user=physician)

    response = client.post(URL, {**GOOD, field: value})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert b"please correct the fields" in response.content
    # What the physician typed in the other fields is still there.
    assert b'value="Associate medical director"' in response.content
    assert b'value="Cardiology"' in response.content
    assert Profile.objects.values().get(user=physician) == before


def test_a_student_cannot_claim_years_since_residency(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        URL, {**GOOD, "career_stage": "medical_student", "years_since_residency": "3"}
    )

    assert response.status_code == 400
    assert "have not finished residency" in response.content.decode()
    assert not Profile.objects.filter(user=user).exists()


def test_a_resident_may_leave_years_empty(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(URL, {**GOOD, "career_stage": "resident", "years_since_residency": ""})

    assert response.status_code == 302
    assert Profile.objects.get(user=user).years_since_residency is None


def test_visitor_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert client.post(URL, GOOD).status_code == 302
    assert not Profile.objects.exists()


def test_profile_page_shows_the_profile_to_its_owner(client, physician):
    client.force_login(physician)
    response = client.get(reverse("accounts:profile-detail", args=[physician.pk]))
    assert response.status_code == 200
    assert b"Dr Ada Owner" in response.content
    assert b"Internal medicine" in response.content


def test_another_physician_cannot_see_a_profile(client, physician, other_physician):
    client.force_login(other_physician)
    response = client.get(reverse("accounts:profile-detail", args=[physician.pk]))
    assert response.status_code == 404
    assert b"Dr Ada Owner" not in response.content


def test_a_missing_profile_and_a_hidden_one_look_the_same(client, other_physician):
    client.force_login(other_physician)
    response = client.get(reverse("accounts:profile-detail", args=[999_999]))
    assert response.status_code == 404


def test_profile_pages_are_not_stored_by_browsers(client, physician):
    client.force_login(physician)
    for url in (URL, reverse("accounts:profile-detail", args=[physician.pk])):
        cache_control = client.get(url)["Cache-Control"]
        assert "no-store" in cache_control
        assert "private" in cache_control


@pytest.mark.parametrize("others", [0, 40])
def test_profile_pages_cost_the_same_queries_however_many_users(
    client, physician, others, django_assert_max_num_queries
):
    ProfileFactory.create_batch(others)
    client.force_login(physician)
    with django_assert_max_num_queries(6):
        client.get(reverse("accounts:profile-detail", args=[physician.pk]))
    with django_assert_max_num_queries(6):
        client.get(URL)
