"""Property tests of the gap and readiness arithmetic (assessments/scoring.py)."""

from hypothesis import given
from hypothesis import strategies as st

from assessments import scoring
from assessments.scoring import CompetencyGap

levels = st.integers(min_value=1, max_value=4)
weights = st.integers(min_value=1, max_value=3)


@st.composite
def gaps(draw, min_size: int = 1):
    size = draw(st.integers(min_value=min_size, max_value=12))
    return [
        CompetencyGap(
            competency_id=i,
            name=f"c{i}",
            target=draw(levels),
            weight=draw(weights),
            current=draw(st.none() | levels),
            mentor=draw(st.none() | levels),
        )
        for i in range(size)
    ]


@given(current=levels, target=levels, weight=weights)
def test_a_rating_at_or_above_target_gives_no_gap(current, target, weight):
    if current >= target:
        assert scoring.gap(current, target) == 0
        assert scoring.weighted_gap(current, target, weight) == 0
    else:
        assert scoring.gap(current, target) == target - current
        assert scoring.weighted_gap(current, target, weight) == (target - current) * weight


@given(target=levels, weight=weights)
def test_an_unrated_competency_has_no_gap_rather_than_a_gap_from_zero(target, weight):
    assert scoring.gap(None, target) is None
    assert scoring.weighted_gap(None, target, weight) is None


@given(gaps())
def test_readiness_is_between_0_and_100_or_none_when_nothing_is_rated(items):
    value = scoring.readiness(items)
    if all(item.current is None for item in items):
        assert value is None
    else:
        assert 0 <= value <= 100


@given(gaps(), st.data())
def test_readiness_rises_when_a_rating_below_target_rises(items, data):
    below = [
        i for i, item in enumerate(items) if item.current is not None and item.current < item.target
    ]
    if not below:
        return
    index = data.draw(st.sampled_from(below))
    raised = list(items)
    raised[index] = CompetencyGap(**{**items[index].__dict__, "current": items[index].current + 1})

    assert scoring.readiness(raised) > scoring.readiness(items)


@given(gaps(), st.data())
def test_readiness_never_falls_when_any_rating_rises(items, data):
    rated = [i for i, item in enumerate(items) if item.current is not None and item.current < 4]
    if not rated:
        return
    index = data.draw(st.sampled_from(rated))
    raised = list(items)
    raised[index] = CompetencyGap(**{**items[index].__dict__, "current": items[index].current + 1})

    assert scoring.readiness(raised) >= scoring.readiness(items)


@given(gaps())
def test_every_rating_at_target_means_full_readiness(items):
    at_target = [CompetencyGap(**{**item.__dict__, "current": item.target}) for item in items]
    assert scoring.readiness(at_target) == 100
    assert scoring.top_gaps(at_target) == []
    assert scoring.coverage(at_target) == 100


@given(gaps())
def test_coverage_is_a_share_and_unrated_items_lower_it(items):
    value = scoring.coverage(items)
    assert 0 <= value <= 100
    if any(item.current is None for item in items):
        assert value < 100


@given(gaps(min_size=2))
def test_top_gaps_come_largest_weighted_gap_first_and_skip_closed_ones(items):
    top = scoring.top_gaps(items, limit=20)
    weighted = [item.weighted_gap for item in top]
    assert weighted == sorted(weighted, reverse=True)
    assert all(w > 0 for w in weighted)
    assert all(item.is_rated for item in top)


def test_a_two_level_disagreement_with_a_mentor_is_flagged():
    assert scoring.ratings_disagree(1, 3)
    assert scoring.ratings_disagree(4, 2)
    assert not scoring.ratings_disagree(2, 3)
    assert not scoring.ratings_disagree(None, 4)


def test_readiness_worked_example():
    # Essential at 2 of 4, useful at 3 of 2: (3*2 + 1*2) / (3*4 + 1*2) = 8/14.
    items = [
        CompetencyGap(1, "trials", target=4, weight=3, current=2),
        CompetencyGap(2, "finance", target=2, weight=1, current=3),
        CompetencyGap(3, "product", target=3, weight=2, current=None),
    ]
    assert scoring.readiness(items) == round(100 * 8 / 14, 1)
    assert scoring.coverage(items) == round(100 * 14 / 20, 1)
    assert [g.name for g in scoring.top_gaps(items)] == ["trials"]


def test_things_that_build_several_gapped_competencies_score_their_sum():
    items = [
        CompetencyGap(1, "a", target=4, weight=3, current=2),  # 6
        CompetencyGap(2, "b", target=3, weight=1, current=2),  # 1
    ]
    priorities = scoring.gap_priorities(items)
    assert scoring.relevance([1, 2], priorities) == 7
    assert scoring.relevance([2, 99], priorities) == 1
