"""The stored results: computed when a rating set is submitted, read by the pages, and
computed again whenever what they were computed from has changed (a new rating set, even
one written in bulk; a new needs assessment; a new curriculum version)."""

import dataclasses

import pytest

from assessments.models import RaterRole, Rating, RatingSet, StoredResults
from assessments.selectors import results_for
from pathways.services.curriculum import curriculum_cache_drop
from tests.factories import complete_assessment, submit_ratings

pytestmark = pytest.mark.django_db


def summary(results) -> dict:
    """What the pages show, comparable between two computations."""
    return {
        "pathway": results.pathway,
        "targets": results.target_pathways,
        "gaps": [dataclasses.astuple(g) for g in results.gaps],
        "readiness": results.readiness,
        "fits": [(f.pathway, f.readiness, f.coverage) for f in results.fits],
        "history": results.history,
        "self_set": results.self_set and (results.self_set.pk, results.self_set.submitted_at),
        "mentor_set": results.mentor_set and results.mentor_set.pk,
        "changes": results.changes and [dataclasses.astuple(r) for r in results.changes.rows],
        "changes_sets": results.changes
        and [s and s.pk for s in (results.changes.previous, results.changes.latest)],
        "slugs": results.competency_slugs,
        "scale": results.scale,
        "modules": results.modules,
    }


@pytest.fixture
def rated(physician, mentor, curriculum, run):
    c = curriculum["competencies"]
    complete_assessment(physician, curriculum["pharma"], curriculum["hospital"])
    run(submit_ratings, physician, {c["Clinical trial design"]: 1, c["Finance"]: 3})
    run(submit_ratings, physician, {c["Clinical trial design"]: 2, c["Negotiation"]: 2})
    run(submit_ratings, physician, {c["Finance"]: 1}, rater=mentor, role="mentor")
    return physician


def test_submitting_a_rating_set_stores_the_results_the_pages_then_read(
    rated, django_assert_num_queries
):
    stored = StoredResults.objects.get(subject=rated)
    assert stored.rating_sets == f"3:{RatingSet.objects.latest('pk').pk}:0"

    with django_assert_num_queries(2):  # the stored row, checked, and the pathways
        read = results_for(subject=rated, full=False)

    levels = {g.name: (g.current, g.mentor) for g in read.gaps}
    # The second self-rating started from the first (the rubric keeps the levels).
    assert levels["Clinical trial design"] == (2, None)
    assert levels["Finance"] == (3, 1)
    assert len(read.history) == 2


@pytest.mark.parametrize("slug", [None, "hospital-cmo"])
def test_the_stored_results_are_the_computed_ones(rated, slug):
    stored = summary(results_for(subject=rated, pathway_slug=slug))
    StoredResults.objects.all().delete()
    computed = summary(results_for(subject=rated, pathway_slug=slug))
    assert stored == computed
    assert computed["changes"] and computed["history"] and computed["fits"]


def test_ratings_written_in_bulk_are_not_hidden_by_the_stored_results(rated, curriculum):
    c = curriculum["competencies"]
    before = results_for(subject=rated)
    # As the benchmark's seeder writes them: rows, not the services.
    rating_set = RatingSet.objects.bulk_create(
        [RatingSet(subject=rated, rater=rated, rater_role=RaterRole.SELF)]
    )[0]
    RatingSet.objects.filter(pk=rating_set.pk).update(
        submitted_at=before.self_set.submitted_at.replace(
            year=before.self_set.submitted_at.year + 1
        )
    )
    Rating.objects.bulk_create(
        Rating(rating_set=rating_set, competency=competency, level=4) for competency in c.values()
    )

    after = results_for(subject=rated)

    assert after.self_set.pk == rating_set.pk
    assert len(after.history) == len(before.history) + 1
    assert all(g.current == 4 for g in after.gaps)


def test_a_deleted_rating_set_is_not_read_from_the_stored_results(rated):
    before = results_for(subject=rated)
    RatingSet.objects.filter(pk=before.mentor_set.pk).delete()
    assert results_for(subject=rated).mentor_set is None


def test_a_mentor_whose_account_went_shows_as_a_former_mentor(rated, mentor):
    assert results_for(subject=rated).mentor_set.rater == mentor
    mentor.delete()
    rating_set = results_for(subject=rated).mentor_set
    assert rating_set is not None and rating_set.rater is None


def test_a_new_curriculum_version_computes_the_results_again(rated, curriculum):
    c = curriculum["competencies"]
    before = {g.name: g.target for g in results_for(subject=rated).gaps}
    curriculum["pharma"].targets.filter(competency=c["Finance"]).update(target_level=1)
    assert {g.name: g.target for g in results_for(subject=rated).gaps} == before  # stored

    curriculum_cache_drop()  # what admin and the loader do after a change

    finance = next(g for g in results_for(subject=rated).gaps if g.name == "Finance")
    assert finance.target == 1


def test_a_new_needs_assessment_computes_the_results_again(rated, curriculum):
    assert results_for(subject=rated).pathway == curriculum["pharma"]
    complete_assessment(rated, curriculum["hospital"])
    results = results_for(subject=rated)
    assert results.target_pathways == [curriculum["hospital"]]
    assert results.assessment == rated.needs_assessments.first()
