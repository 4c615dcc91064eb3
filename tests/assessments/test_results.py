"""The gap analysis and results page."""

import pytest
from django.urls import reverse

from assessments.selectors import results_for
from tests.factories import (
    CompetencyFactory,
    LearningModuleFactory,
    OpportunityFactory,
    complete_assessment,
    submit_ratings,
)
from tests.pages import client_for

pytestmark = pytest.mark.django_db


def test_gaps_readiness_and_fit_follow_the_ratings(physician, curriculum):
    c = curriculum["competencies"]
    complete_assessment(physician, curriculum["pharma"], curriculum["hospital"])
    submit_ratings(
        physician, {c["Clinical trial design"]: 2, c["Quality and safety"]: 4, c["Finance"]: 3}
    )

    results = results_for(subject=physician)

    assert results.pathway == curriculum["pharma"]
    by_name = {g.name: g for g in results.gaps}
    assert by_name["Clinical trial design"].weighted_gap == 6  # (4-2) * 3
    assert by_name["Finance"].weighted_gap == 0
    assert by_name["Negotiation"].current is None  # not yet rated, not zero
    assert [g.name for g in results.unrated] == ["Negotiation"]
    assert [g.name for g in results.top_gaps] == ["Clinical trial design"]
    # The hospital pathway needs safety, which this physician has: it fits better now.
    assert results.fits[0].pathway == curriculum["hospital"]


def test_the_pathways_that_fit_best_now_suit_the_physicians_stage(physician, curriculum):
    c = curriculum["competencies"]
    student_track = curriculum["hospital"]
    student_track.earliest_stage, student_track.latest_stage = "medical_student", "resident"
    student_track.save()
    complete_assessment(physician, curriculum["pharma"])  # a practising physician
    submit_ratings(physician, {c["Quality and safety"]: 4, c["Finance"]: 3})

    fits = [fit.pathway for fit in results_for(subject=physician).fits]

    assert fits == [curriculum["pharma"]]


def test_a_mentor_rating_two_levels_away_is_flagged(physician, mentor, curriculum):
    c = curriculum["competencies"]
    complete_assessment(physician, curriculum["pharma"])
    submit_ratings(physician, {c["Finance"]: 4, c["Negotiation"]: 2})
    submit_ratings(physician, {c["Finance"]: 2, c["Negotiation"]: 3}, rater=mentor, role="mentor")

    results = results_for(subject=physician)

    assert [g.name for g in results.disagreements] == ["Finance"]
    finance = next(g for g in results.gaps if g.name == "Finance")
    assert (finance.current, finance.mentor) == (4, 2)


def test_modules_and_opportunities_that_close_the_largest_gaps_come_first(physician, curriculum):
    c = curriculum["competencies"]
    complete_assessment(physician, curriculum["pharma"])
    submit_ratings(physician, {c["Clinical trial design"]: 1, c["Finance"]: 2, c["Negotiation"]: 3})
    LearningModuleFactory(title="Finance basics", competencies=[c["Finance"]])  # gap 2
    LearningModuleFactory(title="Trial design", competencies=[c["Clinical trial design"]])  # 9
    LearningModuleFactory(title="Negotiation", competencies=[c["Negotiation"]])  # no gap
    trials_job = OpportunityFactory(title="Trials fellowship")
    trials_job.competencies.set([c["Clinical trial design"]])

    results = results_for(subject=physician)

    assert [m.title for m in results.modules] == ["Trial design", "Finance basics"]
    assert [o.title for o in results.opportunities] == ["Trials fellowship"]


def test_readiness_over_time_has_a_point_per_submitted_set(physician, curriculum):
    c = curriculum["competencies"]
    complete_assessment(physician, curriculum["pharma"])
    for level in (1, 2, 4):
        submit_ratings(physician, {c["Clinical trial design"]: level})

    history = results_for(subject=physician).history

    readiness = [values[curriculum["pharma"].pk] for _, values in history]
    assert readiness == sorted(readiness) and len(readiness) == 3
    assert readiness[-1] == 100


def test_the_results_page_explains_the_scoring_and_draws_the_charts(client, physician, curriculum):
    c = curriculum["competencies"]
    complete_assessment(physician, curriculum["pharma"])
    submit_ratings(physician, {c["Clinical trial design"]: 2, c["Finance"]: 3})
    client.force_login(physician)

    page = client.get(reverse("assessments:results")).content.decode()

    assert "<svg" in page
    assert "Not yet rated" in page
    assert "counts as many times as the competency" in page


def test_the_pathway_switcher_shows_another_target(client, physician, curriculum):
    complete_assessment(physician, curriculum["pharma"], curriculum["hospital"])
    client.force_login(physician)
    response = client.get(reverse("assessments:results") + "?pathway=hospital-cmo")
    assert response.context["results"].pathway == curriculum["hospital"]
    response = client.get(reverse("assessments:results") + "?pathway=not-a-target")
    assert response.context["results"].pathway == curriculum["pharma"]


def test_results_without_an_assessment_or_ratings_still_render(client, physician):
    client.force_login(physician)
    assert client.get(reverse("assessments:results")).status_code == 200


def results_page_queries(client, django_assert_max_num_queries) -> int:
    """The queries of a warm request to the results page (the stored results read)."""
    assert client.get(reverse("assessments:results")).status_code == 200  # stores them
    with django_assert_max_num_queries(12) as captured:
        response = client.get(reverse("assessments:results"))
    assert response.status_code == 200
    return len(captured)


def test_results_page_queries_do_not_grow_with_competencies_or_rating_sets(
    physician, other_physician, curriculum, django_assert_max_num_queries
):
    counts = []
    for subject, size in ((physician, 1), (other_physician, 12)):
        extra = CompetencyFactory.create_batch(size * 3)
        for competency in extra:
            curriculum["pharma"].targets.create(competency=competency, target_level=3, weight=2)
            LearningModuleFactory(competencies=[competency])
        complete_assessment(subject, curriculum["pharma"], curriculum["hospital"])
        for level in [1, 2, 3, 4] * size:
            submit_ratings(subject, {competency: (level % 4) + 1 for competency in extra})
        counts.append(results_page_queries(client_for(subject), django_assert_max_num_queries))
    assert counts[0] == counts[1]
