"""The plan's pure rules (pathways/plan_rules.py): the ranking of modules and
opportunities, and the schedule that keeps every week within the hours given."""

import datetime
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathways import plan_rules
from pathways.plan_rules import Candidate, Seeker, Work

START = datetime.date(2027, 3, 1)
RESIDENT, PRACTISING, LEADER = 1, 3, 4


def candidate(key="module:1", hours=10, builds=(1,), stages=(0, 4), **extra) -> Candidate:
    return Candidate(
        key=key,
        hours=hours,
        builds=frozenset(builds),
        earliest_stage_rank=stages[0],
        latest_stage_rank=stages[1],
        format=extra.pop("format", "online"),
        **extra,
    )


def seeker(**extra) -> Seeker:
    defaults = {"stage_rank": PRACTISING, "priorities": {1: 6, 2: 2}, "today": START}
    return Seeker(**(defaults | extra))


# --- Ranking ---------------------------------------------------------------------------


def test_relevance_per_hour_beats_brevity():
    short_and_beside_the_point = candidate("module:short", hours=2, builds=(9,))
    longer_and_on_the_largest_gap = candidate("module:relevant", hours=8, builds=(1,))

    ranked = plan_rules.rank(seeker(), [short_and_beside_the_point, longer_and_on_the_largest_gap])

    # (6 + 1) / 8 = 0.875 against (0 + 1) / 2 = 0.5.
    assert [r.key for r in ranked] == ["module:relevant", "module:short"]
    assert ranked[0].closes == 6
    assert "closes 6 weighted levels of your gaps in 8 hours" in ranked[0].reasons


def test_a_candidate_outside_the_physicians_stage_is_not_ranked():
    entry_plan = candidate("module:90-days", stages=(PRACTISING, LEADER))
    student_club = candidate("module:club", stages=(0, RESIDENT))

    assert [
        r.key for r in plan_rules.rank(seeker(stage_rank=RESIDENT), [entry_plan, student_club])
    ] == ["module:club"]
    assert [
        r.key for r in plan_rules.rank(seeker(stage_rank=LEADER), [entry_plan, student_club])
    ] == ["module:90-days"]
    # No stage known: nothing is ruled out.
    assert len(plan_rules.rank(seeker(stage_rank=None), [entry_plan, student_club])) == 2


def test_the_preferred_format_and_a_near_deadline_lift_a_candidate_and_say_so():
    online = candidate("module:online", format="online")
    in_person = candidate("module:in-person", format="in_person")
    closing = candidate("opportunity:soon", deadline=START + datetime.timedelta(weeks=3))

    ranked = plan_rules.rank(seeker(formats=frozenset({"online"})), [in_person, online, closing])

    by_key = {r.key: r for r in ranked}
    assert by_key["module:online"].value == pytest.approx(
        by_key["module:in-person"].value * 1.25 / 0.8
    )
    assert "online, as you prefer" in by_key["module:online"].reasons
    assert "in person, not your preferred format" in by_key["module:in-person"].reasons
    assert ranked[0].key == "opportunity:soon"
    assert "closes on 22 March 2027" in ranked[0].reasons


def test_a_passed_deadline_is_not_ranked_and_a_job_that_means_moving_ranks_lower():
    passed = candidate("opportunity:gone", deadline=START - datetime.timedelta(days=1))
    on_site = candidate("opportunity:on-site", format="in_person", is_job=True)
    remote = candidate("opportunity:remote", format="in_person", is_job=True, is_remote=True)

    ranked = plan_rules.rank(seeker(will_move=False), [passed, on_site, remote])

    assert [r.key for r in ranked] == ["opportunity:remote", "opportunity:on-site"]
    assert ranked[1].value == ranked[0].value * 0.5


def test_ties_go_to_the_key_whatever_the_input_order():
    items = [candidate(f"module:{n}") for n in (3, 1, 2)]
    assert [r.key for r in plan_rules.rank(seeker(), items)] == ["module:1", "module:2", "module:3"]
    assert plan_rules.rank(seeker(), items) == plan_rules.rank(seeker(), list(reversed(items)))


# --- Scheduling ------------------------------------------------------------------------


def test_a_piece_bigger_than_a_week_spreads_over_weeks_and_is_due_at_the_end():
    result = plan_rules.schedule([Work("degree", 12)], hours_per_week=5, start=START)

    slot = result.slots["degree"]
    assert (slot.first_week, slot.last_week) == (0, 2)
    assert result.load == {0: 5, 1: 5, 2: 2}
    assert slot.due == START + datetime.timedelta(weeks=3)
    assert result.weeks_needed == 3


def test_booked_weeks_are_worked_around_and_counted_in_the_weeks_needed():
    result = plan_rules.schedule(
        [Work("a", 4), Work("b", 3)], hours_per_week=4, start=START, booked={0: 4, 1: 2}
    )

    assert result.load == {1: 2, 2: 4, 3: 1}
    assert result.slots["a"].last_week == 2 and result.slots["b"].first_week == 2
    assert result.weeks_needed == 4


def test_dated_work_goes_first_and_what_cannot_meet_its_deadline_is_late():
    result = plan_rules.schedule(
        [
            Work("learn", 10),
            Work("apply", 3, deadline=START + datetime.timedelta(days=10)),
            Work("too-big", 30, deadline=START + datetime.timedelta(days=20)),
        ],
        hours_per_week=5,
        start=START,
    )

    assert result.slots["apply"].due == START + datetime.timedelta(days=7)
    assert result.late == ["too-big"]
    assert "too-big" not in result.slots
    assert result.slots["learn"].first_week == 0  # the two free hours of week 1


def test_work_waits_for_its_first_week():
    result = plan_rules.schedule(
        [Work("entry-plan", 3, not_before=6)], hours_per_week=5, start=START
    )
    assert result.slots["entry-plan"].first_week == 6


def test_kept_work_is_booked_backwards_from_its_due_week():
    booked = plan_rules.booked_hours(
        [(7, START + datetime.timedelta(weeks=2)), (2, START + datetime.timedelta(weeks=2))],
        hours_per_week=4,
        start=START,
    )
    assert booked == {2: 4, 1: 4, 0: 1}


works = st.lists(
    st.builds(
        Work,
        key=st.uuids().map(str),
        hours=st.integers(min_value=0, max_value=120),
        deadline=st.one_of(
            st.none(),
            st.integers(min_value=-3, max_value=400).map(
                lambda days: START + datetime.timedelta(days=days)
            ),
        ),
        not_before=st.integers(min_value=0, max_value=30),
    ),
    max_size=25,
    unique_by=lambda w: w.key,
)
bookings = st.dictionaries(
    st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=50), max_size=20
)


@settings(max_examples=300, deadline=None)
@given(work=works, hours_per_week=st.integers(min_value=1, max_value=40), booked=bookings)
def test_no_week_is_ever_planned_over_the_hours_given(work, hours_per_week, booked):
    result = plan_rules.schedule(work, hours_per_week=hours_per_week, start=START, booked=booked)

    for week, hours in result.load.items():
        assert hours <= max(0, hours_per_week - booked.get(week, 0)), week
    # Every piece is planned in full, or is late because of its deadline, never both.
    assert set(result.slots) | set(result.late) == {w.key for w in work}
    assert not set(result.slots) & set(result.late)
    assert sum(result.load.values()) == sum(max(w.hours, 1) for w in work if w.key in result.slots)
    for item in work:
        slot = result.slots.get(item.key)
        if slot is None:
            assert item.deadline is not None
            continue
        assert slot.first_week >= item.not_before
        if item.deadline is not None:
            assert slot.due <= item.deadline
    # Undated work keeps the order it was given in.
    undated = [result.slots[w.key] for w in work if w.deadline is None and w.not_before == 0]
    for earlier, later in itertools.pairwise(undated):
        assert later.first_week >= earlier.last_week


@settings(max_examples=200, deadline=None)
@given(
    pieces=st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=80),
            st.integers(min_value=-20, max_value=200).map(
                lambda days: START + datetime.timedelta(days=days)
            ),
        ),
        max_size=15,
    ),
    hours_per_week=st.integers(min_value=1, max_value=40),
)
def test_booking_kept_work_accounts_for_every_hour(pieces, hours_per_week):
    booked = plan_rules.booked_hours(pieces, hours_per_week=hours_per_week, start=START)
    assert sum(booked.values()) == sum(max(hours, 1) for hours, _ in pieces)
    assert all(hours <= hours_per_week for week, hours in booked.items() if week > 0)
