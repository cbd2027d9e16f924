"""Opening a workbook's first sheet: Excel .xlsx (openpyxl, streamed), Excel 97-2003 .xls and
OpenDocument .ods (python-calamine); its rows with their real numbers, and its merged cells.

Each kind is read into the same `Sheet`: rows of cell values (None for an empty cell) numbered
as the spreadsheet numbers them, the merged ranges, and whether a cell's number is formatted as a
percentage (known for .xlsx only: calamine gives the number without its format).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from monitor.ingest.columns import FileError
from monitor.ingest.limits import Limits
from monitor.ingest.shown import cause

# A merged range as (first row, first column, last row, last column), counted from 1.
Merge = tuple[int, int, int, int]
SheetRow = tuple[int, list[Any], Callable[[int], bool]]  # number, values, whether cell i is a percentage
KINDS = {".xlsx": "Excel (.xlsx)", ".xls": "Excel 97-2003 (.xls)", ".ods": "OpenDocument (.ods)"}


@dataclass
class Sheet:
    title: str
    rows: Iterator[SheetRow]
    merges: list[Merge] = field(default_factory=list)
    close: Callable[[], None] = lambda: None


def unreadable(path: Path) -> str:
    return f"not a readable {path.suffix.lower()} workbook"


def open_sheet(path: Path, limits: Limits) -> Sheet:
    """The first sheet of the workbook at `path`; `FileError` for one that cannot be read."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".ods"):
        try:
            with zipfile.ZipFile(path) as archive:
                too_big = limits.workbook_problem(archive)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise FileError(f"{unreadable(path)} (empty, truncated or another format): {exc}") from exc
        if too_big:
            raise FileError(too_big)
    if suffix == ".xlsx":
        return _xlsx(path)
    return _calamine(path)


def damage(exc: Exception) -> str:
    """What is wrong with a workbook that cannot be read, on one line."""
    if isinstance(exc, ParseError):
        return f"broken XML: {exc}"
    return cause(exc)


def _xlsx(path: Path) -> Sheet:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileError(f"{unreadable(path)} (empty, truncated or another format): {exc}") from exc
    except Exception as exc:  # openpyxl raises what its parsers raise: ParseError, IndexError, …
        raise FileError(f"{unreadable(path)}: {damage(exc)}") from exc
    if not book.worksheets:
        book.close()
        raise FileError(f"{unreadable(path)}: it has no sheet")
    sheet = book.worksheets[0]
    try:
        merges = _xlsx_merges(path, getattr(sheet, "_worksheet_path", ""))
    except (zipfile.BadZipFile, KeyError, OSError, zlib.error) as exc:
        book.close()
        raise FileError(f"{unreadable(path)}: {damage(exc)}") from exc

    def rows() -> Iterator[SheetRow]:
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            values = [cell.value for cell in cells]

            def percent(index: int, cells: Any = cells) -> bool:
                cell = cells[index]
                return type(cell.value) in (int, float) and "%" in str(getattr(cell, "number_format", ""))

            yield number, values, percent

    return Sheet(sheet.title, rows(), merges, book.close)


_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3}[0-9]+(?::[A-Z]{1,3}[0-9]+)?)"')


def _xlsx_merges(path: Path, member: str) -> list[Merge]:
    """The merged ranges of a sheet, read from its part's end (where Excel writes them) without
    parsing the rows: a streamed sheet reader only meets them after the last row."""
    from openpyxl.utils.cell import range_boundaries

    if not member:
        return []
    collected: bytearray | None = None
    with zipfile.ZipFile(path) as archive, archive.open(member.lstrip("/")) as part:
        tail = b""
        while block := part.read(1 << 20):
            if collected is None:
                text = tail + block
                at = text.find(b"mergeCells")
                if at < 0:
                    tail = text[-16:]
                    continue
                collected = bytearray(text[at:])
            else:
                collected += block
            if b"mergeCells>" in collected[10:]:  # its end tag (a prefixed one too)
                break
    found: list[Merge] = []
    for ref in _MERGE.findall(bytes(collected or b"")):
        low_col, low_row, high_col, high_row = range_boundaries(ref.decode("ascii"))
        found.append((low_row or 1, low_col or 1, high_row or 1, high_col or 1))
    return found


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_CELLS = (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell")
_PERCENTAGE = ("{urn:oasis:names:tc:opendocument:xmlns:office:1.0}value-type", "percentage")
MAX_REPEATED = 1_000  # columns a repeated percentage cell is taken to fill


def _ods_layout(path: Path) -> tuple[list[Merge], frozenset[tuple[int, int]]]:
    """The merged ranges of an .ods file's first sheet (its cells that span rows or columns), and
    its cells that hold a percentage (row, column, from 1)."""
    from xml.etree.ElementTree import iterparse

    found: list[Merge] = []
    percents: set[tuple[int, int]] = set()
    row = column = 0
    with zipfile.ZipFile(path) as archive, archive.open("content.xml") as part:
        tables = 0
        for event, element in iterparse(part, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{_TABLE}table":
                    tables += 1
                    if tables > 1:
                        break
                elif tag == f"{_TABLE}table-row":
                    column = 0
                elif tag in _CELLS:
                    rows = int(element.get(f"{_TABLE}number-rows-spanned", "1"))
                    columns = int(element.get(f"{_TABLE}number-columns-spanned", "1"))
                    repeated = int(element.get(f"{_TABLE}number-columns-repeated", "1"))
                    if tag == _CELLS[0] and (rows > 1 or columns > 1):
                        found.append((row + 1, column + 1, row + rows, column + columns))
                    if element.get(_PERCENTAGE[0]) == _PERCENTAGE[1]:
                        percents.update((row + 1, column + 1 + n) for n in range(min(repeated, MAX_REPEATED)))
                    column += repeated
            elif tag == f"{_TABLE}table-row":
                row += int(element.get(f"{_TABLE}number-rows-repeated", "1"))
                element.clear()
    return found, frozenset(percents)


def _xls_percents(path: Path) -> frozenset[tuple[int, int]]:
    """The cells of an .xls file's first sheet whose number is formatted as a percentage (row,
    column, from 1): calamine gives numbers without their format, xlrd reads the formats."""
    import xlrd  # type: ignore[import-untyped]  # xlrd ships no type information

    book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    try:
        sheet = book.sheet_by_index(0)
        shown = {key: "%" in (f.format_str or "") for key, f in book.format_map.items()}
        percent_xf = {n for n, xf in enumerate(book.xf_list) if shown.get(xf.format_key)}
        if not percent_xf:
            return frozenset()
        return frozenset(
            (r + 1, c + 1)
            for r in range(sheet.nrows)
            for c, kind in enumerate(sheet.row_types(r))
            if kind == xlrd.XL_CELL_NUMBER and sheet.cell_xf_index(r, c) in percent_xf
        )
    finally:
        book.release_resources()


def _no_percent(index: int) -> bool:
    return False


def _calamine(path: Path) -> Sheet:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine's own errors, or a file of another kind
        raise FileError(f"{unreadable(path)} (empty, truncated or another format): {damage(exc)}") from exc
    try:
        if not book.sheet_names:
            raise FileError(f"{unreadable(path)}: it has no sheet")
        sheet = book.get_sheet_by_index(0)
        start = sheet.start or (0, 0)
        ranges = sheet.merged_cell_ranges
        percents: frozenset[tuple[int, int]] = frozenset()
        if path.suffix.lower() == ".ods":  # calamine reads neither the merges nor the formats of .ods
            merges, percents = _ods_layout(path)
        else:
            merges = [(r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in ranges or []]
            percents = _xls_percents(path)
        rows = sheet.iter_rows()
    except FileError:
        book.close()
        raise
    except Exception as exc:
        book.close()
        raise FileError(f"{unreadable(path)}: {damage(exc)}") from exc
    lead: list[Any] = [None] * start[1]

    def numbered() -> Iterator[SheetRow]:
        for number, cells in enumerate(rows, start=start[0] + 1):
            values = [*lead, *(None if cell == "" else cell for cell in cells)]

            def percent(index: int, number: int = number, values: list[Any] = values) -> bool:
                return (number, index + 1) in percents and type(values[index]) in (int, float)

            yield number, values, percent if percents else _no_percent

    return Sheet(sheet.name, numbered(), merges, book.close)
