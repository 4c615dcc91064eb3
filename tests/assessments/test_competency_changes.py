"""The change per competency since the previous self-rating set: the selector (from the
results and on its own), who may read it, and the results page's section."""

import datetime

import pytest
from django.urls import reverse

from assessments.scoring import ChangeKind, GapChange
from assessments.selectors import competency_changes_for_viewer, results_for
from tests.factories import complete_assessment, submit_ratings

pytestmark = pytest.mark.django_db

# Pharma's targets (tests.factories.two_pathway_curriculum): trials 4, safety 2,
# finance 3, negotiation 3.
DAY_ONE = datetime.date(2026, 3, 2)
DAY_TWO = datetime.date(2026, 6, 1)
DAY_THREE = datetime.date(2026, 9, 7)


@pytest.fixture
def rate(physician, curriculum, on_date):
    """rate(day, {name: level}): a self-rating set of `physician` submitted on `day`. A
    new set starts from the last one's levels (as the rubric does): None unrates."""
    complete_assessment(physician, curriculum["pharma"])
    competencies = curriculum["competencies"]

    def rate(day: datetime.date, levels: dict[str, int | None], **kwargs):
        on_date(day)
        return submit_ratings(
            physician, {competencies[name]: level for name, level in levels.items()}, **kwargs
        )

    return rate


def both_ways(physician, pathway):
    """The changes from results_for and from the plan page's selector, which must agree."""
    from_results = results_for(subject=physician).changes
    alone = competency_changes_for_viewer(viewer=physician, subject=physician, pathway=pathway)
    assert from_results is not None and alone is not None
    assert from_results.rows == alone.rows
    assert (from_results.latest and from_results.latest.pk) == (alone.latest and alone.latest.pk)
    assert (from_results.previous and from_results.previous.pk) == (
        alone.previous and alone.previous.pk
    )
    assert from_results.top_level == alone.top_level == 4
    return alone


def by_name(changes):
    return {row.name: row for row in changes.rows}


def test_with_no_rating_set_there_is_nothing_to_compare(physician, curriculum):
    complete_assessment(physician, curriculum["pharma"])

    changes = both_ways(physician, curriculum["pharma"])

    assert changes.latest is None and changes.previous is None
    assert not changes.comparable
    assert changes.compared == []
    assert {row.kind for row in changes.rows} == {ChangeKind.UNRATED}


def test_with_one_set_there_is_a_latest_but_no_previous(rate, physician, curriculum):
    latest = rate(DAY_ONE, {"Finance": 2})

    changes = both_ways(physician, curriculum["pharma"])

    assert changes.latest.pk == latest.pk and changes.previous is None
    assert not changes.comparable
    assert by_name(changes)["Finance"].kind == ChangeKind.NEW


def test_two_sets_give_the_change_the_target_and_whether_the_gap_closed(
    rate, physician, curriculum
):
    first = rate(
        DAY_ONE,
        {"Clinical trial design": 1, "Finance": 2, "Negotiation": 3, "Quality and safety": 3},
    )
    second = rate(
        DAY_TWO,
        {"Clinical trial design": 3, "Finance": 3, "Negotiation": 3, "Quality and safety": 1},
    )

    changes = both_ways(physician, curriculum["pharma"])
    rows = by_name(changes)

    assert changes.comparable
    assert (changes.previous.pk, changes.latest.pk) == (first.pk, second.pk)
    assert changes.previous.submitted_at.date() == DAY_ONE
    assert changes.latest.submitted_at.date() == DAY_TWO
    trials, finance = rows["Clinical trial design"], rows["Finance"]
    assert (trials.previous, trials.latest, trials.levels, trials.target) == (1, 3, 2, 4)
    assert trials.in_words == "up 2 levels" and not trials.closed_gap and trials.gap == 1
    assert (finance.levels, finance.in_words, finance.target) == (1, "up 1 level", 3)
    assert finance.closed_gap and finance.gap_change == GapChange.CLOSED
    assert rows["Negotiation"].levels == 0 and rows["Negotiation"].in_words == "no change"
    assert rows["Negotiation"].gap_change == GapChange.MET
    safety = rows["Quality and safety"]
    assert (safety.levels, safety.in_words, safety.gap_change) == (-2, "down 2 levels", "reopened")
    assert [row.name for row in changes.closed] == ["Finance"]


def test_with_three_sets_the_change_compares_the_last_two(rate, physician, curriculum):
    rate(DAY_ONE, {"Finance": 1, "Negotiation": 1})
    second = rate(DAY_TWO, {"Finance": 2, "Negotiation": 3})
    third = rate(DAY_THREE, {"Finance": 3, "Negotiation": 3})

    changes = both_ways(physician, curriculum["pharma"])
    rows = by_name(changes)

    assert (changes.previous.pk, changes.latest.pk) == (second.pk, third.pk)
    assert (rows["Finance"].previous, rows["Finance"].latest) == (2, 3)
    assert rows["Finance"].closed_gap
    assert rows["Negotiation"].kind == ChangeKind.SAME  # 3 then 3; the first set's 1 is past
    assert not rows["Negotiation"].closed_gap


def test_a_competency_rated_in_one_of_the_two_sets_only(rate, physician, curriculum):
    rate(DAY_ONE, {"Finance": 2, "Negotiation": 2})
    rate(DAY_TWO, {"Finance": 2, "Clinical trial design": 4, "Negotiation": None})

    rows = by_name(both_ways(physician, curriculum["pharma"]))

    newly = rows["Clinical trial design"]
    assert (newly.previous, newly.latest, newly.kind, newly.in_words) == (
        None,
        4,
        ChangeKind.NEW,
        "newly rated",
    )
    # A first rating at the target finds no gap to close: unrated had none.
    assert newly.gap_change == GapChange.MET and not newly.closed_gap
    dropped = rows["Negotiation"]
    assert (dropped.previous, dropped.latest, dropped.kind, dropped.in_words) == (
        2,
        None,
        ChangeKind.DROPPED,
        "not rated again",
    )
    assert dropped.levels is None and dropped.gap_change == GapChange.UNKNOWN
    assert rows["Quality and safety"].kind == ChangeKind.UNRATED


def test_mentor_sets_play_no_part(rate, physician, curriculum, active_mentor):
    rate(DAY_ONE, {"Finance": 1})
    rate(DAY_TWO, {"Finance": 2}, rater=active_mentor, role="mentor")
    rate(DAY_TWO + datetime.timedelta(days=1), {"Finance": 3})
    rate(DAY_THREE, {"Finance": 4}, rater=active_mentor, role="mentor")

    changes = both_ways(physician, curriculum["pharma"])
    finance = by_name(changes)["Finance"]

    assert (finance.previous, finance.latest) == (1, 3)
    assert changes.previous.rater_role == changes.latest.rater_role == "self"


def test_only_who_may_see_the_results_gets_the_changes(
    rate, physician, curriculum, other_physician, mentor, active_mentor
):
    rate(DAY_ONE, {"Finance": 1})
    rate(DAY_TWO, {"Finance": 3})

    def read(viewer):
        return competency_changes_for_viewer(
            viewer=viewer, subject=physician, pathway=curriculum["pharma"]
        )

    assert read(other_physician) is None
    assert read(mentor) is None  # a mentor, but not theirs
    assert by_name(read(active_mentor))["Finance"].closed_gap


def test_the_selector_costs_one_query_however_many_sets(
    rate, physician, curriculum, django_assert_num_queries
):
    for day in range(1, 8):
        rate(datetime.date(2026, 3, day), {"Finance": day % 4 + 1, "Negotiation": 2})
    with django_assert_num_queries(1):
        competency_changes_for_viewer(
            viewer=physician, subject=physician, pathway=curriculum["pharma"]
        )


# --- The results page ------------------------------------------------------------------


def test_the_results_page_shows_the_change_as_a_table_and_a_chart(client, rate, physician):
    rate(DAY_ONE, {"Finance": 2, "Negotiation": 3, "Clinical trial design": 1})
    rate(
        DAY_TWO,
        {"Finance": 3, "Negotiation": 2, "Quality and safety": 2, "Clinical trial design": None},
    )
    client.force_login(physician)

    page = client.get(reverse("assessments:results")).content.decode()

    assert "Change since your previous ratings" in page
    assert "2 March 2026</time>" in page and "1 June 2026</time>" in page
    assert "Pharma CMO: change per competency" in page  # the table's caption
    assert '<th scope="row">Finance</th>' in page
    for words in ("Up 1 level", "Down 1 level", "Newly rated", "Not rated again"):
        assert words in page
    assert "Closed the gap" in page and "Below target again" in page
    assert '<svg class="change-chart"' in page
    assert 'aria-labelledby="changes-chart-title changes-chart-desc"' in page
    assert "change after your next reassessment" not in page
    assert 'href="#changes"' in page


def test_with_one_set_the_results_page_says_the_change_comes_after_the_next(
    client, rate, physician
):
    rate(DAY_ONE, {"Finance": 2})
    client.force_login(physician)

    page = client.get(reverse("assessments:results")).content.decode()

    assert "The change in each competency shows here after your next reassessment" in page
    assert "change per competency" not in page
    assert "change-chart" not in page
    assert 'href="#changes"' not in page


def test_the_dates_are_the_readers(client, rate, physician, curriculum, time_machine):
    """Submitted at 03:00 UTC on 3 June: still 2 June in Chicago, the reader's zone."""
    rate(DAY_ONE, {"Finance": 2})
    time_machine.move_to(datetime.datetime(2026, 6, 3, 3, 0, tzinfo=datetime.UTC), tick=False)
    submit_ratings(physician, {curriculum["competencies"]["Finance"]: 3})
    client.force_login(physician)
    session = client.session
    session["time_zone"] = "America/Chicago"
    session.save()

    page = client.get(reverse("assessments:results")).content.decode()

    assert '<time datetime="2026-06-02T22:00:00-05:00">2 June 2026</time>' in page


def test_a_mentor_reads_the_change_on_their_mentees_results(client, rate, active_mentor):
    subject = rate(DAY_ONE, {"Finance": 2}).subject
    rate(DAY_TWO, {"Finance": 3})
    client.force_login(active_mentor)

    page = client.get(reverse("assessments:results-for", args=[subject.pk])).content.decode()

    assert "Change since the previous ratings" in page
    assert "Closed the gap" in page
