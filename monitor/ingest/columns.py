"""The columns of a data file: their names as departments write them, the header row that names
them (found below a sheet's letterhead and title), and the rows a reader hands on.

A header is a row whose cells name columns: the ids (``target``, ``period``, ``value`` …), their
Vietnamese names (``chỉ tiêu``, ``kỳ``, ``giá trị`` …), and the columns shown for people only
(``STT``, ``tên chỉ tiêu``). The first row of a file's first `HEADER_SEARCH` rows that names at
least two columns is the header; the rows above it are the letterhead and the title.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from monitor.ingest.shown import listed

COLUMNS = ("target", "period", "value", "breakdown", "basis", "unit", "status", "note")
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
    "đvt": "unit",
    "trạng thái": "status",
    "ghi chú": "note",
}
# Columns shown for people and not read: the names beside the ids of the portal's template, and
# the row numbering of an official form.
SHOWN_ONLY = frozenset({"tên chỉ tiêu", "tên phân tổ", "tên kỳ", "target name", "part name", "stt", "tt", "số tt"})
# A column shown only that stands for a read one the file lacks: an official form names its
# targets and parts in these.
STANDS_FOR = {"tên chỉ tiêu": "target", "tên phân tổ": "breakdown", "nguồn vốn": "breakdown"}
HEADER_SEARCH = 30  # rows of a file looked through for its header


class FileError(ValueError):
    """The file as a whole cannot be read: its kind, its encoding, its header."""


@dataclass(slots=True)
class Row:
    """One data row: its number as the author sees it, and its cells by column name."""

    number: int
    cells: dict[str, Any]
    value_as_percent: bool = False  # the value is an Excel number formatted as 0.0%
    problem: str | None = None  # the row cannot be read as columns at all


# A regular CSV row in the form the checker reads fastest: its cells in `COLUMNS` order (None
# for a column the file lacks), then its row number.
Line = tuple[Any, ...]


def as_row(line: Line) -> Row:
    """The `Row` a `Line` stands for."""
    return Row(line[-1], {column: cell for column, cell in zip(COLUMNS, line, strict=False) if cell is not None})


def header_text(cell: Any) -> str:
    """A header cell as it is compared: composed, single blanks, lower case."""
    if cell is None:
        return ""
    return unicodedata.normalize("NFC", " ".join(str(cell).split()).lower())


def _known(text: str) -> bool:
    return text in ALIASES or text in COLUMNS or text in SHOWN_ONLY or text in STANDS_FOR


def looks_like_header(cells: Sequence[Any]) -> bool:
    """Whether a row names at least two columns (a title or a figure does not)."""
    return sum(1 for cell in cells if _known(header_text(cell))) >= 2


def find_header(rows: Sequence[Sequence[Any]]) -> int:
    """The index in `rows` (the first rows of a file) of its header: the first that names columns;
    0 when none does, so that the first row's own problems are told."""
    for index, cells in enumerate(rows[:HEADER_SEARCH]):
        if looks_like_header(cells):
            return index
    return 0


def columns(header: Sequence[Any], where: str) -> list[str | None]:
    """Map a header row to column names; unknown headers are refused, required ones checked."""
    texts = [header_text(cell) for cell in header]
    names: list[str | None] = []
    unknown = []
    for cell, text in zip(header, texts, strict=True):
        name = ALIASES.get(text, text)
        if not text or text in SHOWN_ONLY or text in STANDS_FOR:
            names.append(None)
        elif name in COLUMNS:
            names.append(name)
        else:
            names.append(None)
            unknown.append(str(cell))
    if unknown:
        raise FileError(f"{where}: unknown column(s) {listed(unknown, 'columns')}; expected {', '.join(COLUMNS)}")
    for index, text in enumerate(texts):  # "tên chỉ tiêu" holds the targets of a form without ids
        stands = STANDS_FOR.get(text)
        if stands and stands not in names and texts.count(text) == 1:
            names[index] = stands
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        raise FileError(f"{where}: column(s) {', '.join(repeated)} appear more than once")
    missing = [c for c in REQUIRED if c not in names]
    if missing:
        raise FileError(f"{where}: missing column(s) {', '.join(missing)}; a data file needs {', '.join(REQUIRED)}")
    return names


# A total row's label, as forms write it: "Tổng cộng", "TỔNG SỐ", "Cộng", "Tổng cộng (I+II)".
_TOTAL = re.compile(r"(?:tổng cộng|tổng số|tổng|cộng)\s*[:.]?\s*(?:\([^)]*\))?")
# A unit stated above the header: "Đơn vị tính: tỷ đồng", "(ĐVT: tỷ đồng)".
_UNIT = re.compile(r"\(?\s*(?:đơn vị tính|đơn vị|đvt)\s*:\s*(?P<unit>[^()]+?)\s*\)?", re.IGNORECASE)


def is_total(cell: Any) -> bool:
    """Whether a cell is a total row's label."""
    return type(cell) is str and bool(cell) and _TOTAL.fullmatch(header_text(cell)) is not None


def stated_unit(cell: Any) -> str | None:
    """The unit a title cell states ("Đơn vị tính: tỷ đồng"), if it states one."""
    if type(cell) is not str:
        return None
    found = _UNIT.fullmatch(unicodedata.normalize("NFC", " ".join(cell.split())).strip())
    if found is None:
        return None
    unit = found["unit"].strip()
    return unit[:1].lower() + unit[1:] if unit else None
