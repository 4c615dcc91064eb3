"""Rating competencies: drafts save, submitting makes a dated set that never changes,
reassessing makes a new one, and bad input is refused without losing the draft."""

import pytest
from django.urls import reverse

from assessments.models import Rating, RatingSet
from assessments.services import rating_draft_save
from tests.factories import rubric_field, submit_ratings

pytestmark = pytest.mark.django_db
URL = reverse("assessments:rubric")


def test_the_rubric_shows_the_competencies_that_matter_to_the_targets(rater, curriculum):
    page = rater.get(URL)
    shown = {c.name for c in page.context["form"].competencies}
    # Quality and safety is only "useful" (weight 1) for a pharma CMO.
    assert shown == {"Clinical trial design", "Finance", "Negotiation"}
    everything = rater.get(URL + "?scope=all").context["form"].competencies
    assert len(everything) == 4


def test_a_draft_saves_and_comes_back(rater, physician, curriculum):
    trials = curriculum["competencies"]["Clinical trial design"]
    response = rater.post(
        URL, {rubric_field(trials): "2", rubric_field(trials, "evidence"): "Ran one trial"}
    )

    assert response.status_code == 302
    draft = RatingSet.objects.get(subject=physician)
    assert not draft.is_submitted
    assert draft.ratings.get().level == 2
    page = rater.get(URL).content.decode()
    assert "Ran one trial" in page


def test_submitting_creates_a_dated_set_that_never_changes(rater, physician, curriculum):
    trials = curriculum["competencies"]["Clinical trial design"]
    response = rater.post(URL, {rubric_field(trials): "2", "action": "submit"})

    assert response.url == reverse("assessments:results")
    submitted = RatingSet.objects.submitted().get(subject=physician)
    assert submitted.submitted_at is not None
    with pytest.raises(Exception, match="submitted"):
        rating_draft_save(rating_set=submitted, ratings={trials.pk: (4, "")})
    assert submitted.ratings.get().level == 2


def test_a_reassessment_creates_a_new_set_and_keeps_the_old(rater, physician, curriculum):
    trials = curriculum["competencies"]["Clinical trial design"]
    rater.post(URL, {rubric_field(trials): "2", "action": "submit"})
    page = rater.get(URL)
    assert page.context["form"].initial[rubric_field(trials)] == "2"  # starts from last time

    rater.post(URL, {rubric_field(trials): "3", "action": "submit"})

    sets = RatingSet.objects.submitted().filter(subject=physician).order_by("submitted_at")
    assert [s.ratings.get().level for s in sets] == [2, 3]


def test_submitting_with_nothing_rated_is_refused(rater, physician):
    response = rater.post(URL, {"action": "submit"}, follow=True)
    assert "Rate at least one competency" in response.content.decode()
    assert not RatingSet.objects.submitted().filter(subject=physician).exists()


@pytest.mark.parametrize("level", ["7", "0", "expert", "-1"])
def test_a_level_not_on_the_scale_is_refused_and_the_draft_kept(
    rater, physician, curriculum, level
):
    trials = curriculum["competencies"]["Clinical trial design"]
    finance = curriculum["competencies"]["Finance"]
    rater.post(URL, {rubric_field(trials): "2"})

    response = rater.post(
        URL, {rubric_field(trials): level, rubric_field(finance): "3", "action": "submit"}
    )

    assert response.status_code == 400
    assert "not on the rubric scale" in response.content.decode()
    draft = RatingSet.objects.get(subject=physician)
    assert not draft.is_submitted
    assert list(draft.ratings.values_list("level", flat=True)) == [2]


def test_a_rating_for_a_competency_not_in_the_curriculum_is_refused(rater, physician, curriculum):
    trials = curriculum["competencies"]["Clinical trial design"]
    response = rater.post(URL, {rubric_field(trials): "2", "level_999999": "3", "action": "submit"})

    assert response.status_code == 400
    assert "not in the curriculum" in response.content.decode()
    assert not Rating.objects.exists()


def test_evidence_without_a_level_asks_for_the_level(rater, curriculum):
    trials = curriculum["competencies"]["Clinical trial design"]
    response = rater.post(URL, {rubric_field(trials, "evidence"): "Led the P&T committee"})
    assert response.status_code == 400
    assert "Pick the level your evidence supports" in response.content.decode()
    assert "Led the P&amp;T committee" in response.content.decode()


def test_a_submitted_set_is_seen_by_its_owner_and_support_only(
    client, physician, other_physician, mentor, staff, support, curriculum
):
    rating_set = submit_ratings(physician, {curriculum["competencies"]["Finance"]: 2})
    url = reverse("assessments:rating-set", args=[rating_set.pk])
    seen = ((physician, 200), (support, 200), (staff, 404), (other_physician, 404), (mentor, 404))
    for user, status in seen:
        client.force_login(user)
        assert client.get(url).status_code == status


def test_a_level_picked_earlier_can_be_cleared(rater, physician, curriculum):
    trials = curriculum["competencies"]["Clinical trial design"]
    rater.post(URL, {rubric_field(trials): "2"})
    assert RatingSet.objects.get(subject=physician).ratings.count() == 1

    rater.post(URL, {rubric_field(trials): ""})  # "Not rated yet"

    assert RatingSet.objects.get(subject=physician).ratings.count() == 0


@pytest.mark.parametrize("extra", [0, 40])
def test_the_rubric_costs_the_same_queries_however_many_competencies(
    rater, physician, curriculum, extra, django_assert_max_num_queries
):
    from tests.factories import CompetencyFactory

    for competency in CompetencyFactory.create_batch(extra):
        curriculum["pharma"].targets.create(competency=competency, target_level=3, weight=3)
    rater.get(URL)  # the first visit starts the draft
    # 13 with the nav's one query for the person's roles.
    with django_assert_max_num_queries(13):
        assert rater.get(URL).status_code == 200
    with django_assert_max_num_queries(13):
        assert rater.get(URL + "?scope=all").status_code == 200
