"""The reporting calendar: month ends, the periods an owner reports on, and when each is due."""

from __future__ import annotations

import calendar
import datetime as dt

from rules.periods import Period
from rules.target import Frequency, Target


def month_end(day: dt.date) -> dt.date:
    """The last day of `day`'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_ends(start: dt.date, end: dt.date) -> list[dt.date]:
    """Every last day of a month between `start` and `end`, both included."""
    found = []
    day = month_end(start)
    while day <= end:
        found.append(day)
        day = month_end(day + dt.timedelta(days=1))
    return found


def reporting_periods(target: Target, year: int) -> list[Period]:
    """The periods the owner reports on, in order, up to the target's deadline."""
    every = target.reporting.every
    deadline = target.effective_deadline(year)
    if every == Frequency.MONTH:
        months = [(year, m) for m in range(1, 13)] + [(year + 1, m) for m in range(1, 13)]
        periods = [Period.month(y, m) for y, m in months]
    elif every == Frequency.QUARTER:
        periods = [Period.quarter(year, q) for q in range(1, 5)]
    elif every == Frequency.HALF_YEAR:
        periods = [Period.half(year, h) for h in (1, 2)]
    else:
        periods = [Period.year(year)]
    return [p for p in periods if p.end <= deadline]


def due_date(target: Target, period: Period) -> dt.date:
    """The day the report for `period` is due: the due day of the month after the period."""
    after = period.end + dt.timedelta(days=1)
    day = min(target.reporting.due_day, calendar.monthrange(after.year, after.month)[1])
    return after.replace(day=day)


def report_due_soon(target: Target, year: int, latest_end: dt.date | None, as_of: dt.date, days: int) -> Period | None:
    """The report falling due in the `days` after `as_of` (its due date excluded from today, since
    a report due today is already overdue by evening), if its figure has not come: the owner's
    reminder. `latest_end` is the end of the latest period a figure has come for."""
    if days <= 0:
        return None
    for period in reporting_periods(target, year):
        due = due_date(target, period)
        if due <= as_of:
            continue
        if due > as_of + dt.timedelta(days=days):
            return None
        return period if latest_end is None or latest_end < period.end else None
    return None
