"""Checking one data row against the plan: target, breakdown, period, value, unit, basis, status.

A row that passes becomes a `Staged` tuple in the target's own unit; a row that fails yields one
`Problem` per bad cell, each naming the row, the column, the value and what was expected.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from monitor import rights
from monitor.ingest.names import Several, TargetNames, listed_ids, normal
from monitor.ingest.numbers import PLAIN, VIETNAMESE, AmbiguousError, FigureError, plain_text, read_figure
from monitor.ingest.plausible import FileOrder, Limits
from monitor.ingest.problems import Code, Problem, problem
from monitor.ingest.readers import Line, Row, as_row
from monitor.ingest.shown import and_more
from monitor.ingest.vocabulary import BASES, STATUSES, correction_of, note_of, text_of
from monitor.store.decimals import decimal_text
from notifiers import formatting
from rules import FigureStatus, Period, PeriodKind, Plan, Target, Unit

# Units of things counted one by one: "41.250 lượt" can only be 41250.
COUNT_UNITS = frozenset({"lượt", "người", "giường", "huyện", "xã", "hộ", "doanh nghiệp", "dự án", "trường"})
MAX_DEFERRED = 100_000  # ambiguous rows held until the file's format is known; beyond, refused at once


class Deferred:
    """A row whose value is ambiguous until the rest of the file says which format it is in."""


class Shape(NamedTuple):
    """What many rows of a file share: the period's dates, the basis, the units and the status."""

    period_start: dt.date
    period_end: dt.date
    basis: str
    unit: str
    reported_unit: str
    status: str
    correction: bool = False  # the rows are marked as corrections


# A checked row, ready for the staging table: a plain tuple, which the database driver binds
# fastest, of these fields. `shape` indexes the checker's `shapes`; `value` is exact decimal text
# in the target's unit; `reported_value` is the figure as the file wrote it when it was converted
# from another unit, None when it is `value`.
STAGED_FIELDS = ("target_id", "breakdown", "period", "shape", "value", "reported_value", "note", "source_row")
Staged = tuple[str, str, str, int, str, str | None, str | None, int]


@dataclass(frozen=True)
class Refusal:
    """A cached verdict that a cell is wrong, and why: the problem's code and facts."""

    code: Code
    facts: Mapping[str, str] = field(default_factory=dict)


def refused(code: Code, **facts: str) -> Refusal:
    return Refusal(code, facts)


@dataclass
class Known:
    """What earlier rows established about one target's cells, for rows that repeat them."""

    target: Target
    # A figure strictly inside these is within the target's limits: a correctly rounded float
    # never crosses the rounded limit, so `low < float(text) < high` implies the exact comparison.
    low: float
    high: float
    # (period, basis, status) cells -> (period label, shape id)
    placed: dict[tuple[Any, Any, Any], tuple[str, int]] = field(default_factory=dict)
    breakdowns: dict[Any, str] = field(default_factory=dict)  # breakdown cell -> part key


class RowChecker:
    """Checks rows against one plan.

    Files repeat themselves (the same targets, periods, breakdowns and units on every row), so
    each verdict on such a cell is computed once per target and remembered; a CSV line made only
    of remembered cells and a plain decimal is checked at once by `check_line`.
    """

    def __init__(self, plan: Plan, writer: str | None = None, number_format: str = "") -> None:
        self.plan = plan
        self.writer = writer  # the department sending the file: rows of another's series are refused
        # How an ambiguous "41.250" reads: the department's declared format, else the file's own
        # (`finish`), else it is refused.
        self.reading = number_format
        self._deferred: list[Row] = []
        self._forms = {VIETNAMESE: False, PLAIN: False}  # which formats the file's texts show
        self.shapes: list[Shape] = []
        self.order = FileOrder(plan, self.shapes)  # each figure against the one before it in its series
        self._shape_ids: dict[Shape, int] = {}
        self._memo: dict[tuple[str, str, Any], Any] = {}
        self._known: dict[Any, Known] = {}
        self._limits: dict[str, Limits] = {}
        self._parts: dict[str, tuple[list[str], dict[str, list[str]], dict[str, list[str]]]] = {}
        self._bases = {t.id: t.reporting.basis.value for t in plan.targets.values()}
        self._names: TargetNames | None = None  # built at the first row that names a target otherwise than by id
        self._named: dict[Any, Target | Refusal] = {}

    def check_line(self, line: Line) -> Staged | list[Problem] | None:
        """A CSV line, checked; one that repeats what earlier rows established is answered at once."""
        target, period, text, breakdown, basis, unit, status, note, correction, number = line
        known = self._known.get(target)
        if known is not None and not correction and not (note and "\x00" in note):
            placed = known.placed.get((period, basis, status))
            part = known.breakdowns.get(breakdown)
            shown = plain_text(text)
            if (
                placed is not None
                and part is not None
                and shown is not None
                and (not unit or unit == known.target.unit)
                and known.low < float(shown) < known.high
            ):
                if "." in text:
                    self._forms[PLAIN] = True
                held = self.order.follow(known.target.id, part, placed[1], placed[0], shown, number)
                if held:
                    return [held]
                return (known.target.id, part, placed[0], placed[1], shown, None, note or None, number)
        return self.check(as_row(line))  # something new, wrong or at a limit: the full check says what

    def finish(self) -> list[Staged | list[Problem]]:
        """The rows held for their ambiguous value, checked now that the whole file is read: in
        Vietnamese format if the file's other numbers show it and none shows the plain one."""
        if not self.reading and self._forms[VIETNAMESE] and not self._forms[PLAIN]:
            self.reading = VIETNAMESE
        held, self._deferred = self._deferred, []
        results = []
        for row in held:
            result = self.check(row, last=True)
            assert result is not None
            results.append(result)
        return results

    def check(self, row: Row, *, last: bool = False) -> Staged | list[Problem] | None:
        """The row checked cell by cell, with every problem named; None for a row held until
        `finish` (its value is ambiguous so far), unless it is the `last` look."""
        if row.problem:
            return [problem(Code.ROW_UNREADABLE, row.number, reason=row.problem)]
        cells = row.cells
        errors: list[Problem] = []

        def fail(column: str, code: Code, facts: Mapping[str, str] | None = None) -> None:
            errors.append(Problem(code, row.number, column, text_of(cells.get(column)), facts or {}))

        target = self.plan.targets.get(cells.get("target"))  # type: ignore[arg-type]
        if target is None:
            target = self._by_name(cells.get("target"), fail)
        period = self._remember("period", target, cells.get("period"), self._period, fail)
        breakdown = self._remember("breakdown", target, cells.get("breakdown"), self._breakdown, fail)
        basis = self._choice(cells.get("basis"), BASES, "basis", fail)
        status = self._choice(cells.get("status"), STATUSES, "status", fail) or FigureStatus.OFFICIAL
        correction = correction_of(cells.get("correction"), fail)
        note = note_of(cells)
        if note is not None and "\x00" in note:
            fail("note", Code.NOTE_NUL)
        if (
            self.writer is not None
            and target is not None
            and breakdown is not None
            and not rights.may_write_figure(self.plan, self.writer, target, breakdown)
        ):
            series = f"{target.id} {breakdown}".strip()
            fail(
                "target", Code.NOT_OWNER, {"series": series, "owner": target.owner_of(breakdown), "writer": self.writer}
            )
        staged_value = self._value(row, target, fail, last, correction) if target else None
        if isinstance(staged_value, Deferred):
            self._deferred.append(row)
            return None
        if target is None or period is None or breakdown is None or staged_value is None or errors:
            return errors
        value, reported, reported_unit = staged_value
        basis = basis or self._bases[target.id]
        if basis == "period" and period.kind is PeriodKind.DATE:
            fail("basis", Code.PERIOD_DATE_BASIS)
            return errors
        shape = self._shape(Shape(period.start, period.end, basis, target.unit, reported_unit, status, correction))
        if reported_unit == target.unit and not correction:
            self._learn(target, cells, period.label, shape, breakdown)
        converted = None if reported == value else reported
        held = self.order.follow(target.id, breakdown, shape, period.label, value, row.number)
        if held:
            return [held]
        return (target.id, breakdown, period.label, shape, value, converted, note, row.number)

    def _shape(self, shape: Shape) -> int:
        found = self._shape_ids.get(shape)
        if found is None:
            found = self._shape_ids[shape] = len(self.shapes)
            self.shapes.append(shape)
        return found

    def _learn(self, target: Target, cells: dict[str, Any], label: str, shape: int, breakdown: str) -> None:
        """Remember a good row's cells, so that rows repeating them take the fast path."""
        known = self._known.get(cells.get("target"))
        if known is None:
            limits = self._limits_of(target)
            low = -math.inf if limits.low is None else float(limits.low)
            high = math.inf if limits.high is None else float(limits.high)
            known = self._known[cells.get("target")] = Known(target, low, high)
        known.placed[(cells.get("period"), cells.get("basis"), cells.get("status"))] = (label, shape)
        known.breakdowns[cells.get("breakdown")] = breakdown

    def _limits_of(self, target: Target) -> Limits:
        limits = self._limits.get(target.id)
        if limits is None:
            limits = self._limits[target.id] = Limits.of(target)
        return limits

    def _remember(self, column: str, target: Target | None, cell: Any, judge: Any, fail: Any) -> Any:
        """The verdict of `judge(target, cell)`, computed once per target and cell."""
        if target is None:
            return None
        key = (column, target.id, cell)
        verdict = self._memo.get(key)
        if verdict is None:
            verdict = self._memo[key] = judge(target, cell)
        if isinstance(verdict, Refusal):
            fail(column, verdict.code, verdict.facts)
            return None
        return verdict

    def _by_name(self, cell: Any, fail: Any) -> Target | None:
        """The target a cell names by its numbering or name; None, with the reason, for none."""
        found = self._named.get(cell)
        if found is None:
            found = self._named[cell] = self._target_named(text_of(cell))
        if isinstance(found, Refusal):
            fail("target", found.code, found.facts)
            return None
        return found

    def _target_named(self, text: str) -> Target | Refusal:
        if not text.strip():
            return refused(Code.TARGET_MISSING)
        if self._names is None:
            self._names = TargetNames(self.plan)
        found = self._names.find(text)
        if isinstance(found, Several):
            return refused(Code.TARGET_SEVERAL, ids=listed_ids(found.ids), ids_vi=listed_ids(found.ids, "hoặc"))
        if found is not None:
            return found
        close = self._names.closest(text)
        if not close:
            return refused(Code.TARGET_UNKNOWN)
        return refused(Code.TARGET_CLOSE, close=listed_ids(close), close_vi=listed_ids(close, "hoặc"))

    def _period(self, target: Target, cell: Any) -> Period | Refusal:
        if isinstance(cell, dt.datetime):
            cell = cell.date()
        try:
            period = (
                Period.of_date(cell) if isinstance(cell, dt.date) else Period.parse(text_of(cell), self.plan.info.year)
            )
        except ValueError as exc:
            return refused(Code.PERIOD_UNREADABLE, reason=str(exc))
        start, end = self.plan.period_window(target)
        if period.start < start or period.end > end:
            return refused(
                Code.PERIOD_OUTSIDE,
                start=str(start),
                end=str(end),
                start_vi=f"{start:%d/%m/%Y}",
                end_vi=f"{end:%d/%m/%Y}",
            )
        return period

    def _breakdown(self, target: Target, cell: Any) -> str | Refusal:
        text = text_of(cell).strip()
        if target.parts:  # a share set: the breakdown names the share
            keys = [p.key for p in target.parts]
            if text in keys:
                return text
            named = [p.key for p in target.parts if normal(p.name) == normal(text)]
            if len(named) == 1:
                return named[0]
            return refused(Code.SHARE_UNKNOWN, target=target.id, choices=", ".join(keys))
        if not text:
            return ""
        known, by_name, names = self._part_index(target)
        if normal(text) in names:  # a part's name, "Vốn ODA"
            matches = names[normal(text)]
        elif "/" in text:  # a series key, "dimension/key"
            matches = [text] if text in by_name.get(text.rpartition("/")[2], ()) else []
        else:  # a part's own key, if no other dimension has a part of that key
            matches = by_name.get(text, [])
        if len(matches) == 1:
            return matches[0]
        if not target.breakdowns:
            return refused(Code.PART_NONE, target=target.id)
        if matches:
            return refused(Code.PART_AMBIGUOUS, choices=", ".join(matches))
        shown, more = ", ".join(known[:10]), len(known) - 10
        english = f"{shown} {and_more(more, 'parts')}" if more > 0 else shown
        vietnamese = f"{shown} … và {formatting.number(more)} phân tổ khác" if more > 0 else shown
        return refused(Code.PART_UNKNOWN, target=target.id, choices=english, choices_vi=vietnamese)

    def _part_index(self, target: Target) -> tuple[list[str], dict[str, list[str]], dict[str, list[str]]]:
        """The target's part keys, the keys each part's own key (after the "/") may mean, and the
        keys each part's name (normalised) may mean."""
        index = self._parts.get(target.id)
        if index is None:
            keys = target.part_keys()
            by_key: dict[str, list[str]] = {}
            for key in keys:
                by_key.setdefault(key.rpartition("/")[2], []).append(key)
            names: dict[str, list[str]] = {}
            for split in target.breakdowns:
                for part in split.parts:
                    names.setdefault(normal(part.name), []).append(f"{split.dimension}/{part.key}")
            index = self._parts[target.id] = (keys, by_key, names)
        return index

    @staticmethod
    def _choice(cell: Any, choices: Mapping[str, str], column: str, fail: Any) -> str | None:
        if cell is None or cell == "":
            return None
        choice = choices.get(cell)
        if choice is None:
            choice = choices.get(" ".join(text_of(cell).split()).lower())
            if choice is None:
                fail(column, Code.CHOICE_UNKNOWN, {"choices": ", ".join(dict.fromkeys(choices))})
        return choice

    def _value(
        self, row: Row, target: Target, fail: Any, last: bool, correction: bool = False
    ) -> tuple[str, str, str] | Deferred | None:
        """The value in the target's unit, the value as reported, and the reported unit, as text;
        `DEFER` for a value that only the rest of the file can settle."""
        cell = row.cells.get("value")
        if cell is None or (isinstance(cell, str) and not cell.strip()):
            fail("value", Code.VALUE_MISSING)
            return None
        unit = self._remember("unit", target, row.cells.get("unit"), self._unit, fail)
        try:
            figure = read_figure(cell, excel_percent=row.value_as_percent, reading=self.reading)
        except AmbiguousError as exc:
            if unit is not None and unit.label in COUNT_UNITS:
                figure = dataclasses.replace(
                    exc.vietnamese, form=""
                )  # a count holds no fraction: no sign of the file's format
            elif not last and len(self._deferred) < MAX_DEFERRED:
                return DEFER
            else:
                fail("value", Code.VALUE_AMBIGUOUS, exc.facts)
                return None
        except FigureError as exc:
            fail("value", exc.code, exc.facts)
            return None
        if figure.form:
            self._forms[figure.form] = True
        if figure.percent and self._unit_of(target).dimension != "percent":
            fail("value", Code.PERCENT_FOR_AMOUNT, {"unit": target.unit})
            return None
        if unit is None:
            return None
        reported = decimal_text(figure.value)
        if unit.label == target.unit:
            value, shown = figure.value, reported
        else:
            value = unit.convert(figure.value, self._unit_of(target))
            shown = decimal_text(value)
        wrong = self._limits_of(target).problem(value, correction)
        if wrong:
            fail("value", *wrong)
            return None
        return shown, reported, unit.label

    def _unit_of(self, target: Target) -> Unit:
        """The target's unit: built in, or declared by the plan (the loader has checked it is known)."""
        unit = self.plan.find_unit(target.unit)
        assert unit is not None
        return unit

    def _unit(self, target: Target, cell: Any) -> Unit | Refusal:
        unit = self.plan.find_unit(text_of(cell).strip() or target.unit)
        if unit is None:
            return refused(Code.UNIT_UNKNOWN)
        if unit.dimension != self._unit_of(target).dimension:
            return refused(Code.UNIT_MISMATCH, unit=target.unit)
        return unit


DEFER = Deferred()
