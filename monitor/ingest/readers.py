"""Reading the rows of a data file (CSV, Excel .xlsx, JSON), streamed, with their row numbers.

Row numbers are what the person who wrote the file sees: the spreadsheet row (the header is row
1), or the item's position in a JSON array (from 1).
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from monitor.ingest.limits import DEFAULTS, Limits
from monitor.ingest.shown import cause, listed, quoted, shown

COLUMNS = ("target", "period", "value", "breakdown", "basis", "unit", "status", "note", "correction")
REQUIRED = ("target", "period", "value")
# Headers as departments write them, mapped to the column they mean.
ALIASES = {
    "chỉ tiêu": "target",
    "mã chỉ tiêu": "target",
    "kỳ": "period",
    "kỳ báo cáo": "period",
    "giá trị": "value",
    "số liệu": "value",
    "phân tổ": "breakdown",
    "cơ sở": "basis",
    "đơn vị": "unit",
    "đơn vị tính": "unit",
    "trạng thái": "status",
    "ghi chú": "note",
    "điều chỉnh": "correction",
    "số điều chỉnh": "correction",
}
# Columns shown for people and not read, such as the names beside the ids of the portal's template.
SHOWN_ONLY = frozenset({"tên chỉ tiêu", "tên phân tổ", "tên kỳ", "target name", "part name"})
FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".json": "json"}
JSON_DEPTH = 100  # where a JSON file too deep to parse is said to go too deep (rows need 3 levels)


class FileError(ValueError):
    """The file as a whole cannot be read: its kind, its encoding, its header."""


@dataclass(slots=True)
class Row:
    """One data row: its number as the author sees it, and its cells by column name."""

    number: int
    cells: dict[str, Any]
    value_as_percent: bool = False  # the value is an Excel number formatted as 0.0%
    problem: str | None = None  # the row cannot be read as columns at all


def file_format(path: Path) -> str:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise FileError(f"unsupported file type '{path.suffix}'; expected .csv, .xlsx or .json") from None


# A regular CSV row in the form the checker reads fastest: its cells in `COLUMNS` order (None
# for a column the file lacks), then its row number.
Line = tuple[Any, ...]


def as_row(line: Line) -> Row:
    """The `Row` a `Line` stands for."""
    return Row(line[-1], {column: cell for column, cell in zip(COLUMNS, line, strict=False) if cell is not None})


def read_rows(path: Path, limits: Limits = DEFAULTS) -> Iterator[Row]:
    """The data rows of `path`, one at a time; `FileError` for a file that cannot be read at all,
    or one beyond `limits` (rows, a cell's length, a workbook's unpacked size)."""
    items = read_lines(path, limits)
    return (item if isinstance(item, Row) else as_row(item) for item in items)


def read_lines(path: Path, limits: Limits = DEFAULTS) -> Iterator[Row | Line]:
    """As `read_rows`, but a regular CSV row comes as a `Line`, which is quicker to make and to read."""
    kind = file_format(path)
    if kind == "csv":
        return _csv_rows(path, limits)
    if kind == "xlsx":
        return _xlsx_rows(path, limits)
    return _json_rows(path, limits)


def _columns(header: list[Any], where: str) -> list[str | None]:
    """Map a header row to column names; unknown headers are refused, required ones checked."""
    names: list[str | None] = []
    unknown = []
    for cell in header:
        text = " ".join(str(cell).split()).lower() if cell is not None else ""
        name = ALIASES.get(text, text)
        if not text or text in SHOWN_ONLY:
            names.append(None)
        elif name in COLUMNS:
            names.append(name)
        else:
            names.append(None)
            unknown.append(str(cell))
    if unknown:
        raise FileError(f"{where}: unknown column(s) {listed(unknown, 'columns')}; expected {', '.join(COLUMNS)}")
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        raise FileError(f"{where}: column(s) {', '.join(repeated)} appear more than once")
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise FileError(f"{where}: missing column(s) {', '.join(missing)}; a data file needs {', '.join(REQUIRED)}")
    return names


def _csv_rows(path: Path, limits: Limits) -> Iterator[Row | Line]:
    # The csv module's own limit on a cell's length serves: it is checked as the line is parsed.
    # It is the process's, and every CSV file read sets it.
    csv.field_size_limit(limits.cell_chars)
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
        first = handle.readline()
    except UnicodeDecodeError as exc:
        raise FileError(f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the CSV as UTF-8") from exc
    if not first.strip():
        handle.close()
        raise FileError("the file is empty; expected a header row: target, period, value, ...")
    delimiter = max(",;\t", key=first.count)
    try:
        header = next(csv.reader([first], delimiter=delimiter))
    except csv.Error as exc:
        handle.close()
        raise FileError(f"row 1: {_csv_problem(exc, limits)}") from exc
    names = _columns(header, "row 1")
    return _csv_body(handle, names, delimiter, limits)


def _csv_problem(exc: csv.Error, limits: Limits) -> str:
    if "field larger than field limit" in str(exc):
        return limits.too_long()
    return f"not readable as CSV: {exc}"


def _csv_body(handle: Any, names: list[str | None], delimiter: str, limits: Limits) -> Iterator[Row | Line]:
    width = len(names)
    last = limits.rows + 1  # the header is row 1
    # The cells of each column in COLUMNS order; a column the file lacks reads the None appended
    # to each record, at index `width`.
    pick = itemgetter(*[names.index(column) if column in names else width for column in COLUMNS])
    number = 1
    with handle:
        try:
            for number, record in enumerate(csv.reader(handle, delimiter=delimiter), start=2):
                if number > last:
                    raise FileError(f"row {number}: {limits.too_many_rows()}")
                if len(record) == width and record[0]:
                    record.append(None)  # type: ignore[arg-type]  # read by `pick` for a missing column
                    yield (*pick(record), number)
                    continue
                if not any(cell.strip() for cell in record):
                    continue
                if len(record) > width:
                    extra = [c for c in record[width:] if c.strip()]
                    if extra:
                        yield Row(number, {}, problem=f"more cells than columns: {listed(extra, 'cells')}")
                        continue
                yield Row(number, {n: c for n, c in zip(names, record, strict=False) if n})
        except UnicodeDecodeError as exc:
            raise FileError(f"not UTF-8 text ({exc.reason}); save the CSV as UTF-8") from exc
        except csv.Error as exc:
            raise FileError(f"row {number + 1}: {_csv_problem(exc, limits)}") from exc


def _xlsx_rows(path: Path, limits: Limits) -> Iterator[Row]:
    from openpyxl import load_workbook

    unreadable = "not a readable .xlsx workbook (empty, truncated or another format)"
    try:
        with zipfile.ZipFile(path) as archive:
            too_big = limits.workbook_problem(archive)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileError(f"{unreadable}: {exc}") from exc
    if too_big:
        raise FileError(too_big)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileError(f"{unreadable}: {exc}") from exc
    except Exception as exc:  # openpyxl raises what its parsers raise: ParseError, IndexError, …
        raise FileError(f"not a readable .xlsx workbook: {_damage(exc)}") from exc
    if not book.worksheets:
        book.close()
        raise FileError("not a readable .xlsx workbook: it has no sheet")
    sheet = book.worksheets[0]
    where = f"sheet {sheet.title!r}"
    rows = sheet.iter_rows()
    try:
        header = next(rows)
    except StopIteration:
        book.close()
        raise FileError("the first sheet is empty; expected a header row: target, period, value, ...") from None
    except Exception as exc:
        book.close()
        raise FileError(f"{where} row 1: the workbook is damaged: {_damage(exc)}") from exc
    names = _columns([c.value for c in header], f"{where} row 1")
    return _xlsx_body(book, rows, names, where, limits)


def _damage(exc: Exception) -> str:
    """What is wrong with a workbook openpyxl cannot read, on one line."""
    if isinstance(exc, ParseError):
        return f"broken XML: {exc}"
    return cause(exc)


def _xlsx_body(book: Any, rows: Iterator[Any], names: list[str | None], where: str, limits: Limits) -> Iterator[Row]:
    number = 1
    last = limits.rows + 1  # the header is row 1
    try:
        for number, cells in enumerate(rows, start=2):
            if number > last:
                raise FileError(f"{where} row {number}: {limits.too_many_rows()}")
            values = {}
            percent = False
            for name, cell in zip(names, cells, strict=False):
                value = cell.value
                if name is None or value is None:
                    continue
                if type(value) is str and len(value) > limits.cell_chars:
                    raise FileError(f"{where} row {number} column {name}: {limits.too_long()}")
                values[name] = value
                # Only a number can be shown as a percentage, and only the value's format matters.
                if name == "value" and type(value) in (int, float) and "%" in str(getattr(cell, "number_format", "")):
                    percent = True
            if values:
                yield Row(number, values, percent)
    except (zipfile.BadZipFile, KeyError, OSError) as exc:
        raise FileError(f"the workbook is truncated or damaged: {exc}") from exc
    except FileError:
        raise
    except Exception as exc:  # what openpyxl's parsers raise on a damaged sheet
        raise FileError(f"{where} row {number + 1}: the workbook is damaged: {_damage(exc)}") from exc
    finally:
        book.close()


def _json_rows(path: Path, limits: Limits) -> Iterator[Row]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise FileError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise FileError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc
    except RecursionError:
        raise FileError(_too_deep(path.read_text(encoding="utf-8-sig"))) from None
    if isinstance(data, dict) and isinstance(data.get("rows"), list):
        data = data["rows"]
    if not isinstance(data, list):
        raise FileError("expected a JSON array of rows (or an object with a 'rows' array)")
    if len(data) > limits.rows:
        raise FileError(f"row {limits.rows + 1}: {limits.too_many_rows()}")
    keys = sorted({k for item in data if isinstance(item, dict) for k in item})
    names = dict(zip(keys, _columns(keys, "JSON keys"), strict=True))
    return _json_body(data, names, limits)


def _json_body(data: list[Any], names: dict[str, str | None], limits: Limits) -> Iterator[Row]:
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            yield Row(number, {}, problem=f"expected an object with target, period, value; found {shown(item)}")
            continue
        cells = {}
        nested = []
        for key, value in item.items():
            name = names[key]
            if isinstance(value, (list, dict)):
                nested.append(f"{quoted(key)} holds a JSON {'array' if isinstance(value, list) else 'object'}")
            elif name and value is not None:
                if type(value) is str and len(value) > limits.cell_chars:
                    raise FileError(f"row {number} column {name}: {limits.too_long()}")
                cells[name] = value
        if nested:
            yield Row(number, {}, problem=f"{'; '.join(nested)}; expected a single text or number")
            continue
        yield Row(number, cells)


_JSON_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')  # a string (skipped), or a bracket


def _too_deep(text: str) -> str:
    """Where a JSON text nests deeper than `JSON_DEPTH`, as a message."""
    depth = 0
    for token in _JSON_NESTING.finditer(text):
        bracket = token.group()
        if bracket in ("[", "{"):
            depth += 1
            if depth > JSON_DEPTH:
                at = token.start()
                line, column = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
                return (
                    f"line {line} column {column}: nested deeper than {JSON_DEPTH} levels; "
                    "expected an array of rows of plain values"
                )
        elif bracket in ("]", "}"):
            depth -= 1
    return f"nested deeper than {JSON_DEPTH} levels; expected an array of rows of plain values"
