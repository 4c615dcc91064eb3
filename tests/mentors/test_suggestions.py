"""The suggestions page: mentors ranked by the physician's gaps, without those already
asked, at capacity or the physician themselves."""

import pytest
from django.urls import reverse

from tests.factories import (
    MentorshipFactory,
    complete_assessment,
    fill,
    make_mentor,
    submit_ratings,
)
from tests.pages import page_text

pytestmark = pytest.mark.django_db

SUGGESTIONS = reverse("mentors:suggestions")


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


def test_candidates_keep_a_mentor_who_teaches_a_gap_below_its_target(physician, curriculum):
    """The candidates read only the gaps a mentor teaches up to the target: one who
    teaches a gap below it is still a candidate, and ranks as one who does not teach it,
    with their load beside."""
    from mentors import matching
    from mentors.selectors.suggestions import candidates

    c = curriculum["competencies"]
    trials, finance = c["Clinical trial design"], c["Finance"]
    below = make_mentor("Dr Below", teaches={trials: 2, finance: 4})
    at = make_mentor("Dr At", teaches={trials: 3})
    above = make_mentor("Dr Above", teaches={trials: 4, finance: 1})
    fill(above, 1)
    needs = matching.MenteeNeeds(
        gaps=(
            matching.GapNeed(trials.pk, "Clinical trial design", 3, 9),
            matching.GapNeed(finance.pk, "Finance", 4, 2),
        )
    )

    pool = {m.mentor_id: m for m in candidates(needs=needs, mentee=physician)}

    assert set(pool) == {below.pk, at.pk, above.pk}
    assert pool[below.pk].teaches == {finance.pk: 4}
    assert pool[at.pk].teaches == {trials.pk: 3}
    assert pool[above.pk].teaches == {trials.pk: 4}
    assert (pool[above.pk].active, pool[above.pk].capacity) == (1, above.capacity)
    covered = {m.mentor_id: m.covered for m in matching.rank(needs, pool.values())}
    assert [g.competency_id for g in covered[below.pk]] == [finance.pk]
    assert [g.competency_id for g in covered[at.pk]] == [trials.pk]
