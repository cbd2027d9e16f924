"""Checking one data row against the plan: target, breakdown, period, value, unit, basis, status.

A row that passes becomes a `Staged` tuple in the target's own unit; a row that fails yields one
`RowError` per bad cell, each naming the row, the column, the value and what was expected.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from monitor.ingest.numbers import read_figure
from monitor.ingest.readers import Row
from rules import Basis, Kind, Plan, Target
from rules.periods import Period, PeriodKind
from rules.units import Unit, find_unit

BASES: dict[str, str] = {
    "year_to_date": Basis.YEAR_TO_DATE,
    "ytd": Basis.YEAR_TO_DATE,
    "lũy kế": Basis.YEAR_TO_DATE,
    "luỹ kế": Basis.YEAR_TO_DATE,
    "period": Basis.PERIOD,
    "trong kỳ": Basis.PERIOD,
    "level": Basis.LEVEL,
    "thời điểm": Basis.LEVEL,
}
STATUSES = {"official": "official", "chính thức": "official", "estimate": "estimate", "ước": "estimate"}
PLAUSIBLE_MULTIPLE = 10  # a year-to-date flow beyond 10 times its year's target is a unit mistake


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    why: str

    def __str__(self) -> str:
        cell = f" {self.column}={self.value!r}" if self.column else ""
        return f"row {self.row}{cell}: {self.why}"


class Staged(NamedTuple):
    """A checked row, ready for the staging table."""

    target_id: str
    breakdown: str
    period: str
    period_start: dt.date
    period_end: dt.date
    basis: str
    value: str
    unit: str
    reported_value: str
    reported_unit: str
    status: str
    note: str | None
    source_row: int


def canonical(value: Decimal) -> str:
    """Exact decimal text without exponent or trailing zeros: 36.400 -> '36.4', 1E+3 -> '1000'."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


class RowChecker:
    """Checks rows against one plan; caches what it has parsed, since files repeat themselves."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._periods: dict[str, Period | str] = {}
        self._units: dict[str, Unit | None] = {}

    def check(self, row: Row) -> Staged | list[RowError]:
        if row.problem:
            return [RowError(row.number, "", "", row.problem)]
        errors: list[RowError] = []
        cells = row.cells

        def fail(column: str, why: str) -> None:
            errors.append(RowError(row.number, column, _text(cells.get(column)), why))

        target = self._target(cells.get("target"), fail)
        period = self._period(cells.get("period"), target, fail)
        breakdown = self._breakdown(cells.get("breakdown"), target, fail) if target else ""
        basis = self._choice(cells.get("basis"), BASES, "basis", fail)
        status = self._choice(cells.get("status"), STATUSES, "status", fail) or "official"
        staged_value = self._value(row, target, fail) if target else None
        if target is None or period is None or staged_value is None or errors:
            return errors
        value, reported, reported_unit = staged_value
        basis = basis or target.reporting.basis.value
        if basis == Basis.PERIOD and period.kind == PeriodKind.DATE:
            fail("basis", "a single-period figure needs a month, quarter, half or year, not a date")
            return errors
        note = cells.get("note")
        return Staged(
            target.id,
            breakdown or "",
            period.label,
            period.start,
            period.end,
            basis,
            canonical(value),
            target.unit,
            canonical(reported),
            reported_unit,
            status,
            str(note) if note not in (None, "") else None,
            row.number,
        )

    def _target(self, cell: Any, fail: Any) -> Target | None:
        ident = _text(cell).strip()
        if not ident:
            fail("target", "missing; expected a target id")
            return None
        target = self.plan.targets.get(ident)
        if target is None:
            close = difflib.get_close_matches(ident, self.plan.targets, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else "; see plan-monitor targets"
            fail("target", f"unknown target{hint}")
        return target

    def _period(self, cell: Any, target: Target | None, fail: Any) -> Period | None:
        if isinstance(cell, dt.datetime):
            cell = cell.date()
        if isinstance(cell, dt.date):
            period: Period | str = Period.of_date(cell)
        else:
            text = _text(cell).strip()
            if text not in self._periods:
                try:
                    self._periods[text] = Period.parse(text)
                except ValueError as exc:
                    self._periods[text] = str(exc)
            period = self._periods[text]
        if isinstance(period, str):
            fail("period", period)
            return None
        start = self.plan.info.start
        end = target.effective_deadline(self.plan.info.year) if target else dt.date(self.plan.info.year, 12, 31)
        if period.start < start or period.end > end:
            fail("period", f"outside the plan; expected a period from {start} to {end}")
            return None
        return period

    def _breakdown(self, cell: Any, target: Target, fail: Any) -> str | None:
        text = _text(cell).strip()
        if target.parts:  # a share set: the breakdown names the share
            keys = [p.key for p in target.parts]
            if text in keys:
                return text
            fail("breakdown", f"a share of {target.id}; expected one of {', '.join(keys)}")
            return None
        if not text:
            return ""
        dimension, _, key = text.rpartition("/")
        matches = [
            f"{b.dimension}/{p.key}"
            for b in target.breakdowns
            if not dimension or b.dimension == dimension
            for p in b.parts
            if p.key == key
        ]
        if len(matches) == 1:
            return matches[0]
        if not target.breakdowns:
            fail("breakdown", f"target {target.id} has no breakdowns; leave the cell empty")
        elif matches:
            fail("breakdown", f"ambiguous; write one of {', '.join(matches)}")
        else:
            known = [f"{b.dimension}/{p.key}" for b in target.breakdowns for p in b.parts]
            fail("breakdown", f"unknown part of {target.id}; expected one of {', '.join(known)}")
        return None

    @staticmethod
    def _choice(cell: Any, choices: dict[str, str], column: str, fail: Any) -> str | None:
        text = " ".join(_text(cell).split()).lower()
        if not text:
            return None
        if text not in choices:
            fail(column, f"expected one of {', '.join(dict.fromkeys(choices))}")
            return None
        return choices[text]

    def _unit(self, label: str) -> Unit | None:
        if label not in self._units:
            self._units[label] = find_unit(label)
        return self._units[label]

    def _value(self, row: Row, target: Target, fail: Any) -> tuple[Decimal, Decimal, str] | None:
        """The value in the target's unit, the value as reported, and the reported unit."""
        cell = row.cells.get("value")
        if cell is None or _text(cell).strip() == "":
            fail("value", "missing; expected a number")
            return None
        try:
            figure = read_figure(cell, excel_percent="value" in row.percent_cells)
        except ValueError as exc:
            fail("value", str(exc))
            return None
        target_unit = self._unit(target.unit)
        assert target_unit is not None  # the rule checks make sure of it
        label = _text(row.cells.get("unit")).strip() or ("%" if figure.percent else target.unit)
        unit = self._unit(label)
        if unit is None:
            fail("unit", "unknown unit; expected e.g. 'tỷ đồng', 'triệu đồng', '%'")
            return None
        if figure.percent and unit.dimension != "percent":
            fail("value", f"a percentage for a target in {target.unit}; report the amount in {target.unit}")
            return None
        if unit.dimension != target_unit.dimension:
            fail("unit", f"cannot be converted to the target's unit '{target.unit}'")
            return None
        value = unit.convert(figure.value, target_unit)
        problem = self._implausible(target, value)
        if problem:
            fail("value", problem)
            return None
        return value, figure.value, unit.label

    @staticmethod
    def _implausible(target: Target, value: Decimal) -> str | None:
        if target.kind in (Kind.CUMULATIVE, Kind.MILESTONE) and target.value and value < 0:
            return "negative; a year-to-date total cannot be below zero"
        if target.kind == Kind.CUMULATIVE and target.value and value > PLAUSIBLE_MULTIPLE * target.value:
            return (
                f"{canonical(value)} {target.unit} is over {PLAUSIBLE_MULTIPLE} times the year's target "
                f"({canonical(target.value)} {target.unit}); "
                "if the figure is in another unit, say so in a 'unit' column"
            )
        if target.unit == "%" and target.kind in (Kind.LEVEL, Kind.SHARE) and not 0 <= value <= 100:
            return "a rate must be between 0 and 100 %"
        return None


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    return cell if isinstance(cell, str) else str(cell)
