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
from typing import NamedTuple

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


class Candidate(NamedTuple):
    """One mentor as the rule sees them. A named tuple, not a dataclass: the suggestions
    make one for every mentor with room, thousands a request, and a tuple is the cheapest
    immutable value to make."""

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


# The parts of a score, in the order they are added up.
PARTS = ("gaps", "settings", "pathways", "time_zone", "formats", "load")


class _Rule:
    """The rule above for one physician's needs. What does not depend on the mentor is
    worked out once, and what depends only on a mentor's time zone or formats once per
    value, so that ranking thousands of mentors does little per mentor; `score` and
    `rank` both score through it, so they can never disagree."""

    def __init__(self, needs: MenteeNeeds) -> None:
        self.needs = needs
        self.total_gap = sum(g.weighted_gap for g in needs.gaps)
        self.gaps = tuple((g.competency_id, g.target, g.weighted_gap) for g in needs.gaps)
        self._time_zone_points: dict[float | None, float] = {}
        self._format_points: dict[frozenset[str], int] = {}

    def covered(self, candidate: Candidate) -> tuple[GapNeed, ...]:
        teaches = candidate.teaches
        return tuple(g for g in self.needs.gaps if teaches.get(g.competency_id, 0) >= g.target)

    def time_zone_points(self, utc_offset_hours: float | None) -> float:
        points = self._time_zone_points.get(utc_offset_hours)
        if points is None:
            apart = hours_apart(self.needs.utc_offset_hours, utc_offset_hours)
            points = TIME_ZONE_POINTS / 2 if apart is None else TIME_ZONE_POINTS * (1 - apart / 12)
            self._time_zone_points[utc_offset_hours] = points
        return points

    def formats(self, formats: frozenset[str]) -> frozenset[str]:
        return (self.needs.formats or formats) & formats

    def format_points(self, formats: frozenset[str]) -> int:
        points = self._format_points.get(formats)
        if points is None:
            points = self._format_points[formats] = FORMAT_POINTS if self.formats(formats) else 0
        return points

    def parts(self, candidate: Candidate) -> tuple[float, ...]:
        """The parts of the score in the order of PARTS, for one mentor."""
        needs = self.needs
        teaches = candidate.teaches
        covered_gap = 0
        for competency_id, target, weighted_gap in self.gaps:
            if teaches.get(competency_id, 0) >= target:
                covered_gap += weighted_gap
        capacity = candidate.capacity
        return (
            GAP_POINTS * covered_gap / self.total_gap if self.total_gap else 0,
            0 if needs.setting_ids.isdisjoint(candidate.setting_ids) else SETTING_POINTS,
            0 if needs.pathway_ids.isdisjoint(candidate.pathway_ids) else PATHWAY_POINTS,
            self.time_zone_points(candidate.utc_offset_hours),
            self.format_points(candidate.formats),
            LOAD_POINTS * max(0, capacity - candidate.active) / capacity if capacity else 0,
        )

    def score(self, candidate: Candidate) -> float:
        return round(sum(self.parts(candidate)), 2)

    def match(self, candidate: Candidate) -> Match:
        needs = self.needs
        parts = self.parts(candidate)
        return Match(
            mentor_id=candidate.mentor_id,
            score=round(sum(parts), 2),
            covered=self.covered(candidate),
            gap_count=len(needs.gaps),
            setting_ids=needs.setting_ids & candidate.setting_ids,
            pathway_ids=needs.pathway_ids & candidate.pathway_ids,
            hours_apart=hours_apart(needs.utc_offset_hours, candidate.utc_offset_hours),
            formats=self.formats(candidate.formats),
            free_places=candidate.free_places,
            capacity=candidate.capacity,
            parts=dict(zip(PARTS, parts, strict=True)),
        )


def score(needs: MenteeNeeds, candidate: Candidate) -> Match:
    """How well one mentor fits one physician, with the parts that make the score."""
    return _Rule(needs).match(candidate)


def rank(
    needs: MenteeNeeds,
    candidates: Iterable[Candidate],
    *,
    exclude: frozenset[int] | set[int] = frozenset(),
    limit: int | None = None,
) -> list[Match]:
    """The candidates with room who are not excluded, best first: by score, then free
    places, then id, and in the order given among the same mentor given twice. Only the
    mentors returned are made into a `Match`."""
    rule = _Rule(needs)
    keyed = (
        (-rule.score(c), c.active - c.capacity, c.mentor_id, i, c)
        for i, c in enumerate(candidates)
        if c.capacity > c.active and c.mentor_id not in exclude
    )
    best = sorted(keyed) if limit is None else heapq.nsmallest(limit, keyed)
    return [rule.match(c) for *_, c in best]


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
