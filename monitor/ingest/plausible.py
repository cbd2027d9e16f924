"""What a plausible figure is: limits a figure of a target lies within, and figures held because
they do not fit the figures before them.

A figure is refused outright when it cannot be right: a negative year-to-date total, a share of a
structure beyond 0-100 %, a flow over `PLAUSIBLE_MULTIPLE` times its year's target (a unit
mistake). A figure is *held* (refused with the reason, unless its row is marked as a correction)
when it is possible but unlikely:

- a year-to-date figure lower than the one of an earlier period of the same year (5.012,6 in
  June, then 1 in July), stored or in the same file;
- a rate above 100 % of a level target in percent (a share of something that cannot exceed it);
- a change from the series' preceding figure beyond the target's ``reporting.max_jump`` (in
  percent of that figure; no bound unless the rule file sets one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any

import sqlalchemy as sa

from monitor.ingest.problems import Code, Problem
from monitor.store.decimals import decimal_text
from monitor.store.ingestions import any_current
from notifiers import formatting
from rules import PRECISION, Basis, Kind, Plan, Target

PLAUSIBLE_MULTIPLE = 10  # a year-to-date flow beyond 10 times its year's target is a unit mistake
YTD = Basis.YEAR_TO_DATE.value
MAX_HELD = 100  # held figures found and listed; a file with more has a deeper problem than these


@dataclass(frozen=True)
class Limits:
    """What a figure of a target lies within without a correction mark, and what to say when it
    does not; `held_above`: a figure above `high` is taken from a row marked as a correction."""

    low: Decimal | None = None
    high: Decimal | None = None
    too_low: Code = Code.NEGATIVE
    too_high: Code = Code.OVER_MULTIPLE
    facts: dict[str, str] = field(default_factory=dict)
    held_above: bool = False

    @classmethod
    def of(cls, target: Target) -> Limits:
        if target.unit == "%" and target.kind == Kind.SHARE:  # a share of a structure: never above its whole
            return cls(Decimal(0), Decimal(100), Code.RATE_RANGE, Code.RATE_RANGE)
        if target.unit == "%" and target.kind == Kind.LEVEL:
            return cls(Decimal(0), Decimal(100), Code.RATE_RANGE, Code.OVER_HUNDRED, held_above=True)
        if target.kind in (Kind.CUMULATIVE, Kind.MILESTONE) and target.value:
            high = PLAUSIBLE_MULTIPLE * target.value if target.kind == Kind.CUMULATIVE else None
            facts = {"times": str(PLAUSIBLE_MULTIPLE), "target_value": decimal_text(target.value),
                     "target_value_vi": formatting.number(target.value), "unit": target.unit}  # fmt: skip
            return cls(Decimal(0), high, Code.NEGATIVE, Code.OVER_MULTIPLE, facts)
        return cls()

    def problem(self, value: Decimal, correction: bool = False) -> tuple[Code, dict[str, str]] | None:
        """What is wrong with `value`, with the facts its words name; None if nothing is."""
        if self.low is not None and value < self.low:
            return self.too_low, self.facts
        if self.high is not None and value > self.high and not (correction and self.held_above):
            return self.too_high, self.facts
        return None


class FileOrder:
    """A file's figures compared as the checker meets them: each with the figure before it in its
    series, while the series comes in the order of its periods (as files list them). A series that
    does not makes the file `unordered`: `held_figures` then compares its figures once they are
    staged. `shapes` is the checker's list of shapes, which the staged rows name by index."""

    def __init__(self, plan: Plan, shapes: Sequence[Any]) -> None:
        self.plan, self.shapes = plan, shapes
        self.unordered = False
        self._watched, self._falls = set(_watched(plan)), _falls(plan)
        self._bounds = {t.id: float(t.reporting.max_jump) for t in plan.targets.values()
                        if t.reporting.max_jump is not None}  # fmt: skip
        # target id -> part -> (shape id, value, its text, period label, row) of the last figure
        self._series: dict[str, dict[str, tuple[int, float, str, str, int]]] = {t: {} for t in self._watched}
        self._info: list[tuple[int, int, str, bool]] = []

    def follow(self, target_id: str, part: str, shape_id: int, label: str, text: str, row: int) -> Problem | None:
        """The problem of a checked figure (`text` in the target's unit) against the one before it."""
        series = self._series.get(target_id)
        if series is None:
            return None
        last = series.get(part)
        value = float(text)
        series[part] = (shape_id, value, text, label, row)
        if last is None or last[0] == shape_id:
            return None
        info = self._info
        if len(info) <= shape_id:  # each shape's period end, its basis, and whether a correction
            for shape in self.shapes[len(info) :]:
                info.append((shape.period_end.toordinal(), shape.period_end.year, shape.basis, shape.correction))
        end, year, basis, correction = info[shape_id]
        before = info[last[0]]
        if end <= before[0]:
            if end < before[0]:
                self.unordered = True
            return None
        if correction or basis != before[2] or year != before[1]:
            return None
        then, bound = last[1], self._bounds.get(target_id)
        if (then > value and basis == YTD and target_id in self._falls) or (
            bound is not None and then and abs(value - then) * 100 >= bound * abs(then)
        ):
            pair = {"target_id": target_id, "period": label, "value": text, "source_row": row, "basis": basis,
                    "before_value": last[2], "before_period": last[3], "before_source_row": last[4],
                    "before_file": None, "before_ingestion_id": 0}  # fmt: skip
            return _held(self.plan, pair, 0)
        return None


def any_stored(connection: sa.Connection, plan: Plan) -> bool:
    """Whether the store holds a current figure of a target whose figures are compared (asked
    before a file's figures are written): if not, a file's figures are compared among themselves."""
    return any_current(connection, plan.info.key, _watched(plan))


def held_figures(
    connection: sa.Connection,
    plan: Plan,
    ingestion_id: int,
    staging: sa.Table,
    shapes: sa.Table,
    *,
    stored: bool,
    unordered: bool,
) -> list[Problem]:
    """The figures just stored by ingestion `ingestion_id` (rows not marked as corrections, in
    `staging` and its `shapes`) that do not fit the series' figure before them: a year-to-date
    total that falls, or a change beyond the target's `max_jump`. Called inside the file's
    transaction, after its figures are written: a file with any is rolled back. `stored`: whether
    figures stored before may be compared (`any_stored`); `unordered`: whether the checker met a
    series out of the order of its periods (`FileOrder`), which compared the others already.

    Each figure is compared with the current one before it in its series (same basis and year):
    a total that falls somewhere is found where it first falls, as any fall shows between two
    neighbours. Among a file's own figures, "before" is the order of the periods' labels, which
    the staging table's index gives without sorting (chronological within each kind of period).
    """
    watched = _watched(plan)
    if not watched:
        return []
    if not stored:
        return _in_file(connection, plan, staging, shapes) if unordered else []
    query = _among_stored(plan, ingestion_id, staging, shapes).order_by("source_row").limit(MAX_HELD)
    return [found for row in connection.execute(query) if (found := _held(plan, row._mapping, ingestion_id))]


def _watched(plan: Plan) -> list[str]:
    return sorted(t.id for t in plan.targets.values() if t.id in _falls(plan) or t.reporting.max_jump is not None)


def _falls(plan: Plan) -> set[str]:
    return {t.id for t in plan.targets.values() if t.kind in (Kind.CUMULATIVE, Kind.MILESTONE)}


def _suspect(plan: Plan, target_id: Any, basis: Any, value: Any, earlier: Any) -> sa.ColumnElement[bool]:
    """Whether a figure is suspect, compared as numbers by the database (confirmed exactly by `_held`)."""
    value, earlier = sa.cast(value, sa.Numeric), sa.cast(earlier, sa.Numeric)
    suspects = [sa.and_(target_id.in_(sorted(_falls(plan))), basis == Basis.YEAR_TO_DATE.value, earlier > value)]
    for t in plan.targets.values():
        if t.reporting.max_jump is not None:
            change = sa.case((value > earlier, value - earlier), else_=earlier - value)
            size = sa.case((earlier > 0, earlier), else_=-earlier)
            suspects.append(sa.and_(target_id == t.id, earlier != 0, change * 100 > size * t.reporting.max_jump))
    return sa.or_(*suspects)


def _in_file(connection: sa.Connection, plan: Plan, staging: sa.Table, shapes: sa.Table) -> list[Problem]:
    """The suspect figures of a file compared among themselves: each with the one before it in
    its series, in the staging table's index order (no sort), as floats first, read by the
    driver's own cursor (a file may have millions)."""
    s = staging.c
    ytd = Basis.YEAR_TO_DATE.value
    # shape id -> (period end, basis, the year, marked as a correction)
    shape = {
        r.id: (r.period_end, r.basis, r.period_end.year, r.correction) for r in connection.execute(sa.select(shapes))
    }
    falls = _falls(plan)
    bounds = {t.id: float(t.reporting.max_jump) for t in plan.targets.values() if t.reporting.max_jump is not None}
    ordered = (
        sa.select(s.target_id, s.breakdown, s.shape, s.value, s.source_row)
        .where(s.is_current, s.target_id.in_(_watched(plan)))
        .order_by(s.target_id, s.breakdown, s.period)
    )
    # On PostgreSQL, a cursor of the server's, so that a big file's rows are not all held here.
    driver: Any = connection.connection.driver_connection
    cursor = driver.cursor("pm_held") if connection.dialect.name == "postgresql" else connection.connection.cursor()
    cursor.execute(str(ordered.compile(connection, compile_kwargs={"literal_binds": True})))
    pairs: list[tuple[Any, Any, str]] = []  # (row, the row before it, basis) of the suspects
    last_target = last_part = last = None
    last_shape: Any = (None, None, None, None)
    last_value = 0.0
    try:
        while (rows := cursor.fetchmany(10_000)) and len(pairs) < MAX_HELD:
            for row in rows:
                target_id, part, shape_id, text, _ = row
                info = shape[shape_id]
                value = float(text)
                if part == last_part and target_id == last_target and info[0] > last_shape[0]:
                    _, basis, year, correction = info
                    if basis == last_shape[1] and year == last_shape[2] and not correction:
                        bound = bounds.get(target_id)
                        if (last_value > value and basis == ytd and target_id in falls) or (
                            bound is not None
                            and last_value
                            and abs(value - last_value) * 100 >= bound * abs(last_value)
                        ):
                            pairs.append((row, last, basis))
                last_target, last_part, last, last_shape, last_value = target_id, part, row, info, value
    finally:
        cursor.close()
    found = [
        held for row, before, basis in pairs if (held := _held(plan, _pair(connection, staging, row, before, basis), 0))
    ]
    return sorted(found, key=lambda p: p.row)[:MAX_HELD]


def _pair(connection: sa.Connection, staging: sa.Table, row: Any, before: Any, basis: str) -> dict[str, Any]:
    """A suspect row of `_in_file` and the one before it, with their periods, as `_held` reads them."""
    s = staging.c
    found = connection.execute(sa.select(s.source_row, s.period).where(s.source_row.in_([row[4], before[4]])))
    periods = {r.source_row: r.period for r in found}
    return {"target_id": row[0], "period": periods[row[4]], "value": row[3], "source_row": row[4], "basis": basis,
            "before_value": before[3], "before_period": periods[before[4]], "before_source_row": before[4],
            "before_file": None, "before_ingestion_id": 0}  # fmt: skip


def _among_stored(plan: Plan, ingestion_id: int, staging: sa.Table, shapes: sa.Table) -> sa.Select[Any]:
    """The suspect figures of ingestion `ingestion_id` compared with the current figures of their
    series, stored before or by it."""
    from sqlmodel import col  # the staging path only: a file of new figures needs no ORM

    from monitor.store.schema import Ingestion, ObservationRecord

    o, s, h = ObservationRecord, staging.c, shapes
    in_file = sa.exists().where(s.target_id == o.target_id, s.breakdown == o.breakdown)
    figures = (
        sa.select(
            col(o.target_id), col(o.breakdown), col(o.period), col(o.period_end), col(o.basis), col(o.value),
            col(o.ingestion_id), col(o.source_row), col(Ingestion.file_name).label("file"),
        )
        .join_from(o, Ingestion, col(Ingestion.id) == col(o.ingestion_id))
        .where(col(o.plan) == plan.info.key, col(o.is_current), col(o.target_id).in_(_watched(plan)), in_file)
        .subquery("figures")
    )  # fmt: skip
    f = figures.c
    series = (f.target_id, f.breakdown, f.basis, sa.extract("year", f.period_end))
    before = {name: sa.func.lag(f[name]).over(partition_by=series, order_by=(f.period_end, f.period))
              for name in ("value", "period", "period_end", "ingestion_id", "file", "source_row")}  # fmt: skip
    paired = sa.select(*f, *(c.label(f"before_{n}") for n, c in before.items())).subquery("paired")
    p = paired.c
    corrected = sa.exists().where(
        s.target_id == p.target_id, s.breakdown == p.breakdown, s.period == p.period, h.c.id == s.shape, h.c.correction
    )
    return sa.select(
        p.target_id, p.period, p.value, p.source_row, p.basis, p.before_value, p.before_period,
        p.before_source_row, p.before_file, p.before_ingestion_id,
    ).where(
        p.ingestion_id == ingestion_id, p.before_period_end < p.period_end, sa.not_(corrected),
        _suspect(plan, p.target_id, p.basis, p.value, p.before_value),
    )  # fmt: skip


def _held(plan: Plan, row: Any, ingestion_id: int) -> Problem | None:
    """The problem with a suspect figure, checked exactly (the database compared them as numbers)."""
    target = plan.targets[row["target_id"]]
    value, earlier = Decimal(row["value"]), Decimal(row["before_value"])
    line, file = row["before_source_row"], row["before_file"]
    if file is None or row["before_ingestion_id"] == ingestion_id:
        source, source_vi = f"row {line} of this file", f"dòng {line} của tệp này"
    else:
        source, source_vi = f"{file} row {line}", f"tệp {file}, dòng {line}"
    facts = {
        "earlier": row["before_period"], "earlier_vi": formatting.period(row["before_period"]),
        "earlier_value": decimal_text(earlier), "earlier_value_vi": formatting.number(earlier), "unit": target.unit,
        "source": source, "source_vi": source_vi,
    }  # fmt: skip
    shown = decimal_text(value)
    if target.id in _falls(plan) and row["basis"] == Basis.YEAR_TO_DATE.value and value < earlier:
        return Problem(Code.BELOW_EARLIER, row["source_row"], "value", shown, facts)
    bound = target.reporting.max_jump
    if bound is not None and earlier:
        with localcontext(prec=PRECISION):
            change = abs(value - earlier) * 100 / abs(earlier)
            rounded = change.quantize(Decimal("0.1"))
        if change > bound:
            facts |= {"change": decimal_text(rounded), "change_vi": formatting.number(rounded),
                      "bound": decimal_text(bound), "bound_vi": formatting.number(bound)}  # fmt: skip
            return Problem(Code.JUMP, row["source_row"], "value", shown, facts)
    return None
