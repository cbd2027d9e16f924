"""A sheet in the official layout: the letterhead and title above, the header found below them,
merged cells, a unit row, the numbering of the columns, the rows.

- The header is the first of the sheet's first rows that names columns (`columns.find_header`);
  the rows above it are the title, and a title cell may state the unit ("Đơn vị tính: tỷ đồng").
- Merged cells: a header cell merged down over the next rows makes those rows part of the header;
  a body cell merged down (a target's name beside its parts) applies to each row it spans.
- Right under the header, a row numbering the columns ("(1)", "(2)", "A", "B") is skipped, and a
  row giving only the unit of the value column is that unit for the rows that give none.
- Total rows and section headings are settled by `totals`.
Row numbers stay the sheet's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from monitor.ingest.columns import HEADER_SEARCH, FileError, Line, Row, columns, find_header, is_total, stated_unit
from monitor.ingest.limits import Limits
from monitor.ingest.totals import Totals
from monitor.ingest.workbooks import Merge, Sheet, SheetRow, damage
from rules import Plan

_NUMBERING = re.compile(r"\(?[0-9A-Za-z]{1,3}\)?(?:=[0-9()+\-*/]+)?")


class Layout:
    """Where a sheet's header is, what its title states, and what comes right under its header."""

    def __init__(self, head: list[SheetRow], merges: list[Merge], where: str) -> None:
        filled = [(number, values) for number, values, _ in head if any(_filled(v) for v in values)]
        if not filled:
            raise FileError("the first sheet is empty; expected a header row: target, period, value, ...")
        at = find_header([values for _, values in filled])
        self.header_row, header = filled[at]
        self.names = columns(header, f"{where} row {self.header_row}")
        self.official = at > 0  # a title stands above the header
        self.unit = next((u for _, values in filled[:at] for v in values if (u := stated_unit(v))), None)
        self.title_rows = [number for number, _ in filled[:at]]
        # Rows merged into the header from its cells (a two-row header).
        self.body_from = 1 + max([self.header_row, *(r2 for r1, _, r2, _ in merges if r1 == self.header_row)])

    def under_header(self, values: list[Any]) -> str | None:
        """What a row right under the header is: "numbering", "unit" (the unit of the value column), or None."""
        cells = [v for v in values if _filled(v)]
        if cells and all(isinstance(v, (str, int)) and _NUMBERING.fullmatch(str(v).strip()) for v in cells):
            return "numbering"
        named = dict(zip(self.names, values, strict=False))
        value = named.get("value")
        alone = not any(_filled(named.get(c)) for c in ("target", "period"))
        if isinstance(value, str) and value.strip() and alone and not any(ch.isdigit() for ch in value):
            return "unit"
        return None


def sheet_rows(sheet: Sheet, limits: Limits, plan: Plan | None) -> tuple[Layout, Iterator[Row | Line]]:
    """The layout of `sheet` and its data rows; `FileError` for a sheet without a header or beyond
    `limits`."""
    where = f"sheet {sheet.title!r}"
    head: list[SheetRow] = []
    try:
        for row in sheet.rows:
            head.append(row)
            if len(head) >= HEADER_SEARCH:
                break
        layout = Layout(head, sheet.merges, where)
    except FileError:
        sheet.close()
        raise
    except Exception as exc:
        sheet.close()
        raise FileError(f"{where} row {len(head) + 1}: the workbook is damaged: {damage(exc)}") from exc
    rows = _body(sheet, head, layout, limits, where)
    return layout, Totals(plan, official=layout.official, unit=layout.unit).settled(rows)


def _rest(head: list[SheetRow], sheet: Sheet) -> Iterator[SheetRow]:
    yield from head
    yield from sheet.rows


def _body(sheet: Sheet, head: list[SheetRow], layout: Layout, limits: Limits, where: str) -> Iterator[Row]:
    names = layout.names
    value_at = names.index("value")
    last = limits.rows + layout.header_row
    starts: dict[int, list[tuple[int, int]]] = {}  # row -> (column index, last row) of cells merged down
    for r1, c1, r2, _ in sheet.merges:
        if r2 > r1 and r1 >= layout.body_from:
            starts.setdefault(r1, []).append((c1 - 1, r2))
    carried: dict[int, tuple[int, Any]] = {}  # column index -> (last row, value) of a merged cell
    unit = None
    number = layout.header_row
    try:
        for number, values, percent in _rest(head, sheet):
            if number < layout.body_from:
                if number > layout.header_row and layout.under_header(values) == "unit":  # under a merged header
                    unit = str(values[value_at]).strip()
                continue
            if number > last:
                raise FileError(f"{where} row {number}: {limits.too_many_rows()}")
            for column, end in starts.get(number, ()):
                if column < len(values):
                    carried[column] = (end, values[column])
            for column, (end, value) in list(carried.items()):
                if number > end:
                    del carried[column]
                elif column < len(values) and not _filled(values[column]):
                    values[column] = value
            if number == layout.body_from:
                seen = layout.under_header(values)
                if seen == "numbering":
                    continue
                if seen == "unit":
                    unit = str(values[value_at]).strip()
                    continue
            cells = {}
            for name, value in zip(names, values, strict=False):
                if name is None or value is None:
                    continue
                if type(value) is str and len(value) > limits.cell_chars:
                    raise FileError(f"{where} row {number} column {name}: {limits.too_long()}")
                cells[name] = value
            if "target" not in cells:  # "Tổng cộng" written in the numbering column
                label = next((v for n, v in zip(names, values, strict=False) if n is None and is_total(v)), None)
                if label is not None:
                    cells["target"] = label
            if unit and "unit" not in cells and "value" in cells:
                cells["unit"] = unit
            if cells:
                yield Row(number, cells, value_at < len(values) and percent(value_at))
    except FileError:
        raise
    except Exception as exc:  # what the readers' parsers raise on a damaged sheet
        raise FileError(f"{where} row {number + 1}: the workbook is damaged: {damage(exc)}") from exc
    finally:
        sheet.close()


def _filled(cell: Any) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())
