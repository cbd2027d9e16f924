"""Reporting periods as Vietnamese reports name them: month, quarter, 6 and 9 months, year, a date.

Written forms: ``2022`` (year), ``2022-Q1`` … ``2022-Q4``, ``2022-H1`` / ``2022-H2`` (halves),
``2022-9M`` (the first nine months), ``2022-06`` (a month), ``2022-07-31`` (as of a date).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

FORMS = "2022, 2022-Q1..Q4, 2022-H1/H2, 2022-9M, 2022-06 or 2022-07-31"
QUOTED = 40  # characters of a text that is no period shown in the message


class PeriodKind(StrEnum):
    YEAR = "year"
    HALF = "half"
    NINE_MONTHS = "nine_months"
    QUARTER = "quarter"
    MONTH = "month"
    DATE = "date"


@dataclass(frozen=True, order=True)
class Period:
    """A span of the calendar, from `start` to `end` inclusive; a date period has start == end."""

    start: dt.date
    end: dt.date
    kind: PeriodKind
    label: str

    @classmethod
    def parse(cls, text: str) -> Period:
        """The period written `text`; `ValueError` naming the accepted forms otherwise."""
        written = text.strip().upper()
        for pattern, build in _FORMS:
            match = pattern.fullmatch(written)
            if match:
                try:
                    return build(*(int(g) for g in match.groups()))
                except ValueError:
                    break  # e.g. month 13, 31 February
        shown = text if len(text) <= QUOTED else f"{text[:QUOTED]}…"
        raise ValueError(f"'{shown}' is not a period; expected {FORMS}")

    @classmethod
    def of_date(cls, day: dt.date) -> Period:
        return cls(day, day, PeriodKind.DATE, day.isoformat())

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(_first(year, month), _last(year, month), PeriodKind.MONTH, f"{year}-{month:02d}")

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise ValueError(quarter)
        return cls(_first(year, 3 * quarter - 2), _last(year, 3 * quarter), PeriodKind.QUARTER, f"{year}-Q{quarter}")

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        if half not in (1, 2):
            raise ValueError(half)
        return cls(_first(year, 6 * half - 5), _last(year, 6 * half), PeriodKind.HALF, f"{year}-H{half}")

    @classmethod
    def nine_months(cls, year: int) -> Period:
        return cls(_first(year, 1), _last(year, 9), PeriodKind.NINE_MONTHS, f"{year}-9M")

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(_first(year, 1), _last(year, 12), PeriodKind.YEAR, f"{year}")

    def __str__(self) -> str:
        return self.label


def _first(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def _last(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


_FORMS: list[tuple[re.Pattern[str], Callable[..., Period]]] = [
    (re.compile(r"(\d{4})"), Period.year),
    (re.compile(r"(\d{4})-Q(\d)"), Period.quarter),
    (re.compile(r"(\d{4})-H(\d)"), Period.half),
    (re.compile(r"(\d{4})-9M"), Period.nine_months),
    (re.compile(r"(\d{4})-(\d{2})"), Period.month),
    (re.compile(r"(\d{4})-(\d{2})-(\d{2})"), lambda y, m, d: Period.of_date(dt.date(y, m, d))),
]
