"""The change per competency since the previous self-rating set, for the results page and
the career plan's page (which sits above the assessments and reads them).

`{% competency_changes_section changes is_own=True %}`: the results page's section, from
`Results.changes`, at no query. `{% plan_competency_changes %}`: the plan page's section,
for the `plan` in the template's context, read in one query whatever its size; each row
links the plan's goals on that competency. Both draw the table and the chart of
templates/assessments/_competency_changes.html, whose geometry is `change_chart` here."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any, Protocol

from django import template

from cmo_portal.accounts.models import User
from pathways.models.curriculum import Pathway

from ..scoring import ChangeKind, CompetencyChange, GapChange
from ..selectors import CompetencyChanges, competency_changes_for_viewer

register = template.Library()

# The chart: one row per competency, its name above a track of the rubric's levels.
CHART_WIDTH = 360
CHART_SIDE = 14  # room either side of the track for a dot at the first or top level
CHART_TOP = 26  # the level numbers above the first row
CHART_ROW = 46
# Longer names are shortened on the chart (the table has them whole), more so beside a note.
CHART_NAME_CHARS = 36
CHART_NAME_CHARS_BESIDE_NOTE = 29

# What the chart says on a row's right, where the dots alone do not tell it.
CHART_NOTES = {
    GapChange.CLOSED: "closed the gap",
    GapChange.REOPENED: "below target again",
}
CHART_KIND_NOTES = {ChangeKind.NEW: "newly rated", ChangeKind.DROPPED: "not rated again"}


@dataclass(frozen=True)
class ChartRow:
    name: str  # shortened to CHART_NAME_CHARS
    summary: str  # the row in words, for the row's tooltip
    note: str  # "closed the gap", "newly rated", ... or ""
    kind: str  # ChangeKind, for the connector's colour
    label_y: float
    track_y: float
    previous_x: float | None
    latest_x: float | None
    target_x: float

    @property
    def target_bar_x(self) -> float:
        return round(self.target_x - 2, 1)


@dataclass(frozen=True)
class ChangeChart:
    width: int
    height: int
    track_left: float
    track_right: float
    grid_top: float
    note_x: float  # where the notes on the right end
    ticks: list[tuple[float, int]]  # x of each level of the scale, and the level
    rows: list[ChartRow]


def _shortened(name: str, limit: int) -> str:
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def row_summary(row: CompetencyChange) -> str:
    """A row of the chart in words: "Finance: level 2, then level 3; target 3; up 1
    level; closed the gap"."""
    before = "not rated" if row.previous is None else f"level {row.previous}"
    after = "not rated" if row.latest is None else f"level {row.latest}"
    words = f"{row.name}: {before}, then {after}; target {row.target}; {row.in_words}"
    note = CHART_NOTES.get(row.gap_change)
    return f"{words}; {note}" if note else words


def change_chart(rows: list[CompetencyChange], top_level: int) -> ChangeChart | None:
    """A dumbbell chart: for each competency rated in either set, the previous level (a
    ring), the latest (a dot), a line from one to the other, and the pathway's target (a
    bar), on a track of the rubric's levels 1 to `top_level`. None when nothing is rated."""
    rated = [row for row in rows if row.kind != ChangeKind.UNRATED]
    if not rated or top_level < 2:
        return None
    left, right = CHART_SIDE, CHART_WIDTH - CHART_SIDE
    step = (right - left) / (top_level - 1)

    def x_at(level: int | None) -> float | None:
        if level is None:
            return None
        return round(left + step * (min(max(level, 1), top_level) - 1), 1)

    chart_rows = []
    for index, row in enumerate(rated):
        top = CHART_TOP + CHART_ROW * index
        note = CHART_NOTES.get(row.gap_change) or CHART_KIND_NOTES.get(row.kind, "")
        chart_rows.append(
            ChartRow(
                name=_shortened(
                    row.name, CHART_NAME_CHARS_BESIDE_NOTE if note else CHART_NAME_CHARS
                ),
                summary=row_summary(row),
                note=note,
                kind=row.kind.value,
                label_y=top + 14,
                track_y=top + 32,
                previous_x=x_at(row.previous),
                latest_x=x_at(row.latest),
                target_x=x_at(row.target) or left,
            )
        )
    return ChangeChart(
        width=CHART_WIDTH,
        height=CHART_TOP + CHART_ROW * len(rated) + 4,
        track_left=left,
        track_right=right,
        grid_top=CHART_TOP - 6,
        note_x=CHART_WIDTH - 2,
        ticks=[(x_at(level) or left, level) for level in range(1, top_level + 1)],
        rows=chart_rows,
    )


SUMMARY_WORDS = (
    (ChangeKind.UP, "up"),
    (ChangeKind.DOWN, "down"),
    (ChangeKind.SAME, "unchanged"),
    (ChangeKind.NEW, "newly rated"),
    (ChangeKind.DROPPED, "not rated again"),
)


def change_summary(rows: list[CompetencyChange]) -> str:
    """The change in a sentence: "3 competencies compared: 2 up, 1 unchanged. 1 gap
    closed." ("" when nothing was rated in either set)."""
    counts: Counter[ChangeKind] = Counter(
        row.kind for row in rows if row.kind != ChangeKind.UNRATED
    )
    total = sum(counts.values())
    if not total:
        return ""
    parts = ", ".join(f"{counts[kind]} {word}" for kind, word in SUMMARY_WORDS if counts[kind])
    sentence = f"{total} competenc{'y' if total == 1 else 'ies'} compared: {parts}."
    for change, word in ((GapChange.CLOSED, "closed"), (GapChange.REOPENED, "reopened")):
        count = sum(row.gap_change == change for row in rows)
        if count:
            sentence += f" {count} gap{'' if count == 1 else 's'} {word}."
    return sentence


def _section(
    changes: CompetencyChanges | None,
    *,
    is_own: bool,
    prefix: str,
    goals: dict[int, list[Any]] | None = None,
) -> dict:
    compared = changes.compared if changes else []
    return {
        "changes": changes,
        "rows": [(row, (goals or {}).get(row.competency_id, [])) for row in compared],
        "summary": change_summary(compared),
        "unrated": len(changes.rows) - len(compared) if changes else 0,
        "show_goals": goals is not None,
        "chart": change_chart(compared, changes.top_level) if changes else None,
        "is_own": is_own,
        "prefix": prefix,
    }


@register.inclusion_tag("assessments/_competency_changes_section.html")
def competency_changes_section(
    changes: CompetencyChanges | None, is_own: bool = True, prefix: str = "changes"
) -> dict:
    """The results page's section, from results.changes: nothing when there is no
    self-rating set, a line saying what comes after one, the table and chart after two."""
    return _section(changes, is_own=is_own, prefix=prefix)


class _Plan(Protocol):
    owner: User
    pathway: Pathway
    goals: Any  # the plan's goals, prefetched by the plan page (pathways.selectors.plan)


@register.inclusion_tag("assessments/_competency_changes_section.html", takes_context=True)
def plan_competency_changes(context: template.Context, plan: _Plan | None = None) -> dict:
    """The plan page's section: the change per competency of the plan's pathway since
    the owner's previous self-rating, each row with the plan's goals on it. Shown to
    whoever may see the owner's results (the owner, an active mentor, support)."""
    plan = plan or context["plan"]
    viewer = context["request"].user
    changes = competency_changes_for_viewer(viewer=viewer, subject=plan.owner, pathway=plan.pathway)
    goals: dict[int, list[Any]] = defaultdict(list)
    for goal in plan.goals.all():
        if goal.competency_id is not None:
            goals[goal.competency_id].append(goal)
    return _section(
        changes if changes and changes.latest else None,
        is_own=plan.owner.pk == viewer.pk,
        prefix="plan-changes",
        goals=dict(goals),
    )
