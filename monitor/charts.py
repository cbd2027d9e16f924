"""The data of a series' chart: its figures over time and the trajectory required. The same data
serves every chart of the project, in the emails and elsewhere."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from notifiers import ChartData
from rules import Kind, Observation, Target, evaluate, month_end, month_ends, required_value, target_value


def chart_data(target: Target, breakdown: str, known: list[Observation], as_of: dt.date, year: int) -> ChartData:
    """The series' figures up to `as_of`, a point a month, and the trajectory required at each
    month end up to the deadline."""
    series = [o for o in known if o.breakdown == breakdown or (not breakdown and target.kind == Kind.CUMULATIVE)]
    actual: dict[dt.date, Decimal] = {}
    # The latest date reported in each month: the chart's scale. Daily figures from many
    # investors would otherwise mean one evaluation of the whole series per day.
    last_in_month: dict[tuple[int, int], dt.date] = {}
    for observation in series:
        end = observation.period.end
        if end <= as_of and end > last_in_month.get((end.year, end.month), dt.date.min):
            last_in_month[end.year, end.month] = end
    for end in sorted(last_in_month.values()):
        verdict = evaluate(target, series, end, year=year, breakdown=breakdown)
        if verdict.actual is not None and verdict.actual_period is not None:
            actual[verdict.actual_period.end] = verdict.actual
    required: list[tuple[dt.date, Decimal]] = []
    start = month_end(dt.date(year - 1, 12, 1))  # the trajectory's start: 31 December before the year
    deadline = target.effective_deadline(year)
    days = month_ends(start, deadline)
    if days[-1] != deadline:
        days.append(deadline)  # a deadline within a month ends the line, at the target
    for day in days:
        value = required_value(target, year, day, breakdown)
        if value is not None:
            required.append((day, value))
    return ChartData(
        tuple(sorted(actual.items())), tuple(required), target.unit,
        target=target_value(target, as_of, breakdown), as_of=as_of, deadline=deadline,
    )  # fmt: skip
