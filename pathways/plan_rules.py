"""The career plan's two rules, in one place: which module or opportunity to suggest
first (`rank`), and when each piece of work is due (`schedule`). Pure functions on plain
values, like the gap rules in assessments/scoring.py, so they can be tested on their own.

Ranking. A candidate is worth the weighted gap it closes per hour of effort:

    value = (Σ weighted gap of the physician's competencies it builds + 1) ÷ hours

(the + 1 so that something that closes no measured gap, a society membership, still
ranks by what it costs). The value is then multiplied for fit:

- Stage: a candidate outside the stages it suits (earliest to latest) is not ranked.
- Format: times 1.25 when it is delivered in a way the physician said they can use, times 1 when
  it is hybrid or they did not say, times 0.8 otherwise.
- Place: a job that is neither remote nor hybrid, for a physician who will not move,
  times 0.5.
- Deadline: a candidate whose deadline has passed is not ranked; one closing within
  DEADLINE_SOON_WEEKS weeks times 1.2, so it is not missed.

Ties go to the larger gap closed, then the key, so the order never depends on the input's.

Scheduling. Work is planned week by week from `start`, each week holding at most the
hours the physician gave, less what their own kept work already books in it:

- Work with a deadline is planned first, soonest deadline first, as early as it fits;
  work that cannot be finished by its deadline at this pace is returned as `late` and
  planned nowhere.
- The rest follows in the order given (the generator gives it learning first, applying
  after), each piece filling the free hours of the earliest weeks at or after its
  `not_before` week, so a piece larger than a week spreads over several.
- A piece is due at the end of the last week it is worked in.
"""

import datetime
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

FORMAT_FITS = 1.25
FORMAT_MISFITS = 0.8
STAYS_PUT = 0.5
DEADLINE_SOON = 1.2
DEADLINE_SOON_WEEKS = 8
HYBRID = "hybrid"
IN_PERSON = "in_person"


@dataclass(frozen=True)
class Candidate:
    """A module or an opportunity, as the ranking sees it."""

    key: str
    hours: int
    builds: frozenset[int]  # competency ids
    earliest_stage_rank: int
    latest_stage_rank: int
    format: str
    is_job: bool = False
    is_remote: bool = False
    deadline: datetime.date | None = None


@dataclass(frozen=True)
class Seeker:
    """The physician, as the ranking sees them."""

    stage_rank: int | None
    priorities: Mapping[int, int]  # competency id -> weighted gap
    formats: frozenset[str] = frozenset()  # delivery formats they can use; empty: any
    will_move: bool = True
    today: datetime.date = datetime.date.min


@dataclass(frozen=True)
class Ranked:
    key: str
    value: float
    closes: int  # the weighted gap it closes
    reasons: tuple[str, ...]


def rank(seeker: Seeker, candidates: Iterable[Candidate]) -> list[Ranked]:
    """The candidates worth suggesting, best first, each with the reasons of its place."""
    ranked = []
    for item in candidates:
        if seeker.stage_rank is not None and not (
            item.earliest_stage_rank <= seeker.stage_rank <= item.latest_stage_rank
        ):
            continue
        if item.deadline is not None and item.deadline < seeker.today:
            continue
        hours = max(item.hours, 1)
        closes = sum(seeker.priorities.get(c, 0) for c in item.builds)
        value = (closes + 1) / hours
        reasons = [f"closes {closes} weighted levels of your gaps in {hours} hours"]
        if closes == 0:
            reasons = [f"takes {hours} hours"]
        if seeker.formats and item.format != HYBRID:
            if item.format in seeker.formats:
                value *= FORMAT_FITS
                reasons.append(f"{_format_words(item.format)}, as you prefer")
            else:
                value *= FORMAT_MISFITS
                reasons.append(f"{_format_words(item.format)}, not your preferred format")
        if item.is_job and not seeker.will_move and not item.is_remote and item.format != HYBRID:
            value *= STAYS_PUT
            reasons.append("may mean moving, which you would rather not")
        if item.deadline is not None:
            weeks = (item.deadline - seeker.today).days / 7
            if weeks <= DEADLINE_SOON_WEEKS:
                value *= DEADLINE_SOON
                reasons.append(f"closes on {item.deadline:%-d %B %Y}")
        ranked.append(Ranked(item.key, value, closes, tuple(reasons)))
    return sorted(ranked, key=lambda r: (-r.value, -r.closes, r.key))


def _format_words(value: str) -> str:
    return {"online": "online", IN_PERSON: "in person"}.get(value, value)


@dataclass(frozen=True)
class Work:
    key: str
    hours: int
    deadline: datetime.date | None = None
    not_before: int = 0  # the first week (from 0) it may be worked in


@dataclass
class Slot:
    first_week: int
    last_week: int
    due: datetime.date


@dataclass
class Schedule:
    slots: dict[str, Slot] = field(default_factory=dict)
    late: list[str] = field(default_factory=list)  # cannot meet their deadline at this pace
    load: dict[int, int] = field(default_factory=dict)  # week -> hours of the new work
    weeks_needed: int = 0  # weeks until the last planned or booked hour, from start


def week_end(start: datetime.date, week: int) -> datetime.date:
    """The end of week `week` (from 0) of a schedule starting on `start`: the day the
    next week begins, as a due date counts."""
    return start + datetime.timedelta(weeks=week + 1)


def week_of(start: datetime.date, day: datetime.date) -> int:
    return max(0, (day - start).days // 7)


def schedule(
    work: Sequence[Work],
    *,
    hours_per_week: int,
    start: datetime.date,
    booked: Mapping[int, int] | None = None,
) -> Schedule:
    """Plan `work` within `hours_per_week` a week less the hours `booked` by week."""
    budget = max(hours_per_week, 1)
    used: dict[int, int] = defaultdict(int, booked or {})
    result = Schedule()

    def free(week: int) -> int:
        return max(0, budget - used[week])

    def place(item: Work, *, by_week: int | None) -> Slot | None:
        remaining, week, first = max(item.hours, 1), max(item.not_before, 0), None
        taken: dict[int, int] = {}
        while remaining:
            if by_week is not None and week > by_week:
                return None
            hours = min(free(week) - taken.get(week, 0), remaining)
            if hours > 0:
                taken[week] = taken.get(week, 0) + hours
                remaining -= hours
                first = week if first is None else first
            if remaining:
                week += 1
        for week_number, hours in taken.items():
            used[week_number] += hours
            result.load[week_number] = result.load.get(week_number, 0) + hours
        return Slot(week if first is None else first, week, week_end(start, week))

    dated = sorted((w for w in work if w.deadline is not None), key=lambda w: (w.deadline, w.key))
    for item in dated:
        deadline = item.deadline or start
        last_week = (deadline - start).days // 7
        slot = place(item, by_week=last_week) if last_week >= 0 else None
        if slot is None:
            result.late.append(item.key)
        else:
            slot.due = min(slot.due, deadline)
            result.slots[item.key] = slot
    for item in work:
        if item.deadline is None:
            result.slots[item.key] = place(item, by_week=None) or Slot(0, 0, start)
    busy = [week for week, hours in used.items() if hours > 0]
    result.weeks_needed = max(busy, default=-1) + 1
    return result


def booked_hours(
    pieces: Iterable[tuple[int, datetime.date]], *, hours_per_week: int, start: datetime.date
) -> dict[int, int]:
    """The weeks that work the physician keeps (hours, due date) occupies: each piece is
    booked backwards from the week it is due, a week's budget at a time, and what does
    not fit before `start` lands in the first week."""
    budget = max(hours_per_week, 1)
    used: dict[int, int] = defaultdict(int)
    for hours, due in sorted(pieces, key=lambda piece: piece[1]):
        remaining, week = max(hours, 1), week_of(start, due)
        while remaining and week >= 0:
            take = min(max(0, budget - used[week]), remaining)
            used[week] += take
            remaining -= take
            week -= 1
        used[0] += remaining
    return dict(used)


def weeks_between(start: datetime.date, end: datetime.date) -> int:
    return max(0, math.ceil((end - start).days / 7))
