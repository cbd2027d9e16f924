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

from monitor.ingest.numbers import plain_number, read_figure
from monitor.ingest.readers import Row
from rules import Basis, Kind, Plan, Target
from rules.periods import Period, PeriodKind
from rules.units import UNITS, Unit, find_unit

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
    period_start: str  # ISO dates: what both databases take for a date column
    period_end: str
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


@dataclass(frozen=True)
class Refusal:
    """A cached verdict that a cell is wrong, and why."""

    why: str


class RowChecker:
    """Checks rows against one plan.

    Files repeat themselves (the same targets, periods, breakdowns and units on every row), so
    each verdict on such a cell is computed once per target and remembered.
    """

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._memo: dict[tuple[str, str, Any], Any] = {}
        self._limits: dict[str, Limits] = {}
        self._bases = {t.id: t.reporting.basis.value for t in plan.targets.values()}

    def check(self, row: Row) -> Staged | list[RowError]:
        """The row, checked; the common case is answered from what earlier rows established."""
        cells = row.cells
        target = self.plan.targets.get(cells.get("target"))  # type: ignore[arg-type]
        text = cells.get("value")
        if target is None or row.problem or cells.get("unit") or row.percent_cells or type(text) is not str:
            return self.check_fully(row)
        memo = self._memo
        dated = memo.get(("period", target.id, cells.get("period")))
        breakdown = memo.get(("breakdown", target.id, cells.get("breakdown")))
        value = plain_number(text)
        basis = BASES.get(cells.get("basis") or self._bases[target.id])
        status = STATUSES.get(cells.get("status") or "official")
        limits = self._limits.get(target.id)
        if (
            type(dated) is not tuple
            or type(breakdown) is not str
            or value is None
            or basis is None
            or status is None
            or limits is None
            or limits.problem(value)
            or (basis == "period" and dated[0].kind is PeriodKind.DATE)
        ):
            return self.check_fully(row)  # something new or wrong: the full path says what
        shown = canonical(value)
        note = cells.get("note")
        period, start, end = dated
        return Staged(
            target.id, breakdown, period.label, start, end, basis, shown, target.unit, shown, target.unit, status,
            str(note) if note not in (None, "") else None, row.number,
        )  # fmt: skip

    def check_fully(self, row: Row) -> Staged | list[RowError]:
        """The row checked cell by cell, with every problem named."""
        if row.problem:
            return [RowError(row.number, "", "", row.problem)]
        cells = row.cells
        errors: list[RowError] = []

        def fail(column: str, why: str) -> None:
            errors.append(RowError(row.number, column, _text(cells.get(column)), why))

        target = self.plan.targets.get(cells.get("target"))  # type: ignore[arg-type]
        if target is None:
            self._unknown_target(cells.get("target"), fail)
        dated = self._remember("period", target, cells.get("period"), self._period, fail)
        breakdown = self._remember("breakdown", target, cells.get("breakdown"), self._breakdown, fail)
        basis = self._choice(cells.get("basis"), BASES, "basis", fail)
        status = self._choice(cells.get("status"), STATUSES, "status", fail) or "official"
        staged_value = self._value(row, target, fail) if target else None
        if target is None or dated is None or breakdown is None or staged_value is None or errors:
            return errors
        period, start, end = dated
        value, reported, reported_unit = staged_value
        basis = basis or self._bases[target.id]
        if basis == "period" and period.kind is PeriodKind.DATE:
            fail("basis", "a single-period figure needs a month, quarter, half or year, not a date")
            return errors
        note = cells.get("note")
        return Staged(
            target.id,
            breakdown,
            period.label,
            start,
            end,
            basis,
            value,
            target.unit,
            reported,
            reported_unit,
            status,
            str(note) if note not in (None, "") else None,
            row.number,
        )

    def _remember(self, column: str, target: Target | None, cell: Any, judge: Any, fail: Any) -> Any:
        """The verdict of `judge(target, cell)`, computed once per target and cell."""
        if target is None:
            return None
        key = (column, target.id, cell)
        verdict = self._memo.get(key)
        if verdict is None:
            verdict = self._memo[key] = judge(target, cell)
        if isinstance(verdict, Refusal):
            fail(column, verdict.why)
            return None
        return verdict

    def _unknown_target(self, cell: Any, fail: Any) -> None:
        ident = _text(cell).strip()
        if not ident:
            fail("target", "missing; expected a target id")
            return
        close = difflib.get_close_matches(ident, self.plan.targets, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else "; see plan-monitor targets"
        fail("target", f"unknown target{hint}")

    def _period(self, target: Target, cell: Any) -> tuple[Period, str, str] | Refusal:
        if isinstance(cell, dt.datetime):
            cell = cell.date()
        try:
            period = Period.of_date(cell) if isinstance(cell, dt.date) else Period.parse(_text(cell))
        except ValueError as exc:
            return Refusal(str(exc))
        start, end = self.plan.info.start, target.effective_deadline(self.plan.info.year)
        if period.start < start or period.end > end:
            return Refusal(f"outside the plan; expected a period from {start} to {end}")
        return period, period.start.isoformat(), period.end.isoformat()

    @staticmethod
    def _breakdown(target: Target, cell: Any) -> str | Refusal:
        text = _text(cell).strip()
        if target.parts:  # a share set: the breakdown names the share
            keys = [p.key for p in target.parts]
            if text in keys:
                return text
            return Refusal(f"a share of {target.id}; expected one of {', '.join(keys)}")
        if not text:
            return ""
        known = target.part_keys()
        matches = [k for k in known if k == text or ("/" not in text and k.rpartition("/")[2] == text)]
        if len(matches) == 1:
            return matches[0]
        if not target.breakdowns:
            return Refusal(f"target {target.id} has no breakdowns; leave the cell empty")
        if matches:
            return Refusal(f"ambiguous; write one of {', '.join(matches)}")
        shown = ", ".join(known[:10]) + (f" and {len(known) - 10} more" if len(known) > 10 else "")
        return Refusal(f"unknown part of {target.id}; expected one of {shown}")

    @staticmethod
    def _choice(cell: Any, choices: dict[str, str], column: str, fail: Any) -> str | None:
        if cell is None or cell == "":
            return None
        choice = choices.get(cell)
        if choice is None:
            choice = choices.get(" ".join(_text(cell).split()).lower())
            if choice is None:
                fail(column, f"expected one of {', '.join(dict.fromkeys(choices))}")
        return choice

    def _value(self, row: Row, target: Target, fail: Any) -> tuple[str, str, str] | None:
        """The value in the target's unit, the value as reported, and the reported unit, as text."""
        cell = row.cells.get("value")
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            fail("value", "missing; expected a number")
            return None
        try:
            figure = read_figure(cell, excel_percent="value" in row.percent_cells)
        except ValueError as exc:
            fail("value", str(exc))
            return None
        if figure.percent and UNITS[target.unit].dimension != "percent":
            fail("value", f"a percentage for a target in {target.unit}; report the amount in {target.unit}")
            return None
        unit = self._remember("unit", target, row.cells.get("unit"), self._unit, fail)
        if unit is None:
            return None
        reported = canonical(figure.value)
        if unit.label == target.unit:
            value, shown = figure.value, reported
        else:
            value = unit.convert(figure.value, UNITS[target.unit])
            shown = canonical(value)
        limits = self._limits.get(target.id)
        if limits is None:
            limits = self._limits[target.id] = Limits.of(target)
        problem = limits.problem(value)
        if problem:
            fail("value", problem)
            return None
        return shown, reported, unit.label

    @staticmethod
    def _unit(target: Target, cell: Any) -> Unit | Refusal:
        unit = find_unit(_text(cell).strip() or target.unit)
        if unit is None:
            return Refusal("unknown unit; expected e.g. 'tỷ đồng', 'triệu đồng', '%'")
        if unit.dimension != UNITS[target.unit].dimension:
            return Refusal(f"cannot be converted to the target's unit '{target.unit}'")
        return unit


@dataclass(frozen=True)
class Limits:
    """What a plausible figure of a target lies within, and what to say when it does not."""

    low: Decimal | None
    high: Decimal | None
    too_low: str
    too_high: str

    @classmethod
    def of(cls, target: Target) -> Limits:
        if target.unit == "%" and target.kind in (Kind.LEVEL, Kind.SHARE):
            rate = "a rate must be between 0 and 100 %"
            return cls(Decimal(0), Decimal(100), rate, rate)
        if target.kind in (Kind.CUMULATIVE, Kind.MILESTONE) and target.value:
            high = PLAUSIBLE_MULTIPLE * target.value if target.kind == Kind.CUMULATIVE else None
            too_high = (
                f"over {PLAUSIBLE_MULTIPLE} times the year's target ({canonical(target.value)} {target.unit}); "
                "if the figure is in another unit, say so in a 'unit' column"
            )
            return cls(Decimal(0), high, "negative; a year-to-date total cannot be below zero", too_high)
        return cls(None, None, "", "")

    def problem(self, value: Decimal) -> str | None:
        if self.low is not None and value < self.low:
            return self.too_low
        if self.high is not None and value > self.high:
            return self.too_high
        return None


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    return cell if isinstance(cell, str) else str(cell)
