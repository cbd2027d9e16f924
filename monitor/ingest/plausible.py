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

from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from monitor.ingest.problems import Code, Problem
from monitor.store.schema import Ingestion, ObservationRecord, decimal_text
from notifiers import formatting
from rules import PRECISION, Basis, Kind, Plan, Target

PLAUSIBLE_MULTIPLE = 10  # a year-to-date flow beyond 10 times its year's target is a unit mistake
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


def held_figures(
    connection: sa.Connection, plan: Plan, ingestion_id: int, staging: sa.Table, shapes: sa.Table
) -> list[Problem]:
    """The figures just stored by ingestion `ingestion_id` (rows not marked as corrections, in
    `staging` and its `shapes`) that do not fit the series' figure before them: a year-to-date
    total that falls, or a change beyond the target's `max_jump`. Called inside the file's
    transaction, after its figures are written: a file with any is rolled back.

    Each figure is compared with the current one of the latest earlier period of its series and
    basis in the same year, stored before or in this file. A total that falls somewhere is found
    where it first falls: any fall shows between two neighbours.
    """
    falls = [t.id for t in plan.targets.values() if t.kind in (Kind.CUMULATIVE, Kind.MILESTONE)]
    jumps = {t.id: t.reporting.max_jump for t in plan.targets.values() if t.reporting.max_jump is not None}
    watched = sorted(set(falls) | set(jumps))
    if not watched:
        return []
    o, s, h = ObservationRecord, staging, shapes
    in_file = sa.exists().where(s.c.target_id == o.target_id, s.c.breakdown == o.breakdown)
    figures = (
        sa.select(
            col(o.target_id), col(o.breakdown), col(o.period), col(o.period_end), col(o.basis), col(o.value),
            col(o.ingestion_id), col(o.source_row), col(Ingestion.file_name).label("file"),
        )
        .join_from(o, Ingestion, col(Ingestion.id) == col(o.ingestion_id))
        .where(col(o.is_current), col(o.target_id).in_(watched), in_file)
        .subquery("figures")
    )  # fmt: skip
    f = figures.c
    series = (f.target_id, f.breakdown, f.basis, sa.extract("year", f.period_end))
    before = {name: sa.func.lag(f[name]).over(partition_by=series, order_by=(f.period_end, f.period))
              for name in ("value", "period", "period_end", "ingestion_id", "file", "source_row")}  # fmt: skip
    paired = sa.select(*f, *(c.label(f"before_{n}") for n, c in before.items())).subquery("paired")
    p = paired.c
    value, earlier = sa.cast(p.value, sa.Numeric), sa.cast(p.before_value, sa.Numeric)
    suspect = [sa.and_(p.target_id.in_(falls), p.basis == Basis.YEAR_TO_DATE.value, earlier > value)]
    for target_id, bound in jumps.items():
        change = sa.case((value > earlier, value - earlier), else_=earlier - value)
        size = sa.case((earlier > 0, earlier), else_=-earlier)
        suspect.append(sa.and_(p.target_id == target_id, earlier != 0, change * 100 > size * bound))
    corrected = sa.exists().where(s.c.source_row == p.source_row, h.c.id == s.c.shape, h.c.correction)
    query = (
        sa.select(paired)
        .where(p.ingestion_id == ingestion_id, p.before_period_end < p.period_end, sa.or_(*suspect),
               sa.not_(corrected))
        .order_by(p.source_row)
        .limit(MAX_HELD)
    )  # fmt: skip
    return [
        found for row in connection.execute(query) if (found := _held(plan, row._mapping, ingestion_id, falls, jumps))
    ]


def _held(plan: Plan, row: Any, ingestion_id: int, falls: list[str], jumps: dict[str, Decimal]) -> Problem | None:
    """The problem with a suspect figure, checked exactly (the database compared them as numbers)."""
    target = plan.targets[row["target_id"]]
    value, earlier = Decimal(row["value"]), Decimal(row["before_value"])
    line, file = row["before_source_row"], row["before_file"]
    if row["before_ingestion_id"] == ingestion_id:
        source, source_vi = f"row {line} of this file", f"dòng {line} của tệp này"
    else:
        source, source_vi = f"{file} row {line}", f"tệp {file}, dòng {line}"
    facts = {
        "earlier": row["before_period"], "earlier_vi": formatting.period(row["before_period"]),
        "earlier_value": decimal_text(earlier), "earlier_value_vi": formatting.number(earlier), "unit": target.unit,
        "source": source, "source_vi": source_vi,
    }  # fmt: skip
    shown = decimal_text(value)
    if target.id in falls and row["basis"] == Basis.YEAR_TO_DATE.value and value < earlier:
        return Problem(Code.BELOW_EARLIER, row["source_row"], "value", shown, facts)
    bound = jumps.get(target.id)
    if bound is not None and earlier:
        with localcontext(prec=PRECISION):
            change = abs(value - earlier) * 100 / abs(earlier)
            rounded = change.quantize(Decimal("0.1"))
        if change > bound:
            facts |= {"change": decimal_text(rounded), "change_vi": formatting.number(rounded),
                      "bound": decimal_text(bound), "bound_vi": formatting.number(bound)}  # fmt: skip
            return Problem(Code.JUMP, row["source_row"], "value", shown, facts)
    return None
