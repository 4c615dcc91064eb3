"""Server-rendered SVG charts: the geometry is computed here, the template only draws it.
No JavaScript; each chart has a table beside it for screen readers."""

import math
from dataclasses import dataclass
from datetime import datetime

from .scoring import CompetencyGap

RADAR_SIZE = 360
RADAR_RADIUS = 130


@dataclass(frozen=True)
class RadarAxis:
    name: str
    x: float  # end of the spoke
    y: float
    label_x: float
    label_y: float
    anchor: str  # text-anchor for the label


@dataclass(frozen=True)
class Radar:
    size: int
    axes: list[RadarAxis]
    rings: list[str]  # polygon points of each scale level
    target: str  # polygon points
    current: str  # polygon points; unrated competencies sit at the centre
    mentor: str | None


def _point(index: int, count: int, fraction: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    centre = RADAR_SIZE / 2
    return (
        round(centre + RADAR_RADIUS * fraction * math.cos(angle), 1),
        round(centre + RADAR_RADIUS * fraction * math.sin(angle), 1),
    )


def _polygon(values: list[float], top: int) -> str:
    count = len(values)
    return " ".join(
        "{},{}".format(*_point(i, count, value / top)) for i, value in enumerate(values)
    )


def radar(gaps: list[CompetencyGap], top_level: int) -> Radar | None:
    """A radar of current against target levels, one spoke per competency."""
    if len(gaps) < 3 or top_level < 1:
        return None
    count = len(gaps)
    axes = []
    for index, item in enumerate(gaps):
        x, y = _point(index, count, 1)
        lx, ly = _point(index, count, 1.12)
        anchor = (
            "middle"
            if abs(lx - RADAR_SIZE / 2) < 8
            else ("start" if lx > RADAR_SIZE / 2 else "end")
        )
        axes.append(RadarAxis(item.name, x, y, lx, ly, anchor))
    has_mentor = any(item.mentor is not None for item in gaps)
    return Radar(
        size=RADAR_SIZE,
        axes=axes,
        rings=[_polygon([level] * count, top_level) for level in range(1, top_level + 1)],
        target=_polygon([item.target for item in gaps], top_level),
        current=_polygon([item.current or 0 for item in gaps], top_level),
        mentor=_polygon([item.mentor or 0 for item in gaps], top_level) if has_mentor else None,
    )


@dataclass(frozen=True)
class Series:
    name: str
    points: str  # polyline points
    dots: list[tuple[float, float, float]]  # x, y, value


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    plot_left: float
    plot_right: float
    series: list[Series]
    x_labels: list[tuple[float, str]]
    y_ticks: list[tuple[float, int]]


def readiness_over_time(
    history: list[tuple[datetime, dict[int, float | None]]],
    names: dict[int, str],
    *,
    width: int = 640,
    height: int = 260,
) -> LineChart | None:
    """One line per target pathway, one point per submitted self-rating set."""
    if not history:
        return None
    left, right, top, bottom = 44, 16, 16, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(history) - 1, 1)

    def x_at(i: int) -> float:
        return round(left + (step * i if len(history) > 1 else plot_w / 2), 1)

    def y_at(value: float) -> float:
        return round(top + plot_h * (1 - value / 100), 1)

    series = []
    for pathway_id, name in names.items():
        dots = [
            (x_at(i), y_at(value), value)
            for i, (_, values) in enumerate(history)
            if (value := values.get(pathway_id)) is not None
        ]
        if dots:
            series.append(Series(name, " ".join(f"{x},{y}" for x, y, _ in dots), dots))
    return LineChart(
        width=width,
        height=height,
        plot_left=left,
        plot_right=width - right,
        series=series,
        x_labels=[(x_at(i), f"{when:%d %b %Y}") for i, (when, _) in enumerate(history)],
        y_ticks=[(y_at(v), v) for v in (0, 25, 50, 75, 100)],
    )
