"""The benchmark's figures and their table: pure functions, no Django, no timing."""

import math
from dataclasses import dataclass

BARE = "bare `HttpResponse` through the middleware"
FORTUNES = "one query through a small template (fortunes)"


@dataclass(frozen=True)
class PageResult:
    page: str
    requests: int  # answered in the measured period
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    bytes_per_request: float  # as transferred, headers included
    queries: int | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def ratio(value: float, reference: float | None) -> str:
    """`value` as a multiple of `reference`, with enough digits to tell 0.017x from
    0.02x; an empty cell when there is no reference to compare with."""
    if not reference:
        return ""
    share = value / reference
    if share >= 10:
        return f"{share:.0f}x"
    if share >= 0.1:
        return f"{share:.2f}x"
    return f"{share:.3f}x"


def _ms(value: float) -> str:
    return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _bytes(value: float) -> str:
    return f"{value / 1024:.1f} KB" if value >= 1024 else f"{value:.0f} B"


def table(results: list[PageResult]) -> str:
    """The markdown table of the run: one row a page, its rate also as a ratio of the
    bare and of the one-query reference pages when they are among the results."""
    by_page = {r.page: r for r in results}
    bare = by_page[BARE].rps if BARE in by_page else None
    fortunes = by_page[FORTUNES].rps if FORTUNES in by_page else None
    lines = [
        "| page | requests/s | p50 | p95 | p99 | errors | queries | bytes/request "
        "| vs bare | vs fortunes |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        errors = f"{r.non_2xx} non-2xx" if r.non_2xx else "0"
        if r.socket_errors:
            errors += f", {r.socket_errors} socket"
        queries = "" if r.queries is None else str(r.queries)
        if not r.requests:
            # Nothing answered within the period (a cold server and a short --duration).
            lines.append(
                f"| {r.page} | 0 | - | - | - | none in time, {errors} | {queries} | - | | |"
            )
            continue
        lines.append(
            f"| {r.page} | {r.rps:,.0f} | {_ms(r.p50_ms)} | {_ms(r.p95_ms)} | {_ms(r.p99_ms)} "
            f"| {errors} | {queries} | {_bytes(r.bytes_per_request)} "
            f"| {ratio(r.rps, bare)} | {ratio(r.rps, fortunes)} |"
        )
    return "\n".join(lines)


def percentile(sorted_values: list[float], share: float) -> float:
    """The value below which `share` (0 to 1) of the sorted values lie (nearest rank)."""
    if not sorted_values:
        return 0.0
    rank = max(1, math.ceil(share * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]
