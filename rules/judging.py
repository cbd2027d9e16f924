"""Judging a target at a date: is it on its way, and where is it heading?

`evaluate(target, observations, as_of, year=…)` is pure: no clock, no database. It takes the
figures known for the target, keeps those whose period has ended by `as_of`, compares the latest
with what the trajectory required at that period's end, and projects the year.

Statuses, worst first:

- ``critical``: short of the requirement beyond the ``critical`` band;
- ``behind``: short beyond the ``behind`` band;
- ``overdue``: a report that was due has not come, and there is no figure to judge;
- ``at_risk``: short, but within the ``behind`` band (or, before the deadline, a target judged only
  at year end that is not there yet);
- ``no_data``: no figure yet, and none due;
- ``on_track``: meets what is required by now (a shortfall within the ``at_risk`` band counts);
- ``achieved``: the final figure meets the target; at the deadline this is exactly the plain
  comparison with the target;
- ``missed``: the final figure does not meet the target. After the deadline nothing is "on the
  way" any more: a final figure is ``achieved`` or ``missed``.

A relative shortfall is ``critical`` (and escalates) only when it is also large in absolute terms:
at least the tolerance's ``floor`` points of the year's target (`material`).

A report that is due and missing is flagged (`overdue_period`) whatever the status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from enum import StrEnum

from rules.base import PRECISION
from rules.calendar import due_date, reporting_periods
from rules.latest import by_breakdown, latest_figure
from rules.observation import Observation
from rules.periods import Period
from rules.required import HUNDRED, ZERO, growth_required, progress, required_value, start_value, target_value
from rules.target import Comparator, Kind, Measure, Target
from rules.trajectory import Linear


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BEHIND = "behind"
    CRITICAL = "critical"
    MISSED = "missed"
    NO_DATA = "no_data"
    OVERDUE = "overdue"

    @property
    def severity(self) -> int:
        """Larger is worse; sorts a status table worst first."""
        return _SEVERITY[self]


_SEVERITY = {
    Status.ACHIEVED: 0,
    Status.ON_TRACK: 1,
    Status.NO_DATA: 2,
    Status.AT_RISK: 3,
    Status.OVERDUE: 4,
    Status.BEHIND: 5,
    Status.CRITICAL: 6,
    Status.MISSED: 7,
}
DAYS_PER_MONTH = Decimal("30.4375")


def shortfall_measure(target: Target, gap: Decimal, required: Decimal | None) -> Decimal:
    """A shortfall as the target's tolerance measures it: a percentage of the requirement
    (relative bands) or the gap itself, in the target's unit (points)."""
    if target.effective_tolerance().measure != Measure.RELATIVE:
        return gap
    if required:
        return gap / abs(required) * HUNDRED
    return ZERO if gap <= 0 else HUNDRED


@dataclass(frozen=True)
class Evaluation:
    """The verdict on one series (a target, one breakdown part, or one share) at a date."""

    target_id: str
    breakdown: str
    as_of: dt.date
    status: Status
    reason: str
    actual: Decimal | None = None
    actual_period: Period | None = None
    actual_source: str = ""
    actual_estimate: bool = False
    required: Decimal | None = None
    gap: Decimal | None = None  # shortfall in the target's unit; negative when ahead
    gap_points: Decimal | None = None  # the shortfall as percentage points of the target value
    projected: Decimal | None = None
    projected_pct: Decimal | None = None
    pace_per_month: Decimal | None = None  # needed from here on, per month, to reach the target
    overdue_period: Period | None = None  # the report that was due and has not come
    material: bool = True  # the shortfall reaches the tolerance's floor: it may be critical and escalate
    parts: tuple[Evaluation, ...] = field(default=())


def evaluate(
    target: Target, observations: Iterable[Observation], as_of: dt.date, *, year: int, breakdown: str = ""
) -> Evaluation:
    """The verdict on `target` (or its `breakdown` part) as of the end of `as_of`."""
    known = [o for o in observations if o.period.end <= as_of]
    if target.kind == Kind.SHARE and not breakdown:
        return _evaluate_shares(target, known, as_of, year)
    series = [o for o in known if o.breakdown == breakdown]
    actual = latest_figure(target, series, known, breakdown, year)
    # A report is one report: it is overdue for the target, not once more for each of its parts.
    overdue = None if breakdown else _overdue_period(target, actual[1] if actual else None, as_of, year)
    if actual is None:
        status = Status.OVERDUE if overdue else Status.NO_DATA
        reason = f"report for {overdue} not received" if overdue else "no figure yet"
        return Evaluation(target.id, breakdown, as_of, status, reason, overdue_period=overdue)
    value, period, source, estimate = actual
    return _judge(target, breakdown, as_of, year, value, period, source, estimate, overdue)


def _judge(
    target: Target,
    breakdown: str,
    as_of: dt.date,
    year: int,
    value: Decimal,
    period: Period,
    source: str,
    estimate: bool,
    overdue: Period | None,
) -> Evaluation:
    day, deadline = period.end, target.effective_deadline(year)
    final_value = target_value(target, day, breakdown)
    final = day >= deadline
    required: Decimal | None = None
    if target.kind == Kind.RANGE:
        gap: Decimal | None = _range_gap(target, value)
    else:
        required = (
            growth_required(target, period)
            if target.kind == Kind.GROWTH_RATE
            else required_value(target, year, day, breakdown)
        )
        gap = _shortfall(target.comparator, required, value) if required is not None else None
        if gap is not None and target.kind == Kind.SHARE:
            gap = abs(gap)  # a share is off whichever way it misses
    gap_points = (gap / abs(final_value) * HUNDRED) if gap is not None and final_value else None
    material = _material(target, gap_points)
    status, reason = _grade(target, gap, required, final, final_value, value, material)
    projected = _projection(target, breakdown, value, period, year)
    return Evaluation(
        target.id,
        breakdown,
        as_of,
        status,
        reason,
        actual=value,
        actual_period=period,
        actual_source=source,
        actual_estimate=estimate,
        required=required,
        gap=gap,
        gap_points=gap_points,
        projected=projected,
        projected_pct=(projected / final_value * HUNDRED) if projected is not None and final_value else None,
        pace_per_month=_pace(target, value, day, deadline, final_value),
        overdue_period=overdue,
        material=material,
    )


def _material(target: Target, gap_points: Decimal | None) -> bool:
    """Whether a shortfall is large in absolute terms: a relative band's floor, in points of the
    year's target; a shortfall measured in points is absolute already."""
    tolerance = target.effective_tolerance()
    if tolerance.measure != Measure.RELATIVE or gap_points is None:
        return True
    return gap_points >= tolerance.floor


def _shortfall(comparator: Comparator, required: Decimal, actual: Decimal) -> Decimal:
    """How far the actual falls short of the requirement (negative: ahead), in the target's unit."""
    if comparator in (Comparator.AT_MOST, Comparator.BELOW):
        return actual - required
    return required - actual


def _range_gap(target: Target, actual: Decimal) -> Decimal:
    assert target.low is not None
    assert target.high is not None
    if actual < target.low:
        return target.low - actual
    if actual > target.high:
        return actual - target.high
    return -min(actual - target.low, target.high - actual)


def _meets(comparator: Comparator, gap: Decimal) -> bool:
    """The plain comparison: a strict comparator ("trên") needs the actual beyond the requirement."""
    if comparator in (Comparator.ABOVE, Comparator.BELOW):
        return gap < 0
    return gap <= 0


def _grade(
    target: Target, gap: Decimal | None, required: Decimal | None, final: bool, final_value: Decimal | None,
    actual: Decimal, material: bool = True,
) -> tuple[Status, str]:  # fmt: skip
    tolerance = target.effective_tolerance()
    if gap is None or (not final and target.effective_trajectory().type == "year_end"):
        return _before_year_end(target, actual, final_value, gap)
    meets = gap <= tolerance.at_risk if target.kind == Kind.SHARE else _meets(target.comparator, gap)
    if final and meets:
        return Status.ACHIEVED, "the final figure meets the target"
    if final:
        return Status.MISSED, _missed(target, actual, required, final_value)
    measure = shortfall_measure(target, gap, required)
    # Within the dead band a shortfall still counts as on track; for a strict comparator a band of
    # zero leaves no room, since meeting the requirement exactly is not enough.
    in_dead_band = measure <= tolerance.at_risk and (tolerance.at_risk > 0 or not _strict(target))
    if meets or (not final and in_dead_band):
        return Status.ON_TRACK, "meets what is required by now"
    unit = "%" if tolerance.measure == Measure.RELATIVE else f" {target.unit}".replace(" %", " points")
    short = f"short by {_plain(measure)}{unit}"
    if measure <= tolerance.behind:
        return Status.AT_RISK, f"{short}, within the tolerance of {_plain(tolerance.behind)}{unit}"
    if measure <= tolerance.critical:
        return Status.BEHIND, f"{short}, beyond the tolerance of {_plain(tolerance.behind)}{unit}"
    if not material:
        floor = _plain(tolerance.floor)
        return Status.BEHIND, f"{short}, under {floor} points of the year's target: not critical yet"
    return Status.CRITICAL, f"{short}, beyond the critical band of {_plain(tolerance.critical)}{unit}"


_COMPARISON = {
    Comparator.AT_LEAST: "at least",
    Comparator.AT_MOST: "at most",
    Comparator.ABOVE: "above",
    Comparator.BELOW: "below",
}


def _missed(target: Target, actual: Decimal, required: Decimal | None, final_value: Decimal | None) -> str:
    """The plain comparison a final figure fails: "the final figure 37.8 is not at least 38"."""
    if target.kind == Kind.RANGE:
        wanted = f"between {_plain(target.low or ZERO)} and {_plain(target.high or ZERO)}"
    else:
        reference = required if required is not None else final_value
        word = "within the band of" if target.kind == Kind.SHARE else _COMPARISON.get(target.comparator, "")
        wanted = f"{word} {_plain(reference or ZERO)}".strip()
    return f"the final figure {_plain(actual)} is not {wanted}: the target is missed"


def _before_year_end(
    target: Target, actual: Decimal, final_value: Decimal | None, gap: Decimal | None
) -> tuple[Status, str]:
    """A target judged only at year end, before its deadline: at most "at risk" until then."""
    if gap is None:
        reference = final_value if final_value is not None else actual
        gap = _shortfall(target.comparator, reference, actual)
        if target.kind == Kind.SHARE:
            gap = abs(gap) - target.effective_tolerance().at_risk
    if _meets(target.comparator, gap):
        return Status.ON_TRACK, "judged at year end; the latest figure already meets the target"
    return Status.AT_RISK, "judged at year end; the latest figure does not meet the target yet"


def _strict(target: Target) -> bool:
    return target.comparator in (Comparator.ABOVE, Comparator.BELOW)


def _plain(value: Decimal) -> str:
    with localcontext(prec=PRECISION):
        return f"{value.quantize(Decimal('0.01')).normalize():f}"


def _evaluate_shares(target: Target, known: Sequence[Observation], as_of: dt.date, year: int) -> Evaluation:
    by_share = by_breakdown(known)
    parts = tuple(evaluate(target, by_share.get(p.key, []), as_of, year=year, breakdown=p.key) for p in target.parts)
    judged = [p for p in parts if p.actual is not None]
    periods = [p.actual_period for p in judged if p.actual_period]
    overdue = _overdue_period(target, max(periods, key=lambda x: x.end) if periods else None, as_of, year)
    if not judged:
        status = Status.OVERDUE if overdue else Status.NO_DATA
        return Evaluation(target.id, "", as_of, status, "no shares reported yet", overdue_period=overdue, parts=parts)
    worst = max(judged, key=lambda p: (p.status.severity, abs(p.gap or ZERO)))
    status = worst.status if len(judged) == len(parts) else max(worst.status, Status.AT_RISK, key=lambda s: s.severity)
    if status == Status.ACHIEVED and len(judged) != len(parts):
        status = Status.AT_RISK
    reason = f"{worst.breakdown}: {worst.reason}"
    return Evaluation(
        target.id,
        "",
        as_of,
        status,
        reason,
        actual=worst.actual,
        actual_period=worst.actual_period,
        actual_source=worst.actual_source,
        required=worst.required,
        gap=worst.gap,
        gap_points=worst.gap_points,
        overdue_period=overdue,
        parts=parts,
    )


def _projection(target: Target, breakdown: str, actual: Decimal, period: Period, year: int) -> Decimal | None:
    """Where the year ends at this pace, following the trajectory's own shape."""
    start, deadline = dt.date(year, 1, 1), target.effective_deadline(year)
    if target.kind == Kind.CUMULATIVE:
        trajectory = target.effective_trajectory()
        fraction = progress(trajectory, start, deadline, period.end)
        if fraction is None:  # judged at year end: assume an even pace
            fraction = progress(_LINEAR, start, deadline, period.end)
        return actual / fraction if fraction else None
    if target.kind == Kind.LEVEL:
        base = start_value(target, breakdown)
        elapsed = progress(_LINEAR, start, deadline, period.end)
        if base is None or not elapsed:
            return actual
        return base + (actual - base) / elapsed
    return actual


def _pace(target: Target, actual: Decimal, day: dt.date, deadline: dt.date, final: Decimal | None) -> Decimal | None:
    """What must be added per month from the figure's date to reach the target by the deadline."""
    if final is None or target.kind not in (Kind.CUMULATIVE, Kind.LEVEL, Kind.MILESTONE) or day >= deadline:
        return None
    remaining = max(final - actual, ZERO) if target.comparator not in (Comparator.AT_MOST, Comparator.BELOW) else None
    if remaining is None:
        return None
    if remaining == 0:
        return ZERO
    months = Decimal((deadline - day).days) / DAYS_PER_MONTH
    return remaining / months if months > 0 else None


def _overdue_period(target: Target, latest: Period | None, as_of: dt.date, year: int) -> Period | None:
    """The latest report due by `as_of` if no figure reaches its period's end, else None."""
    due = [p for p in reporting_periods(target, year) if due_date(target, p) <= as_of]
    if not due:
        return None
    expected = due[-1]
    if latest is not None and latest.end >= expected.end:
        return None
    return expected


_LINEAR = Linear.model_construct(type="linear")  # as validation makes it (see rules.target's defaults)
