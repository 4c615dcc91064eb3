"""The mentor matching rule, in one place: pure functions on plain values, deterministic,
so the ranking can be tested and benchmarked without a database.

A mentor scores up to 100 points for one physician:

- Gaps (up to 60): the share of the physician's top weighted gaps (for the target
  pathway) that the mentor can teach up to the pathway's target level, each gap counted
  by its weighted size. A mentor who teaches the largest gap beats one who teaches a
  small one.
- Settings (10): the mentor knows the setting of one of the physician's target pathways.
- Pathways (10): the mentor knows one of the physician's target pathways.
- Time zones (up to 10): 10 in the same time zone, one point less per 1.2 hours apart,
  0 at 12 hours apart. Half marks when either time zone is unknown.
- Formats (5): the mentor offers a way of meeting the physician can use (any, when the
  physician has not said).
- Load (up to 5): the share of the mentor's places still free, so the less loaded
  mentor comes first among equals.

Mentors at capacity, and those the caller excludes (already asked, or declined within
the cool-off), are not ranked. Ties go to the mentor with more free places, then the
lower id, so the order never depends on the order of the input.
"""

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .models.mentorships import DECLINE_COOL_OFF
from .models.profiles import MeetingFormat

GAP_POINTS = 60
SETTING_POINTS = 10
PATHWAY_POINTS = 10
TIME_ZONE_POINTS = 10
FORMAT_POINTS = 5
LOAD_POINTS = 5

RULES_IN_WORDS = (
    "Most of a mentor's score (60 of 100 points) is how much of your largest gaps for "
    "your target pathway they can teach, each gap counted by its weighted size.",
    "Knowing the setting of your target pathway and knowing the pathway itself add 10 points each.",
    "Being close to your time zone adds up to 10 points, a way of meeting you can use 5, "
    "and having places free up to 5.",
    "Mentors with no free places, mentors you have already asked, and mentors who declined "
    f"or did not answer you in the last {DECLINE_COOL_OFF.days} days are not suggested.",
)


@dataclass(frozen=True)
class GapNeed:
    """One of the physician's top gaps: the level the pathway asks for, the weighted gap."""

    competency_id: int
    name: str
    target: int
    weighted_gap: int


@dataclass(frozen=True)
class MenteeNeeds:
    gaps: tuple[GapNeed, ...]
    setting_ids: frozenset[int] = frozenset()
    pathway_ids: frozenset[int] = frozenset()
    utc_offset_hours: float | None = None
    formats: frozenset[str] = frozenset()  # empty: the physician has not said


@dataclass(frozen=True)
class Candidate:
    mentor_id: int
    teaches: Mapping[int, int]  # competency id -> the level the mentor teaches up to
    setting_ids: frozenset[int]
    pathway_ids: frozenset[int]
    utc_offset_hours: float | None
    formats: frozenset[str]
    active: int
    capacity: int

    @property
    def free_places(self) -> int:
        return max(0, self.capacity - self.active)


@dataclass(frozen=True)
class Match:
    mentor_id: int
    score: float
    covered: tuple[GapNeed, ...]
    gap_count: int
    setting_ids: frozenset[int]
    pathway_ids: frozenset[int]
    hours_apart: float | None
    formats: frozenset[str]
    free_places: int
    capacity: int
    parts: dict[str, float] = field(default_factory=dict, compare=False)


def hours_apart(a: float | None, b: float | None) -> float | None:
    """Hours between two UTC offsets, the short way round the clock."""
    if a is None or b is None:
        return None
    difference = abs(a - b) % 24
    return min(difference, 24 - difference)


def score(needs: MenteeNeeds, candidate: Candidate) -> Match:
    """How well one mentor fits one physician, with the parts that make the score."""
    total_gap = sum(g.weighted_gap for g in needs.gaps)
    covered = tuple(g for g in needs.gaps if candidate.teaches.get(g.competency_id, 0) >= g.target)
    settings = needs.setting_ids & candidate.setting_ids
    pathways = needs.pathway_ids & candidate.pathway_ids
    apart = hours_apart(needs.utc_offset_hours, candidate.utc_offset_hours)
    formats = (needs.formats or candidate.formats) & candidate.formats
    parts = {
        "gaps": GAP_POINTS * sum(g.weighted_gap for g in covered) / total_gap if total_gap else 0,
        "settings": SETTING_POINTS if settings else 0,
        "pathways": PATHWAY_POINTS if pathways else 0,
        "time_zone": TIME_ZONE_POINTS / 2 if apart is None else TIME_ZONE_POINTS * (1 - apart / 12),
        "formats": FORMAT_POINTS if formats else 0,
        "load": LOAD_POINTS * candidate.free_places / candidate.capacity
        if candidate.capacity
        else 0,
    }
    return Match(
        mentor_id=candidate.mentor_id,
        score=round(sum(parts.values()), 2),
        covered=covered,
        gap_count=len(needs.gaps),
        setting_ids=settings,
        pathway_ids=pathways,
        hours_apart=apart,
        formats=formats,
        free_places=candidate.free_places,
        capacity=candidate.capacity,
        parts=parts,
    )


def rank(
    needs: MenteeNeeds,
    candidates: Iterable[Candidate],
    *,
    exclude: frozenset[int] | set[int] = frozenset(),
    limit: int | None = None,
) -> list[Match]:
    """The candidates with room who are not excluded, best first."""
    matches = (
        score(needs, c) for c in candidates if c.free_places > 0 and c.mentor_id not in exclude
    )

    def order(m: Match) -> tuple:
        return (-m.score, -m.free_places, m.mentor_id)

    if limit is None:
        return sorted(matches, key=order)
    return heapq.nsmallest(limit, matches, key=order)


def _listing(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def _hours(hours: float) -> str:
    if hours == 0:
        return "in your time zone"
    whole = int(hours) if float(hours).is_integer() else hours
    return f"{whole} hour{'s' if whole != 1 else ''} apart"


def explain(
    match: Match,
    *,
    setting_names: Mapping[int, str],
    pathway_names: Mapping[int, str],
) -> list[str]:
    """The reasons for a suggestion in plain words, strongest first."""
    reasons = []
    if match.covered:
        names = [g.name.lower() if g.name[1:].islower() else g.name for g in match.covered]
        if match.gap_count == 1:
            reasons.append(f"covers your top gap: {names[0]}")
        else:
            reasons.append(
                f"covers {len(match.covered)} of your top {match.gap_count} gaps: {_listing(names)}"
            )
    elif match.gap_count:
        reasons.append(
            "does not teach your top gap"
            if match.gap_count == 1
            else "teaches none of your top gaps"
        )
    if match.setting_ids:
        reasons.append(f"knows {_listing(sorted(setting_names[i] for i in match.setting_ids))}")
    if match.pathway_ids:
        titles = sorted(pathway_names[i] for i in match.pathway_ids)
        reasons.append(f"knows the pathway{'s' if len(titles) > 1 else ''} {_listing(titles)}")
    if match.hours_apart is not None:
        reasons.append(_hours(match.hours_apart))
    if match.formats:
        words = [f.label for f in MeetingFormat if f.value in match.formats]
        reasons.append(f"meets by {_listing(words)}")
    reasons.append(
        f"{match.free_places} of {match.capacity} place{'s' if match.capacity != 1 else ''} free"
    )
    return reasons
