"""Total rows ("Tổng cộng", "Tổng số"), the section headings and the unit of an official form.

A total row is recognised by its label, in the target column or the breakdown column:
- a row that names its target and reads "Tổng số" as its part is that target's total;
- a "Tổng cộng" row under rows that are all parts of one target for one period is that target's
  total for that period (its target and period are taken from those rows);
- any other total row (under rows of several targets or periods, under rows that already hold
  the total, or the 100 % under a share set's shares) is only a sum of the rows, and is skipped:
  a sum is never stored twice.
In a sheet of the official layout (a title above the header), a row with neither period nor value
is a section heading ("I. Kinh tế"), skipped, and the unit the title states ("Đơn vị tính: tỷ
đồng") is the unit of every row that gives none.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from monitor.ingest.columns import Line, Row, as_row, is_total
from monitor.ingest.names import TargetNames
from rules import Plan, Target

_MIXED = ("", "")  # the rows since the last total are of several targets or periods


class Totals:
    """Settles the total rows of one file against `plan` (without a plan, no share set is known)."""

    def __init__(self, plan: Plan | None, *, official: bool = False, unit: str | None = None) -> None:
        self.plan = plan
        self.official = official
        self.unit = unit
        self._labels: dict[Any, bool] = {None: False, "": False}
        self._names: TargetNames | None = None

    def settled(self, items: Iterator[Row | Line]) -> Iterator[Row | Line]:
        """`items`, their total rows settled, headings skipped and the stated unit filled in."""
        labels = self._labels
        group: tuple[Any, Any] | None = None  # the (target, period) of the rows since the last total
        parts_only = True
        for item in items:
            if type(item) is tuple:
                target, period, breakdown = item[0], item[1], item[3]
                total = labels.get(target)
                if total is None:
                    total = labels[target] = is_total(target)
                part_total = labels.get(breakdown)
                if part_total is None:
                    part_total = labels[breakdown] = is_total(breakdown)
                if not (total or part_total or self.unit or self.official):
                    key = (target, period)
                    if group is None:
                        group = key
                    elif group != key:
                        group = _MIXED
                    parts_only = parts_only and bool(breakdown)
                    yield item
                    continue
                item = as_row(item)
            row: Row = item  # type: ignore[assignment]
            cells = row.cells
            if row.problem is None:
                target, period, breakdown = cells.get("target"), cells.get("period"), cells.get("breakdown")
                if is_total(breakdown) and target and not is_total(target):
                    group, parts_only = None, True
                    total_row = self._total(row, target, period)
                    if total_row is not None:
                        yield total_row
                    continue
                if is_total(target):
                    settled = None
                    if group not in (None, _MIXED) and parts_only:
                        assert group is not None
                        settled = self._total(row, group[0], period if _filled(period) else group[1])
                    group, parts_only = None, True
                    if settled is not None:
                        yield settled
                    continue
                if self.official and not _filled(period) and not _filled(cells.get("value")):
                    group, parts_only = None, True  # a section heading
                    continue
                key = (target, period)
                if group is None:
                    group = key
                elif group != key:
                    group = _MIXED
                parts_only = parts_only and _filled(breakdown)
                if self.unit and not _filled(cells.get("unit")):
                    cells["unit"] = self.unit
            yield row

    def _total(self, row: Row, target: Any, period: Any) -> Row | None:
        """The total row as its target's total figure; None for a share set's (a sum of shares)."""
        found = self._target(target)
        if found is not None and found.parts:
            return None
        cells = {k: v for k, v in row.cells.items() if k != "breakdown"}
        cells["target"], cells["period"] = target, period
        if self.unit and not _filled(cells.get("unit")):
            cells["unit"] = self.unit
        return Row(row.number, cells, row.value_as_percent)

    def _target(self, cell: Any) -> Target | None:
        if self.plan is None or not isinstance(cell, str):
            return None
        direct = self.plan.targets.get(cell)
        if direct is not None:
            return direct
        if self._names is None:
            self._names = TargetNames(self.plan)
        found = self._names.find(cell)
        return found if isinstance(found, Target) else None


def _filled(cell: Any) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())
