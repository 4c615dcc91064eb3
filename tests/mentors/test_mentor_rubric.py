"""An active mentor rates their mentee on the rubric, beside the mentee's own ratings,
finds the rubric from the mentee's results, and loses it when the mentorship ends."""

import pytest
from django.urls import reverse

from assessments.models import RaterRole, RatingSet
from mentors.models.mentorships import Mentorship, MentorshipStatus
from tests.factories import complete_assessment, submit_ratings
from tests.pages import client_for, page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated_mentee(physician, active_mentor, curriculum):
    """The mentee aims at pharma CMO and rated themselves 1 in trial design."""
    c = curriculum["competencies"]
    complete_assessment(physician, curriculum["pharma"])
    submit_ratings(physician, {c["Clinical trial design"]: 1, c["Finance"]: 2})
    return curriculum


def rubric_url(physician) -> str:
    return reverse("mentors:mentee-rubric", args=[Mentorship.objects.get(mentee=physician).pk])


def test_the_mentors_ratings_show_beside_the_self_ratings(physician, active_mentor, rated_mentee):
    c = rated_mentee["competencies"]
    mentor_client = client_for(active_mentor)
    url = rubric_url(physician)
    assert mentor_client.get(url).status_code == 200

    response = mentor_client.post(
        url,
        {
            f"level_{c['Clinical trial design'].pk}": "3",
            f"level_{c['Finance'].pk}": "2",
            "action": "submit",
        },
    )

    assert response.status_code == 302
    assert response.url == reverse("assessments:results-for", args=[physician.pk])
    submitted = RatingSet.objects.submitted().get(rater=active_mentor)
    assert submitted.rater_role == RaterRole.MENTOR
    assert submitted.subject == physician
    results = client_for(physician).get(reverse("assessments:results"))
    assert results.context["results"].mentor_set == submitted
    page = page_text(results)
    assert "Mentor's level" in page
    # Self-rated 1, the mentor says 3: two levels apart, a topic for the next conversation.
    assert "You rated level 1; the mentor rated level 3." in page
    assert mentor_client.get(response.url).status_code == 200


def test_after_the_mentorship_ends_the_rubric_and_results_are_404_for_the_former_mentor(
    physician, active_mentor, rated_mentee
):
    c = rated_mentee["competencies"]
    url = rubric_url(physician)
    Mentorship.objects.filter(mentee=physician).update(status=MentorshipStatus.ENDED)
    mentor_client = client_for(active_mentor)

    assert mentor_client.get(url).status_code == 404
    response = mentor_client.post(
        url, {f"level_{c['Clinical trial design'].pk}": "3", "action": "submit"}
    )
    assert response.status_code == 404
    assert not RatingSet.objects.filter(rater=active_mentor).exists()
    results = reverse("assessments:results-for", args=[physician.pk])
    assert mentor_client.get(results).status_code == 404


def test_the_mentee_cannot_use_the_mentor_rubric(physician, active_mentor, rated_mentee):
    response = client_for(physician).get(rubric_url(physician))
    assert response.status_code == 404
    assert not RatingSet.objects.filter(rater_role=RaterRole.MENTOR).exists()


def test_the_active_mentor_finds_the_rubric_from_the_mentees_results(
    physician, active_mentor, support
):
    mentorship = Mentorship.objects.active().get(mentee=physician)
    url = reverse("assessments:results-for", kwargs={"user_id": physician.pk})
    rubric = reverse("mentors:mentee-rubric", kwargs={"pk": mentorship.pk})
    assert rubric in client_for(active_mentor).get(url).text
    support_view = client_for(support).get(url)
    assert support_view.status_code == 200 and rubric not in support_view.text
