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
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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
