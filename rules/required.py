"""What a target requires at a date: the trajectory's share of the way, and the value it implies.

`progress` is the fraction (0 to 1) of the way from the start value to the target that the
trajectory asks for by the end of a day; `required_value` turns it into the figure required of a
target (or of one breakdown part) at that date, using the target value in force then.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from rules.periods import Period, PeriodKind
from rules.target import Kind, Revision, Target
from rules.trajectory import CumulativePeriod, EachPeriod, Linear, Milestones, MonthlyProfile, Trajectory, YearEnd

ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)


def progress(trajectory: Trajectory, start: dt.date, deadline: dt.date, day: dt.date) -> Decimal | None:
    """The fraction of the way required by the end of `day`; None where nothing is asked yet."""
    if day < start:
        return ZERO
    if day >= deadline:
        return ONE
    if isinstance(trajectory, Linear | EachPeriod):
        return _days_fraction(start, deadline, day)
    if isinstance(trajectory, Milestones):
        return _between_milestones(trajectory, start, day)
    if isinstance(trajectory, MonthlyProfile):
        return _monthly(trajectory, start, day)
    assert isinstance(trajectory, YearEnd)
    return None


def _days_fraction(start: dt.date, end: dt.date, day: dt.date) -> Decimal:
    """Share of the days from `start` to `end` (inclusive) that have passed by the end of `day`."""
    total = (end - start).days + 1
    return min(ONE, Decimal((day - start).days + 1) / Decimal(total))


def _between_milestones(trajectory: Milestones, start: dt.date, day: dt.date) -> Decimal:
    previous_date, previous_share = start - dt.timedelta(days=1), ZERO
    for point in trajectory.points:
        share = point.share / HUNDRED
        if day <= point.date:
            span = Decimal((point.date - previous_date).days)
            return previous_share + (share - previous_share) * Decimal((day - previous_date).days) / span
        previous_date, previous_share = point.date, share
    return previous_share


def _monthly(trajectory: MonthlyProfile, start: dt.date, day: dt.date) -> Decimal:
    if day.year != start.year:
        return ONE
    before = sum(trajectory.shares[: day.month - 1], ZERO)
    month_days = calendar.monthrange(day.year, day.month)[1]
    within = trajectory.shares[day.month - 1] * Decimal(day.day) / Decimal(month_days)
    return min(ONE, (before + within) / HUNDRED)


def value_in_force(value: Decimal | None, revisions: tuple[Revision, ...], day: dt.date) -> Decimal | None:
    """The target value in force on `day`: the latest revision effective by then, or the original."""
    for revision in reversed(revisions):
        if revision.effective <= day:
            return revision.value
    return value


def target_value(target: Target, day: dt.date, breakdown: str = "") -> Decimal | None:
    """The value of the target (or of its breakdown part or share) in force on `day`."""
    if not breakdown:
        return value_in_force(target.value, target.revisions, day)
    for share in target.parts:
        if share.key == breakdown:
            return share.value
    found = target.part(breakdown)
    return value_in_force(found[1].value, found[1].revisions, day) if found else None


def start_value(target: Target, breakdown: str = "") -> Decimal | None:
    """Where the trajectory starts: zero for a flow, the baseline for a level, None if unknown."""
    if target.kind == Kind.CUMULATIVE:
        return ZERO
    if breakdown and target.parts:
        return next((p.baseline for p in target.parts if p.key == breakdown), None)
    return target.baseline.value if target.baseline and not breakdown else None


def required_value(target: Target, year: int, day: dt.date, breakdown: str = "") -> Decimal | None:
    """The figure required of the target (or part) by the end of `day`; None if none is asked yet."""
    final = target_value(target, day, breakdown)
    if final is None:
        return None
    start, deadline = dt.date(year, 1, 1), target.effective_deadline(year)
    fraction = progress(target.effective_trajectory(), start, deadline, day)
    if fraction is None:
        return None
    if target.kind == Kind.GROWTH_RATE:
        return final
    base = start_value(target, breakdown)
    if base is None:  # a level with no baseline: the target itself is what is asked
        return final
    return base + (final - base) * fraction


def growth_required(target: Target, period: Period) -> Decimal | None:
    """The growth rate required for a cumulative period: the plan's scenario, else the target."""
    trajectory = target.effective_trajectory()
    if isinstance(trajectory, EachPeriod) and trajectory.scenario:
        key = _cumulative_period(period)
        if key in trajectory.scenario:
            return trajectory.scenario[key]
    return target.value


def _cumulative_period(period: Period) -> CumulativePeriod | None:
    if period.kind == PeriodKind.DATE:
        return None
    return {
        3: CumulativePeriod.Q1,
        6: CumulativePeriod.H1,
        9: CumulativePeriod.NINE_MONTHS,
        12: CumulativePeriod.YEAR,
    }.get(period.end.month)
