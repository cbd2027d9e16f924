"""Reading the rows of a data file (CSV, Excel .xlsx and .xls, OpenDocument .ods, JSON), streamed,
with their row numbers.

Row numbers are what the person who wrote the file sees: the spreadsheet's own row (the header
may stand below a title: see `layout`), the CSV record, or the item's position in a JSON array
(from 1). CSV text may be UTF-8, UTF-16 or Windows-1258 (`encodings`).
"""

from __future__ import annotations

import csv
import itertools
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from monitor.ingest import encodings
from monitor.ingest.columns import (
    COLUMNS,
    HEADER_SEARCH,
    FileError,
    Line,
    Row,
    as_row,
    columns,
    find_header,
    looks_like_header,
    stated_unit,
)
from monitor.ingest.layout import Layout, sheet_rows
from monitor.ingest.limits import DEFAULTS, Limits
from monitor.ingest.shown import listed, quoted, shown
from monitor.ingest.totals import Totals
from monitor.ingest.workbooks import open_sheet
from rules import Plan

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".xls": "xls", ".ods": "ods", ".json": "json"}


class Note(str):
    """How a file was read, said in English (the text itself: the operator's) and in Vietnamese
    (`vietnamese`: the department's)."""

    vietnamese: str

    def __new__(cls, english: str, vietnamese: str) -> Note:
        note = super().__new__(cls, english)
        note.vietnamese = vietnamese
        return note

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        return str(self), self.vietnamese


JSON_DEPTH = 100  # where a JSON file too deep to parse is said to go too deep (rows need 3 levels)


def file_format(path: Path) -> str:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise FileError(f"unsupported file type '{path.suffix}'; expected .csv, .xlsx, .xls, .ods or .json") from None


def read_rows(path: Path, limits: Limits = DEFAULTS, plan: Plan | None = None) -> Iterator[Row]:
    """The data rows of `path`, one at a time; `FileError` for a file that cannot be read at all,
    or one beyond `limits` (rows, a cell's length, a workbook's unpacked size). With the `plan`,
    a total row under a share set's shares is known for the sum it is (see `totals`)."""
    items = read_lines(path, limits, plan)
    return (item if isinstance(item, Row) else as_row(item) for item in items)


def read_lines(path: Path, limits: Limits = DEFAULTS, plan: Plan | None = None) -> Iterator[Row | Line]:
    """As `read_rows`, but a regular CSV row comes as a `Line`, which is quicker to make and to read."""
    return reading(path, limits, plan).lines


@dataclass(frozen=True)
class Reading:
    """A data file whose head has been read: its lines to come (`read_lines`), and what a report
    says of how it was read (`reading_notes`), known from that head."""

    lines: Iterator[Row | Line]
    notes: list[Note]


def reading(path: Path, limits: Limits = DEFAULTS, plan: Plan | None = None) -> Reading:
    """`path` opened and its head read, for its lines and its notes from the one read."""
    kind = file_format(path)
    if kind == "csv":
        head = _csv_head(path, limits)
        return Reading(_csv_rows(head, limits, plan), _csv_notes(head, path))
    if kind == "json":
        return Reading(_json_rows(path, limits), [])
    layout, rows = sheet_rows(open_sheet(path, limits), limits, plan)
    return Reading(rows, _layout_notes(layout.official, layout.header_row, layout.unit))


def reading_notes(path: Path, limits: Limits = DEFAULTS) -> list[Note]:
    """What a report says of how `path` was read, where it was not as plainly as can be: the
    encoding assumed for CSV text that is not UTF-8, the header found below a title, the unit the
    title states. (Its head alone is read; `reading` gives them with the lines.)"""
    kind = file_format(path)
    if kind == "json":
        return []
    if kind == "csv":
        head = _csv_head(path, limits)
        head.handle.close()
        return _csv_notes(head, path)
    sheet = open_sheet(path, limits)
    try:
        layout = Layout(list(itertools.islice(sheet.rows, HEADER_SEARCH)), sheet.merges, f"sheet {sheet.title!r}")
    finally:
        sheet.close()
    return _layout_notes(layout.official, layout.header_row, layout.unit)


def _csv_notes(head: _CsvHead, path: Path) -> list[Note]:
    notes: list[Note] = []
    if head.encoding is not encodings.UTF8:
        encoding = encodings.name(head.encoding, path)
        notes.append(Note(f"read as {encoding} text", f"tệp CSV được đọc theo mã {encoding}"))
    return notes + _layout_notes(head.official, head.header_row, head.unit)


def _layout_notes(official: bool, header_row: int, unit: str | None) -> list[Note]:
    """The notes on a header found below a title, and on the unit the title states."""
    notes: list[Note] = []
    if official:
        notes.append(Note(f"the header is row {header_row}, under the title",
                          f"dòng tiêu đề cột là dòng {header_row}, dưới tên báo cáo"))  # fmt: skip
    if unit:
        notes.append(Note(f"in {unit}, as the title states", f"đơn vị tính {unit}, theo dòng ghi ở đầu biểu"))
    return notes


@dataclass
class _CsvHead:
    """A CSV file opened, its header found: what its body is read with."""

    encoding: encodings.TextEncoding
    handle: Any
    rest: Iterator[str]  # the lines after the header
    names: list[str | None]
    delimiter: str
    header_row: int
    unit: str | None
    official: bool  # a title stands above the header


def _csv_head(path: Path, limits: Limits) -> _CsvHead:
    # The csv module's own limit on a cell's length serves: it is checked as the line is parsed.
    # It is the process's, and every CSV file read sets it.
    csv.field_size_limit(limits.cell_chars)
    encoding = encodings.detect(path)
    handle = path.open(encoding=encoding.codec, newline="")
    text = encodings.lines(handle, encoding)
    try:
        head = list(itertools.islice(text, HEADER_SEARCH))
        if not any(line.strip() for line in head):
            raise FileError("the file is empty; expected a header row: target, period, value, ...")
        split: list[tuple[list[str], str]] = []
        for number, line in enumerate(head, start=1):
            try:
                split.append(_split(line))
            except csv.Error as exc:
                if number == 1:
                    raise FileError(f"row 1: {_csv_problem(exc, limits)}") from exc
                split.append(([], ","))  # not a header: the body's reading says what is wrong with it
            if looks_like_header(split[-1][0]):
                break
        at = find_header([cells for cells, _ in split])
        header, delimiter = split[at]
        names = columns(header, f"row {at + 1}")
    except (UnicodeDecodeError, FileError) as exc:
        handle.close()
        raise _encoding_error(exc, encoding) from exc
    unit = next((u for cells, _ in split[:at] for cell in cells if (u := stated_unit(cell))), None)
    official = any(any(c.strip() for c in cells) for cells, _ in split[:at])
    rest = itertools.chain(head[at + 1 :], text)
    return _CsvHead(encoding, handle, rest, names, delimiter, at + 1, unit, official)


def _csv_rows(head: _CsvHead, limits: Limits, plan: Plan | None) -> Iterator[Row | Line]:
    body = _csv_body(head.handle, head.rest, head.names, head.delimiter, limits, head.header_row, head.encoding)
    return Totals(plan, official=head.official, unit=head.unit).settled(body)


def _split(line: str) -> tuple[list[str], str]:
    """A line's cells, split by the delimiter it holds most of."""
    delimiter = max(",;\t", key=line.count)
    return next(csv.reader([line], delimiter=delimiter), []), delimiter


def _encoding_error(exc: Exception, encoding: encodings.TextEncoding) -> FileError:
    if isinstance(exc, FileError):
        return exc
    assert isinstance(exc, UnicodeDecodeError)
    return FileError(f"not {encoding.name} text ({exc.reason}); save the CSV as UTF-8")


def _csv_problem(exc: csv.Error, limits: Limits) -> str:
    if "field larger than field limit" in str(exc):
        return limits.too_long()
    if "unexpected end of data" in str(exc):
        return 'a quoted cell is not closed: the file ends inside it; expected a closing " (is the file cut short?)'
    if "expected after" in str(exc):
        return (
            'a quoted cell goes on after its closing "; expected the delimiter next (a " inside a cell is written "")'
        )
    return f"not readable as CSV: {exc}"


def _csv_body(
    handle: Any,
    text: Iterator[str],
    names: list[str | None],
    delimiter: str,
    limits: Limits,
    header_row: int,
    encoding: encodings.TextEncoding,
) -> Iterator[Row | Line]:
    width = len(names)
    last = limits.rows + header_row
    # The cells of each column in COLUMNS order; a column the file lacks reads the None appended
    # to each record, at index `width`.
    pick = itemgetter(*[names.index(column) if column in names else width for column in COLUMNS])
    number = header_row
    with handle:
        try:
            # strict: a file cut short inside a quoted cell is refused, not stored with the cell's first half
            for number, record in enumerate(csv.reader(text, delimiter=delimiter, strict=True), start=header_row + 1):
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
            raise _encoding_error(exc, encoding) from exc
        except csv.Error as exc:
            raise FileError(f"row {number + 1}: {_csv_problem(exc, limits)}") from exc


def _json_rows(path: Path, limits: Limits) -> Iterator[Row]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"), object_pairs_hook=_json_object)
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
    names = dict(zip(keys, columns(keys, "JSON keys"), strict=True))
    return _json_body(data, names, limits)


class _Twice(dict[str, Any]):
    """A JSON object holding keys more than once (of which `json` would keep the last, unsaid): which."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.keys_twice = [k for k, n in Counter(k for k, _ in pairs).items() if n > 1]


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    made = dict(pairs)
    return made if len(made) == len(pairs) else _Twice(pairs)


def _json_body(data: list[Any], names: dict[str, str | None], limits: Limits) -> Iterator[Row]:
    for number, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            yield Row(number, {}, problem=f"expected an object with target, period, value; found {shown(item)}")
            continue
        if isinstance(item, _Twice):
            yield Row(
                number, {}, problem=f"the key(s) {listed(item.keys_twice, 'keys')} appear more than once in the row"
            )
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


__all__ = [
    "FORMATS",
    "FileError",
    "Line",
    "Note",
    "Reading",
    "Row",
    "as_row",
    "file_format",
    "read_lines",
    "read_rows",
    "reading",
    "reading_notes",
]
