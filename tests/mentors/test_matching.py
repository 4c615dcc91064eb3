"""The matching rule on plain values: deterministic, explained, and moved by the gaps."""

import random

import pytest

from assessments.models import MentoringFormat
from mentors.forms import MentorProfileForm, SuggestionFilterForm
from mentors.matching import (
    Candidate,
    GapNeed,
    MenteeNeeds,
    explain,
    hours_apart,
    rank,
    score,
)
from mentors.models.profiles import MeetingFormat
from tests.factories import MentorProfileFactory

TRIALS, FINANCE, NEGOTIATION, SAFETY = 1, 2, 3, 4


def needs(**gaps: int) -> MenteeNeeds:
    """Gaps by name -> weighted gap; every target is level 3."""
    ids = {"trials": TRIALS, "finance": FINANCE, "negotiation": NEGOTIATION, "safety": SAFETY}
    names = {
        "trials": "Clinical trial design",
        "finance": "Finance",
        "negotiation": "Negotiation",
        "safety": "Quality and safety",
    }
    return MenteeNeeds(
        gaps=tuple(GapNeed(ids[k], names[k], 3, size) for k, size in gaps.items()),
        setting_ids=frozenset({10}),
        pathway_ids=frozenset({20}),
        utc_offset_hours=-6,
        formats=frozenset({"video"}),
    )


def mentor(mentor_id: int, *teaches: int, level: int = 3, **overrides) -> Candidate:
    values = {
        "mentor_id": mentor_id,
        "teaches": {c: level for c in teaches},
        "setting_ids": frozenset(),
        "pathway_ids": frozenset(),
        "utc_offset_hours": -6,
        "formats": frozenset({"video"}),
        "active": 0,
        "capacity": 2,
    }
    return Candidate(**{**values, **overrides})


def test_the_mentor_who_teaches_the_largest_gap_comes_first():
    ranked = rank(needs(trials=9, finance=2), [mentor(1, FINANCE), mentor(2, TRIALS)])
    assert [m.mentor_id for m in ranked] == [2, 1]


def test_a_gap_that_grows_moves_its_mentor_up():
    pool = [mentor(1, FINANCE), mentor(2, TRIALS)]
    before = rank(needs(trials=3, finance=6), pool)
    after = rank(needs(trials=9, finance=6), pool)
    assert [m.mentor_id for m in before] == [1, 2]
    assert [m.mentor_id for m in after] == [2, 1]


def test_a_closed_gap_no_longer_counts():
    pool = [mentor(1, FINANCE), mentor(2, TRIALS)]
    assert rank(needs(trials=9, finance=2), pool)[0].mentor_id == 2
    assert rank(needs(finance=2), pool)[0].mentor_id == 1


def test_teaching_below_the_target_level_does_not_cover_the_gap():
    match = score(needs(trials=9), mentor(1, TRIALS, level=2))
    assert match.covered == ()
    assert match.parts["gaps"] == 0


def test_covering_more_of_the_gaps_scores_more():
    one = score(needs(trials=3, finance=3, negotiation=3), mentor(1, TRIALS))
    two = score(needs(trials=3, finance=3, negotiation=3), mentor(2, TRIALS, FINANCE))
    assert two.score > one.score
    assert two.parts["gaps"] == pytest.approx(40)


def test_settings_and_pathways_known_add_ten_points_each():
    plain = score(needs(trials=3), mentor(1))
    knows = score(
        needs(trials=3), mentor(2, setting_ids=frozenset({10}), pathway_ids=frozenset({20}))
    )
    assert knows.score - plain.score == pytest.approx(20)


def test_time_zones_are_counted_the_short_way_round_the_clock():
    assert hours_apart(-6, -6) == 0
    assert hours_apart(-10, 12) == 2
    assert hours_apart(5.5, -5) == 10.5
    assert hours_apart(None, 3) is None


def test_a_closer_time_zone_wins_among_equals():
    ranked = rank(
        needs(trials=3),
        [mentor(1, TRIALS, utc_offset_hours=9), mentor(2, TRIALS, utc_offset_hours=-5)],
    )
    assert [m.mentor_id for m in ranked] == [2, 1]


def test_the_less_loaded_mentor_wins_among_equals():
    ranked = rank(
        needs(trials=3),
        [mentor(1, TRIALS, active=1, capacity=2), mentor(2, TRIALS, active=0, capacity=2)],
    )
    assert [m.mentor_id for m in ranked] == [2, 1]


def test_a_shared_format_counts_and_no_preference_matches_any():
    video = score(needs(trials=3), mentor(1, formats=frozenset({"video"})))
    in_person = score(needs(trials=3), mentor(2, formats=frozenset({"in_person"})))
    assert video.score - in_person.score == pytest.approx(5)
    open_minded = MenteeNeeds(gaps=needs(trials=3).gaps)
    assert score(open_minded, mentor(2, formats=frozenset({"in_person"}))).formats == {"in_person"}


def test_mentors_at_capacity_and_excluded_mentors_are_not_ranked():
    pool = [mentor(1, TRIALS, active=2, capacity=2), mentor(2, TRIALS), mentor(3, TRIALS)]
    assert [m.mentor_id for m in rank(needs(trials=3), pool, exclude={3})] == [2]


def test_the_ranking_does_not_depend_on_the_order_of_the_input():
    pool = [mentor(i, *random.Random(i).sample([1, 2, 3, 4], 2)) for i in range(1, 60)]
    wanted = rank(needs(trials=9, finance=4, negotiation=2), pool)
    shuffled = pool[:]
    random.Random(7).shuffle(shuffled)
    assert rank(needs(trials=9, finance=4, negotiation=2), shuffled) == wanted
    assert rank(needs(trials=9, finance=4, negotiation=2), shuffled, limit=5) == wanted[:5]


def test_equal_scores_go_to_the_lower_id():
    ranked = rank(needs(trials=3), [mentor(5, TRIALS), mentor(3, TRIALS)])
    assert [m.mentor_id for m in ranked] == [3, 5]


def test_the_explanation_names_the_gaps_setting_pathway_distance_and_places():
    match = score(
        needs(trials=9, finance=6, negotiation=3, safety=1),
        mentor(
            1,
            TRIALS,
            FINANCE,
            NEGOTIATION,
            setting_ids=frozenset({10}),
            pathway_ids=frozenset({20}),
            utc_offset_hours=-4,
            active=1,
        ),
    )
    reasons = explain(
        match, setting_names={10: "digital-health start-ups"}, pathway_names={20: "Pharma CMO"}
    )
    assert reasons == [
        "covers 3 of your top 4 gaps: clinical trial design, finance and negotiation",
        "knows digital-health start-ups",
        "knows the pathway Pharma CMO",
        "2 hours apart",
        "meets by video call",
        "1 of 2 places free",
    ]


def test_the_explanation_says_when_no_gap_is_covered():
    reasons = explain(score(needs(trials=3), mentor(1)), setting_names={}, pathway_names={})
    assert reasons[0] == "does not teach your top gap"
    covering = explain(
        score(needs(trials=3), mentor(1, TRIALS)), setting_names={}, pathway_names={}
    )
    assert covering[0] == "covers your top gap: clinical trial design"
    assert "in your time zone" in reasons


def test_the_ways_of_meeting_have_one_definition_read_by_the_profile_forms_and_matching(db):
    # The physician's preferred ways (needs assessment) and the mentor's offered ways are
    # compared by the matching, so they use the same codes.
    assert MentoringFormat.values == MeetingFormat.values
    profile = MentorProfileFactory(offers_video=True, offers_in_person=False, offers_async=True)
    assert profile.format_codes == {"video", "async"}
    assert profile.formats == [MeetingFormat.VIDEO.label, MeetingFormat.ASYNC.label]
    filter_choices = SuggestionFilterForm().fields["formats"].choices
    assert [value for value, _ in filter_choices] == MeetingFormat.values
    profile_form = MentorProfileForm()
    for way in MeetingFormat:
        assert profile_form.fields[way.field_name].label.lower() == way.label
    open_to_any = MenteeNeeds(gaps=needs(trials=3).gaps)
    assert "meets by video call and asynchronous (messages, documents)" in explain(
        score(open_to_any, mentor(1, formats=frozenset({"async", "video"}))),
        setting_names={},
        pathway_names={},
    )


def _reference_score(needs: MenteeNeeds, candidate: Candidate) -> tuple:
    """The rule as the module docstring states it, written the plain way: every part
    worked out from scratch for every mentor."""
    total_gap = sum(g.weighted_gap for g in needs.gaps)
    covered = tuple(g for g in needs.gaps if candidate.teaches.get(g.competency_id, 0) >= g.target)
    settings = needs.setting_ids & candidate.setting_ids
    pathways = needs.pathway_ids & candidate.pathway_ids
    apart = hours_apart(needs.utc_offset_hours, candidate.utc_offset_hours)
    formats = (needs.formats or candidate.formats) & candidate.formats
    free = max(0, candidate.capacity - candidate.active)
    parts = {
        "gaps": 60 * sum(g.weighted_gap for g in covered) / total_gap if total_gap else 0,
        "settings": 10 if settings else 0,
        "pathways": 10 if pathways else 0,
        "time_zone": 10 / 2 if apart is None else 10 * (1 - apart / 12),
        "formats": 5 if formats else 0,
        "load": 5 * free / candidate.capacity if candidate.capacity else 0,
    }
    match = (
        candidate.mentor_id,
        round(sum(parts.values()), 2),
        covered,
        len(needs.gaps),
        settings,
        pathways,
        apart,
        formats,
        free,
        candidate.capacity,
    )
    return match, parts


def _reference_rank(needs, candidates, *, exclude=frozenset(), limit=None) -> list[tuple]:
    scored = [
        _reference_score(needs, c)
        for c in candidates
        if max(0, c.capacity - c.active) > 0 and c.mentor_id not in exclude
    ]
    scored.sort(key=lambda s: (-s[0][1], -s[0][8], s[0][0]))
    return scored if limit is None else scored[:limit]


def _as_reference(match) -> tuple:
    fields = (
        match.mentor_id,
        match.score,
        match.covered,
        match.gap_count,
        match.setting_ids,
        match.pathway_ids,
        match.hours_apart,
        match.formats,
        match.free_places,
        match.capacity,
    )
    return fields, match.parts


@pytest.mark.parametrize("seed", range(40))
def test_rank_equals_the_plain_reference_on_random_mentors(seed):
    rng = random.Random(seed)
    offsets = (None, -8, -6, -5.5, 0, 1, 5.5, 8, 9.5, 12)
    formats = [f.value for f in MeetingFormat]
    gaps = tuple(
        GapNeed(c, f"Competency {c}", rng.randint(1, 4), rng.choice((0, 1, 2, 3, 6, 9, 2.5)))
        for c in rng.sample(range(1, 30), rng.randint(0, 5))
    )
    physician = MenteeNeeds(
        gaps=gaps,
        setting_ids=frozenset(rng.sample(range(1, 6), rng.randint(0, 2))),
        pathway_ids=frozenset(rng.sample(range(1, 8), rng.randint(0, 3))),
        utc_offset_hours=rng.choice(offsets),
        formats=frozenset(rng.sample(formats, rng.randint(0, 2))),
    )
    # Few distinct values, so that many mentors tie and the tie-breaks are exercised;
    # some ids given twice, some mentors full or over capacity, some excluded.
    pool = [
        Candidate(
            mentor_id=rng.randint(1, 150),
            teaches={c: rng.randint(1, 4) for c in rng.sample(range(1, 30), rng.randint(0, 8))},
            setting_ids=frozenset(rng.sample(range(1, 6), rng.randint(0, 2))),
            pathway_ids=frozenset(rng.sample(range(1, 8), rng.randint(0, 2))),
            utc_offset_hours=rng.choice(offsets),
            formats=frozenset(rng.sample(formats, rng.randint(0, 3))),
            active=rng.randint(0, 4),
            capacity=rng.randint(0, 4),
        )
        for _ in range(200)
    ]
    exclude = frozenset(rng.sample(range(1, 150), 10))
    for limit in (None, 0, 1, 10, 500):
        expected = _reference_rank(physician, pool, exclude=exclude, limit=limit)
        actual = [_as_reference(m) for m in rank(physician, pool, exclude=exclude, limit=limit)]
        assert actual == expected
    assert [_as_reference(score(physician, c)) for c in pool] == [
        _reference_score(physician, c) for c in pool
    ]
