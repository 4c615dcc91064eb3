"""The scoring rules of the gap analysis, in one place.

Everything here is pure arithmetic on plain values, so it can be tested on its own and
reused by the plan generator and mentor matching. The results page shows RULES_IN_WORDS,
which must say the same thing as the code below.

- Gap: how many levels a competency's current level is below the pathway's target level;
  zero when the physician is at or above the target. An unrated competency has no gap
  (None), it is "not yet rated", never counted as level zero.
- Weighted gap: the gap times the competency's weight in the pathway (1 useful,
  2 important, 3 essential).
- Readiness for a pathway: of the levels the pathway asks for, weighted, the share the
  physician already reaches, in per cent, counted over the competencies they have rated:
  100 * Σ weight * min(current, target) ÷ Σ weight * target. None when nothing is rated.
- Coverage: the share of the pathway's weighted target levels that has been rated, so a
  readiness based on few ratings is shown as such.
- Top gaps: the largest weighted gaps first; ties go to the heavier weight, then the name.
- Change since the previous rating set: per competency, the latest self-rating's level
  minus the previous self-rating's (the one submitted before it); "newly rated" when only
  the latest rates it, "not rated again" when only the previous does. The change closed
  the gap when the previous level was below the target and the latest reaches it; it
  reopened the gap when the previous level reached the target and the latest does not.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

RULES_IN_WORDS = (
    "Your gap in a competency is how many levels your current rating is below the level "
    "the pathway needs; at or above it, the gap is zero.",
    "Each gap counts as many times as the competency's weight in the pathway: once if it "
    "is useful, twice if important, three times if essential.",
    "Readiness is the share of the pathway's weighted target levels you already reach, "
    "counted over the competencies you have rated. Coverage says how much of the pathway "
    "those ratings cover.",
    "A competency you have not rated yet is shown as not yet rated. It is not counted as "
    "level zero and does not lower your readiness.",
    "Your current level is your own latest rating. A mentor's rating is shown beside it, "
    "and a difference of two levels or more is flagged as a topic for your next "
    "conversation.",
    "The change since your previous ratings compares your latest self-rating with the one "
    "you submitted before it. A gap counts as closed when a competency that was below the "
    "target reaches it; a first rating at the target is simply met.",
)

# A mentor's and a self-rating this many levels apart are worth talking about.
DISAGREEMENT_LEVELS = 2


@dataclass(frozen=True)
class CompetencyGap:
    """One competency of one pathway, for one physician."""

    competency_id: int
    name: str
    target: int
    weight: int
    current: int | None  # the physician's latest self-rating; None if not rated
    mentor: int | None = None  # the latest mentor rating, if any

    @property
    def gap(self) -> int | None:
        return gap(self.current, self.target)

    @property
    def weighted_gap(self) -> int | None:
        return weighted_gap(self.current, self.target, self.weight)

    @property
    def is_rated(self) -> bool:
        return self.current is not None

    @property
    def mentor_disagrees(self) -> bool:
        return ratings_disagree(self.current, self.mentor)


def gap(current: int | None, target: int) -> int | None:
    """Levels below target; 0 at or above it; None when not rated."""
    if current is None:
        return None
    return max(0, target - current)


def weighted_gap(current: int | None, target: int, weight: int) -> int | None:
    levels = gap(current, target)
    return None if levels is None else levels * weight


def readiness(gaps: Iterable[CompetencyGap]) -> float | None:
    """Per cent of the weighted target levels reached, over rated competencies only."""
    reached = needed = 0
    for item in gaps:
        if item.current is None:
            continue
        reached += item.weight * min(item.current, item.target)
        needed += item.weight * item.target
    return readiness_of_sums(reached, needed)


def readiness_of_sums(reached: int, needed: int) -> float | None:
    """Readiness from its two sums (Σ weight * min(current, target) and Σ weight * target
    over the rated competencies), as the database adds them up for readiness over time."""
    if needed == 0:
        return None
    return round(100 * reached / needed, 1)


def coverage(gaps: Iterable[CompetencyGap]) -> float:
    """Per cent of the pathway's weighted target levels that have been rated."""
    rated = total = 0
    for item in gaps:
        total += item.weight * item.target
        if item.current is not None:
            rated += item.weight * item.target
    return 0.0 if total == 0 else round(100 * rated / total, 1)


def top_gaps(gaps: Sequence[CompetencyGap], limit: int = 5) -> list[CompetencyGap]:
    """The rated competencies with the largest weighted gaps, none that are closed."""
    open_gaps = [item for item in gaps if item.weighted_gap]
    return sorted(open_gaps, key=lambda g: (-(g.weighted_gap or 0), -g.weight, g.name))[:limit]


def ratings_disagree(self_level: int | None, mentor_level: int | None) -> bool:
    if self_level is None or mentor_level is None:
        return False
    return abs(self_level - mentor_level) >= DISAGREEMENT_LEVELS


def gap_priorities(gaps: Sequence[CompetencyGap]) -> dict[int, int]:
    """competency id -> weighted gap, for ranking what closes the gaps (modules,
    opportunities, mentors): a thing that builds several gapped competencies scores
    the sum of their weighted gaps."""
    return {item.competency_id: item.weighted_gap for item in gaps if item.weighted_gap}


def relevance(competency_ids: Iterable[int], priorities: dict[int, int]) -> int:
    return sum(priorities.get(competency_id, 0) for competency_id in competency_ids)


class ChangeKind(StrEnum):
    """How a competency's level moved from the previous self-rating set to the latest."""

    UP = "up"
    DOWN = "down"
    SAME = "same"
    NEW = "new"  # rated in the latest set only
    DROPPED = "dropped"  # rated in the previous set only
    UNRATED = "unrated"  # in neither


class GapChange(StrEnum):
    """What the change did to the gap to the pathway's target."""

    CLOSED = "closed"  # below the target before, at or above it now
    REOPENED = "reopened"  # at or above the target before, below it now
    MET = "met"  # at or above the target, before (if rated) and now
    OPEN = "open"  # below the target now, and before (if rated)
    UNKNOWN = "unknown"  # not rated in the latest set


def change_kind(previous: int | None, latest: int | None) -> ChangeKind:
    if previous is None and latest is None:
        return ChangeKind.UNRATED
    if previous is None:
        return ChangeKind.NEW
    if latest is None:
        return ChangeKind.DROPPED
    if latest > previous:
        return ChangeKind.UP
    return ChangeKind.DOWN if latest < previous else ChangeKind.SAME


def gap_change(previous: int | None, latest: int | None, target: int) -> GapChange:
    """Closed only by a move from below the target to it: a first rating at the target
    closes nothing (an unrated competency has no gap), it is met."""
    if latest is None:
        return GapChange.UNKNOWN
    reached_before = previous is not None and previous >= target
    if latest >= target:
        return GapChange.MET if reached_before or previous is None else GapChange.CLOSED
    return GapChange.REOPENED if reached_before else GapChange.OPEN


@dataclass(frozen=True)
class CompetencyChange:
    """One competency of one pathway, between the previous and the latest self-rating."""

    competency_id: int
    name: str
    target: int
    weight: int
    previous: int | None
    latest: int | None

    @property
    def kind(self) -> ChangeKind:
        return change_kind(self.previous, self.latest)

    @property
    def levels(self) -> int | None:
        """+1, -1, 0: levels gained since the previous set; None unless both rate it."""
        if self.previous is None or self.latest is None:
            return None
        return self.latest - self.previous

    @property
    def gap_change(self) -> GapChange:
        return gap_change(self.previous, self.latest, self.target)

    @property
    def closed_gap(self) -> bool:
        return self.gap_change == GapChange.CLOSED

    @property
    def gap(self) -> int | None:
        """Levels still to go, from the latest set."""
        return gap(self.latest, self.target)

    @property
    def in_words(self) -> str:
        """The change as a reader says it: up 1 level, down 2 levels, no change, newly
        rated, not rated again."""
        kind = self.kind
        if kind in (ChangeKind.UP, ChangeKind.DOWN):
            count = abs(self.levels or 0)
            return f"{kind.value} {count} level{'' if count == 1 else 's'}"
        return {
            ChangeKind.SAME: "no change",
            ChangeKind.NEW: "newly rated",
            ChangeKind.DROPPED: "not rated again",
            ChangeKind.UNRATED: "not rated",
        }[kind]


def competency_changes(
    targets: Iterable[tuple[int, str, int, int]],
    previous: dict[int, int],
    latest: dict[int, int],
) -> list[CompetencyChange]:
    """One change per (competency id, name, target, weight) of a pathway, in that order,
    from two sets' {competency id: level}."""
    return [
        CompetencyChange(
            competency_id=competency_id,
            name=name,
            target=target,
            weight=weight,
            previous=previous.get(competency_id),
            latest=latest.get(competency_id),
        )
        for competency_id, name, target, weight in targets
    ]
