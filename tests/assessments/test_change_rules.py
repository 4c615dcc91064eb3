"""The rules of the change per competency (assessments/scoring.py) and the chart drawn
from it (assessments/templatetags/competency_changes.py), on plain values."""

from hypothesis import given
from hypothesis import strategies as st

from assessments import scoring
from assessments.scoring import ChangeKind, CompetencyChange, GapChange
from assessments.templatetags.competency_changes import change_chart, change_summary, row_summary

levels = st.integers(min_value=1, max_value=4)
maybe_levels = st.none() | levels


def change(previous, latest, target=3, name="Finance") -> CompetencyChange:
    return CompetencyChange(
        competency_id=1, name=name, target=target, weight=2, previous=previous, latest=latest
    )


@given(previous=maybe_levels, latest=maybe_levels, target=levels)
def test_the_gap_closes_only_from_below_the_target_to_it(previous, latest, target):
    row = change(previous, latest, target)
    closed = previous is not None and latest is not None and previous < target <= latest
    assert row.closed_gap == closed
    reopened = previous is not None and latest is not None and latest < target <= previous
    assert (row.gap_change == GapChange.REOPENED) == reopened
    assert (row.gap_change == GapChange.UNKNOWN) == (latest is None)


@given(previous=levels, latest=levels)
def test_the_change_is_the_difference_of_the_levels_in_words(previous, latest):
    row = change(previous, latest)
    assert row.levels == latest - previous
    count = abs(latest - previous)
    expected = (
        "no change"
        if count == 0
        else f"{'up' if latest > previous else 'down'} {count} level{'s' if count > 1 else ''}"
    )
    assert row.in_words == expected


def test_a_competency_in_one_set_only_is_newly_rated_or_not_rated_again():
    assert (change(None, 2).kind, change(None, 2).in_words) == (ChangeKind.NEW, "newly rated")
    assert (change(2, None).kind, change(2, None).in_words) == (
        ChangeKind.DROPPED,
        "not rated again",
    )
    assert change(None, None).kind == ChangeKind.UNRATED
    assert change(None, 2).levels is None and change(2, None).levels is None


def test_the_changes_follow_the_pathways_order_and_read_both_sets():
    rows = scoring.competency_changes(
        [(2, "Negotiation", 3, 2), (1, "Finance", 3, 2)], previous={1: 2}, latest={1: 3, 2: 1}
    )
    assert [(r.name, r.previous, r.latest) for r in rows] == [
        ("Negotiation", None, 1),
        ("Finance", 2, 3),
    ]


def test_the_summary_counts_each_kind_of_change_and_the_gaps_closed():
    rows = [
        change(1, 3),
        change(1, 2),
        change(3, 2),
        change(2, 2),
        change(None, 1),
        change(None, None),
    ]
    assert change_summary(rows) == (
        "5 competencies compared: 2 up, 1 down, 1 unchanged, 1 newly rated."
        " 1 gap closed. 1 gap reopened."
    )
    assert change_summary([change(None, None)]) == ""


def test_the_chart_puts_the_dots_at_the_levels_and_leaves_out_the_unrated():
    rows = [
        change(1, 4, target=3),
        change(None, None, name="Negotiation"),
        change(2, None, name="A long name " * 5),
    ]

    chart = change_chart(rows, top_level=4)

    assert chart is not None and len(chart.rows) == 2
    (x1, _), (x2, _), (x3, _), (x4, _) = chart.ticks
    first, dropped = chart.rows
    assert (first.previous_x, first.latest_x, first.target_x) == (x1, x4, x3)
    assert first.note == "closed the gap" and first.kind == "up"
    assert dropped.latest_x is None and dropped.previous_x == x2
    assert dropped.note == "not rated again" and dropped.name.endswith("…")
    assert dropped.track_y > first.track_y
    assert chart.height > dropped.track_y
    assert change_chart([change(None, None)], top_level=4) is None


def test_a_chart_row_in_words():
    assert row_summary(change(2, 3)) == (
        "Finance: level 2, then level 3; target 3; up 1 level; closed the gap"
    )
    assert row_summary(change(None, 1)) == "Finance: not rated, then level 1; target 3; newly rated"
