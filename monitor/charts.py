"""The data of a series' chart: its figures over time and the trajectory required. The same data
serves every chart of the project, in the emails and elsewhere."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from notifiers import ChartData, TrajectoryChart
from rules import (
    Kind,
    Milestones,
    Observation,
    Target,
    evaluate,
    month_end,
    month_ends,
    required_value,
    target_value,
)


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


def trajectory_chart(target: Target, known: list[Observation], as_of: dt.date, year: int) -> TrajectoryChart:
    """A target's page chart: the emails' chart data for the target and for each of its parts
    (breakdown parts and shares), the projection from its latest figure to the deadline, the
    milestones' required values, and the year's target."""
    deadline = target.effective_deadline(year)
    verdict = evaluate(target, known, as_of, year=year)
    projection: tuple[tuple[dt.date, Decimal], ...] = ()
    if verdict.actual is not None and verdict.actual_period is not None and verdict.projected is not None:
        projection = ((verdict.actual_period.end, verdict.actual), (deadline, verdict.projected))
    milestones: list[tuple[dt.date, Decimal]] = []
    trajectory = target.effective_trajectory()
    if isinstance(trajectory, Milestones):
        for point in trajectory.points:
            value = required_value(target, year, point.date)
            if value is not None:
                milestones.append((point.date, value))
    parts: list[tuple[str, ChartData]] = [(share.name, chart_data(target, share.key, known, as_of, year))
                                          for share in target.parts]  # fmt: skip
    reported = {o.breakdown for o in known}
    for key in target.part_keys():
        found = target.part(key)
        if found is not None and (found[1].value is not None or key in reported):
            parts.append((found[1].name, chart_data(target, key, known, as_of, year)))
    return TrajectoryChart(
        main=chart_data(target, "", known, as_of, year),
        target=target_value(target, as_of),
        deadline=deadline,
        projection=projection,
        milestones=tuple(milestones),
        parts=tuple(parts),
    )
