"""Reporting periods as Vietnamese reports name them: month, quarter, 6 and 9 months, year, a date.

Written forms: ``2022`` (year), ``2022-Q1`` … ``2022-Q4``, ``2022-H1`` / ``2022-H2`` (halves),
``2022-9M`` (the first nine months), ``2022-06`` (a month), ``2022-07-31`` (as of a date); and
as officials write them: ``Tháng 7/2022``, ``Quý I/2022``,
``6 tháng đầu năm 2022``, ``9 tháng``, ``cả năm``…
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
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
    def parse(cls, text: str, year: int | None = None) -> Period:
        """The period written `text`; `ValueError` naming the accepted forms otherwise.

        `year` is the plan's: the year of an official form that names none ("6 tháng", "cả năm").
        """
        written = text.strip().upper()
        for pattern, build in _FORMS:
            match = pattern.fullmatch(written)
            if match:
                try:
                    return build(*(int(g) for g in match.groups()))
                except ValueError:
                    break  # e.g. month 13, 31 February
        else:
            found = _official(text, year)
            if found is not None:
                return found
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


# The forms officials write, after `_spoken` (lower case, NFC, single spaces): "tháng 7/2022",
# "tháng 07 năm 2022", "quý i/2022", "quý 2 năm 2022", "6 tháng đầu năm 2022", "9 tháng",
# "năm 2022", "cả năm", "đến ngày 31/07/2022" (what `notifiers.formatting.period` writes, too).
# The year may be left out, for the plan's own.
_YEAR = r"(?:\s*(?:/|-|năm)\s*(\d{4}))?"
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_OFFICIAL: list[tuple[re.Pattern[str], Callable[[str, int], Period]]] = [
    (re.compile(rf"tháng (\d{{1,2}}){_YEAR}"), lambda m, y: Period.month(y, int(m))),
    (re.compile(rf"quý (i|ii|iii|iv|[1-4]){_YEAR}"), lambda q, y: Period.quarter(y, _ROMAN.get(q) or int(q))),
    (re.compile(rf"6 tháng(?: đầu)?{_YEAR}"), lambda _, y: Period.half(y, 1)),
    (re.compile(rf"6 tháng cuối{_YEAR}"), lambda _, y: Period.half(y, 2)),
    (re.compile(rf"9 tháng(?: đầu)?{_YEAR}"), lambda _, y: Period.nine_months(y)),
    (re.compile(r"(?:cả )?năm(?:\s+(\d{4}))?"), lambda _, y: Period.year(y)),
]
_ON_DATE = re.compile(r"(?:(?:đến |tính đến )?ngày )?(\d{1,2})/(\d{1,2})/(\d{4})")


def _spoken(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def _official(text: str, plan_year: int | None) -> Period | None:
    """The period an official form names, or None for no such form (or no year to place it in)."""
    written = _spoken(text)
    day = _ON_DATE.fullmatch(written)
    if day:
        try:
            return Period.of_date(dt.date(int(day[3]), int(day[2]), int(day[1])))
        except ValueError:
            return None
    for pattern, build in _OFFICIAL:
        match = pattern.fullmatch(written)
        if match is None:
            continue
        groups = match.groups()
        written_year = groups[-1]
        year = int(written_year) if written_year else plan_year
        if year is None:
            return None
        try:
            return build(groups[0] if len(groups) > 1 else "", year)
        except ValueError:
            return None  # month 13, quarter 5
    return None
