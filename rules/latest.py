"""Which figure a target is judged on: the latest of its series, as far as its figures reach.

A cumulative target's year-to-date total is the furthest a year-to-date figure or a chain of period
figures from 1 January reaches, or, for the target's own series, the sum of one breakdown's parts
when every part has a figure to the same date and that reaches further. Of two figures for the same
period, the official one counts, then the one received last (`Observation.rank`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple

from rules.observation import FigureStatus, Observation
from rules.periods import Period
from rules.required import ZERO
from rules.target import Basis, Kind, Target


class LatestFigure(NamedTuple):
    """The latest figure of a series: its value, its period, where it came from, and whether it
    is an estimate."""

    value: Decimal
    period: Period
    source: str
    estimate: bool


def latest_figure(
    target: Target, series: Sequence[Observation], known: Sequence[Observation], breakdown: str, year: int
) -> LatestFigure | None:
    """The latest figure of the series: value, period, source, whether it is an estimate."""
    best = _latest(target, series, year)
    if target.kind == Kind.CUMULATIVE and not breakdown and target.breakdowns:
        rolled = _rolled_up(target, known, year)
        if rolled and (best is None or rolled[1].end > best[1].end):
            return rolled
    return best


def _latest(target: Target, series: Sequence[Observation], year: int) -> LatestFigure | None:
    chosen: dict[str, Observation] = {}
    for observation in series:
        held = chosen.get(observation.period.label)
        if held is None or observation.rank > held.rank:
            chosen[observation.period.label] = observation
    if not chosen:
        return None
    figures = list(chosen.values())
    if target.kind == Kind.CUMULATIVE:
        return _cumulative(figures, year)
    latest = max(figures, key=lambda o: (o.period.end, -(o.period.end - o.period.start).days))
    return LatestFigure(latest.value, latest.period, latest.source, latest.status == FigureStatus.ESTIMATE)


def _cumulative(figures: Sequence[Observation], year: int) -> LatestFigure | None:
    """The year-to-date total reached the furthest: a year-to-date figure, or period figures chained
    on from 1 January (or from a year-to-date figure)."""
    start = dt.date(year, 1, 1) - dt.timedelta(days=1)
    reach: dict[dt.date, tuple[Decimal, Period | None, str, bool]] = {start: (ZERO, None, "", False)}
    for o in figures:
        if o.basis != Basis.PERIOD:
            reach[o.period.end] = (o.value, o.period, o.source, o.status == FigureStatus.ESTIMATE)
    for o in sorted((o for o in figures if o.basis == Basis.PERIOD), key=lambda o: o.period.start):
        before = reach.get(o.period.start - dt.timedelta(days=1))
        if before is not None and o.period.end not in reach:
            total = before[0] + o.value
            span = Period(dt.date(year, 1, 1), o.period.end, o.period.kind, f"{o.period.label} (lũy kế)")
            reach[o.period.end] = (total, span, o.source, before[3] or o.status == FigureStatus.ESTIMATE)
    end = max(reach)
    value, period, source, estimate = reach[end]
    return None if period is None else LatestFigure(value, period, source, estimate)


def by_breakdown(known: Sequence[Observation]) -> dict[str, list[Observation]]:
    """The observations of each breakdown part: one pass, however many parts."""
    grouped: dict[str, list[Observation]] = {}
    for observation in known:
        grouped.setdefault(observation.breakdown, []).append(observation)
    return grouped


def _rolled_up(target: Target, known: Sequence[Observation], year: int) -> LatestFigure | None:
    """The target's total from one dimension's parts, when every part has a figure to the same date."""
    best: LatestFigure | None = None
    by_part = by_breakdown(known)
    for split in target.breakdowns:
        totals = [_latest(target, by_part.get(f"{split.dimension}/{p.key}", []), year) for p in split.parts]
        present = [t for t in totals if t is not None]
        if len(present) != len(totals) or len({t[1].end for t in present}) != 1:
            continue
        value = sum((t[0] for t in present), ZERO)
        period = present[0][1]
        candidate = LatestFigure(value, period, f"sum of {split.dimension}", any(t.estimate for t in present))
        if best is None or period.end > best[1].end:
            best = candidate
    return best
