"""The rubric keeps work: switching the view saves the draft first, the page's script
saves the draft as the rater goes (the form posted with action=autosave, answered in
JSON), and bad input is refused with a message while nothing saved before is lost."""

import datetime

import pytest
from django.urls import reverse

from assessments.models import RaterRole, RatingSet
from mentors.models.mentorships import Mentorship
from tests.factories import complete_assessment, rubric_field
from tests.pages import client_for

pytestmark = pytest.mark.django_db
URL = reverse("assessments:rubric")


def draft_of(user) -> dict[str, tuple[int, str]]:
    draft = RatingSet.objects.drafts().get(rater=user)
    return {r.competency.name: (r.level, r.evidence) for r in draft.ratings.all()}


def test_the_view_switch_is_a_button_of_the_rubric_form(rater):
    page = rater.get(URL).content.decode()
    assert 'form="rubric-form" name="action" value="show-all"' in page
    assert 'id="rubric-form"' in page
    assert "js/rubric.js" in page
    assert "?scope=all" not in page  # no plain link that would drop the draft


def test_switching_to_all_competencies_saves_the_levels_and_notes_first(
    rater, physician, curriculum
):
    trials = curriculum["competencies"]["Clinical trial design"]
    finance = curriculum["competencies"]["Finance"]

    response = rater.post(
        URL,
        {
            rubric_field(trials): "2",
            rubric_field(trials, "evidence"): "Ran one phase II trial",
            rubric_field(finance): "3",
            "action": "show-all",
        },
    )

    assert response.status_code == 302
    assert response.url == URL + "?scope=all"
    assert draft_of(physician) == {
        "Clinical trial design": (2, "Ran one phase II trial"),
        "Finance": (3, ""),
    }
    page = rater.get(response.url)
    assert page.context["everything"]
    assert page.context["form"].initial[rubric_field(trials)] == "2"
    assert "Ran one phase II trial" in page.content.decode()
    assert "Draft saved" in page.content.decode()


def test_switching_back_to_the_targets_keeps_what_was_rated_in_the_full_view(
    rater, physician, curriculum
):
    safety = curriculum["competencies"]["Quality and safety"]  # not a pharma target
    response = rater.post(URL + "?scope=all", {rubric_field(safety): "4", "action": "show-targets"})

    assert response.url == URL
    assert draft_of(physician) == {"Quality and safety": (4, "")}
    # Saving the narrower view leaves the competencies it does not show alone.
    rater.post(URL, {"action": "save"})
    assert draft_of(physician) == {"Quality and safety": (4, "")}
    assert rater.get(URL + "?scope=all").context["form"].initial[rubric_field(safety)] == "4"


@pytest.mark.parametrize("action", ["show-all", "save", "autosave"])
def test_a_bad_level_is_refused_with_a_message_and_nothing_is_lost(
    rater, physician, curriculum, action
):
    trials = curriculum["competencies"]["Clinical trial design"]
    finance = curriculum["competencies"]["Finance"]
    rater.post(URL, {rubric_field(trials): "2", rubric_field(trials, "evidence"): "Saved before"})

    response = rater.post(
        URL,
        {
            rubric_field(trials): "9",
            rubric_field(trials, "evidence"): "Typed since",
            rubric_field(finance): "3",
            "action": action,
        },
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert "Level 9 is not on the rubric scale" in text
    if action != "autosave":  # the page comes back with what was typed
        assert "Typed since" in text
        assert "Your ratings were not saved" in text
    assert draft_of(physician) == {"Clinical trial design": (2, "Saved before")}


def test_the_autosave_saves_the_draft_and_says_when(rater, physician, curriculum, time_machine):
    time_machine.move_to(datetime.datetime(2026, 3, 10, 10, 42, tzinfo=datetime.UTC), tick=False)
    trials = curriculum["competencies"]["Clinical trial design"]
    finance = curriculum["competencies"]["Finance"]

    response = rater.post(
        URL,
        {
            rubric_field(trials): "2",
            rubric_field(trials, "evidence"): "Ran one trial",
            rubric_field(finance): "",
            "action": "autosave",
        },
    )

    assert response.status_code == 200
    assert response.json() == {"saved": True, "saved_at": "10:42", "rated": 1, "total": 3}
    assert draft_of(physician) == {"Clinical trial design": (2, "Ran one trial")}
    assert not RatingSet.objects.submitted().exists()
    page = rater.get(URL).content.decode()
    assert "Draft saved 10 Mar, 10:42" in page


def test_the_autosave_names_the_competency_whose_note_has_no_level(rater, physician, curriculum):
    finance = curriculum["competencies"]["Finance"]
    response = rater.post(
        URL, {rubric_field(finance, "evidence"): "Ran the budget", "action": "autosave"}
    )

    assert response.status_code == 400
    assert response.json() == {
        "saved": False,
        "errors": ["Finance: Pick the level your evidence supports, or clear the note."],
    }
    assert draft_of(physician) == {}


def test_the_autosave_refuses_a_competency_not_on_the_page(rater, physician, curriculum):
    trials = curriculum["competencies"]["Clinical trial design"]
    response = rater.post(
        URL, {rubric_field(trials): "2", "level_999999": "3", "action": "autosave"}
    )

    assert response.status_code == 400
    assert "not in the curriculum" in response.json()["errors"][0]
    assert draft_of(physician) == {}


@pytest.mark.parametrize("extra", [0, 40])
def test_an_autosave_costs_the_same_queries_however_many_competencies(
    rater, physician, curriculum, extra, django_assert_max_num_queries
):
    from tests.factories import CompetencyFactory

    extras = CompetencyFactory.create_batch(extra)
    for competency in extras:
        curriculum["pharma"].targets.create(competency=competency, target_level=3, weight=3)
    trials = curriculum["competencies"]["Clinical trial design"]
    # Every competency rated already: each save posts them all, one of them changed.
    rated = {rubric_field(c): "1" for c in [trials, *extras]}
    rater.post(URL, {**rated, "action": "autosave"})
    with django_assert_max_num_queries(19):
        response = rater.post(URL, {**rated, rubric_field(trials): "2", "action": "autosave"})
    assert response.json() == {
        "saved": True,
        "saved_at": response.json()["saved_at"],
        "rated": 1 + extra,
        "total": 3 + extra,
    }
    assert draft_of(physician)["Clinical trial design"] == (2, "")


def test_the_mentor_autosaves_their_own_draft_beside_the_mentees(
    physician, active_mentor, curriculum
):
    trials = curriculum["competencies"]["Clinical trial design"]
    complete_assessment(physician, curriculum["pharma"])
    url = reverse("mentors:mentee-rubric", args=[Mentorship.objects.get(mentee=physician).pk])

    response = client_for(active_mentor).post(
        url, {rubric_field(trials): "3", "action": "autosave"}
    )

    assert response.json()["saved"]
    draft = RatingSet.objects.drafts().get(rater=active_mentor)
    assert (draft.subject, draft.rater_role) == (physician, RaterRole.MENTOR)
    assert not RatingSet.objects.filter(rater=physician).exists()


def test_a_mentor_without_the_mentorship_cannot_autosave(
    physician, mentor, active_mentor, curriculum
):
    trials = curriculum["competencies"]["Clinical trial design"]
    url = reverse("mentors:mentee-rubric", args=[Mentorship.objects.get(mentee=physician).pk])

    response = client_for(mentor).post(url, {rubric_field(trials): "3", "action": "autosave"})

    assert response.status_code == 404
    assert not RatingSet.objects.exists()
