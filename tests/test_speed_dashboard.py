"""The physician dashboard's fixed queries, at two sizes of rating history, and the
readiness over time the database sums up, checked against the scoring rule."""

import pytest
from django.urls import reverse

from assessments import scoring
from assessments.models import RatingSet
from assessments.selectors import results_for
from tests.factories import (
    MentorProfileFactory,
    ProfileFactory,
    complete_assessment,
    submit_ratings,
)
from tests.home.test_dashboard import make_busy
from tests.pages import client_for

pytestmark = pytest.mark.django_db

DASHBOARD_QUERIES = 12


def rate_again(user, content, sets: int) -> None:
    competencies = list(content["competencies"].values())
    for i in range(sets):
        submit_ratings(user, {c: 1 + (i + n) % 4 for n, c in enumerate(competencies)})


@pytest.mark.parametrize("sets", [1, 25])
def test_the_dashboard_needs_the_same_few_queries_for_one_rating_set_or_many(
    curriculum, sets, django_assert_max_num_queries
):
    user = make_busy_user(curriculum)
    rate_again(user, curriculum, sets)
    mentor = MentorProfileFactory().user
    submit_ratings(
        user, {c: 2 for c in curriculum["competencies"].values()}, rater=mentor, role="mentor"
    )
    client = client_for(user)
    with django_assert_max_num_queries(DASHBOARD_QUERIES):
        response = client.get("/")
    assert response.status_code == 200
    assert "ready" in response.text


def make_busy_user(curriculum):
    user = ProfileFactory().user
    make_busy(user, curriculum, plans=2, actions=5, comments=2)
    return user


def test_the_results_page_still_shows_its_suggestions(curriculum, physician):
    complete_assessment(physician, curriculum["pharma"])
    submit_ratings(physician, {c: 1 for c in curriculum["competencies"].values()})
    assert results_for(subject=physician).changes is not None
    summary = results_for(subject=physician, full=False)
    assert summary.changes is None and summary.modules == [] and summary.scale == {}
    assert summary.readiness == results_for(subject=physician).readiness
    assert client_for(physician).get(reverse("assessments:results")).status_code == 200


def test_readiness_over_time_summed_by_the_database_follows_the_scoring_rule(curriculum, physician):
    c = curriculum["competencies"]
    complete_assessment(physician, curriculum["pharma"], curriculum["hospital"])
    levels = [
        {c["Clinical trial design"]: 1},
        {c["Clinical trial design"]: 3, c["Finance"]: 4},
        {c["Quality and safety"]: 2, c["Finance"]: 1, c["Negotiation"]: 5 - 1},
    ]
    for rating in levels:
        submit_ratings(physician, rating)
    history = results_for(subject=physician, full=False).history
    assert len(history) == 3
    # A new set starts from the one before (its draft copies the ratings): read them back.
    sets = RatingSet.objects.filter(subject=physician).order_by("submitted_at")
    rated = [dict(s.ratings.values_list("competency_id", "level")) for s in sets]
    for (_, readiness), rating in zip(history, rated, strict=True):
        for pathway in (curriculum["pharma"], curriculum["hospital"]):
            gaps = [
                scoring.CompetencyGap(
                    competency_id=t.competency_id,
                    name=t.competency.name,
                    target=t.target_level,
                    weight=t.weight,
                    current=rating.get(t.competency_id),
                )
                for t in pathway.targets.select_related("competency")
            ]
            assert readiness[pathway.pk] == scoring.readiness(gaps)
    assert history[0][1][curriculum["pharma"].pk] is not None
