"""Reading data files: layouts departments really send, and files that cannot be read at all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import Workbook

from monitor.ingest.readers import FileError, Row, as_row, read_lines, read_rows


def test_csv_with_bom_semicolons_and_vietnamese_headers(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("\ufeffChỉ tiêu;Kỳ;Giá trị;Ghi chú\nnew-jobs;2022-Q1;8.000;\n\n", encoding="utf-8")
    rows = list(read_rows(path))
    assert [(r.number, r.cells) for r in rows] == [
        (2, {"target": "new-jobs", "period": "2022-Q1", "value": "8.000", "note": ""})
    ]


def test_a_regular_csv_row_comes_as_a_line_of_every_column(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("value;;period;target;note\n8.000;x;2022-Q1;new-jobs;\n;;;;\n;;2022;;\n", encoding="utf-8")
    line, row = read_lines(path)
    # target, period, value, breakdown, basis, unit, status, note; then the row number
    assert line == ("new-jobs", "2022-Q1", "8.000", None, None, None, None, "", 2)
    assert isinstance(row, Row)
    assert (row.number, row.cells) == (4, {"value": "", "period": "2022", "target": "", "note": ""})
    assert as_row(line) == Row(2, {"target": "new-jobs", "period": "2022-Q1", "value": "8.000", "note": ""})


def test_a_row_with_more_cells_than_columns_is_a_row_problem(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text("target,period,value\nnew-jobs,2022-Q1,8,000\n", encoding="utf-8")
    [row] = read_rows(path)
    assert row.problem == "more cells than columns: '000'"


def test_a_json_array_or_object_in_a_cell_is_a_row_problem(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('[{"target": "new-jobs", "period": ["2022"], "value": {"v": 1}}]', encoding="utf-8")
    [row] = read_rows(path)
    assert row.problem == "'period' holds a JSON array; 'value' holds a JSON object; expected a single text or number"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", b"", "the file is empty"),
        ("a.csv", b"target,value\nx,1\n", "row 1: missing column(s) period"),
        ("a.csv", b"target,period,value,amount\n", "row 1: unknown column(s) 'amount'"),
        ("a.csv", b"target,period,value,value\n", "row 1: column(s) value appear more than once"),
        # Latin-1 text of letters Vietnamese has not: neither UTF-8 nor Windows-1258 Vietnamese. (Latin-1
        # "Bác" is byte for byte Windows-1258 "Bác", and is read: see test_encodings.py.)
        ("a.csv", "target,period,value\nMüller,2022,1\n".encode("latin-1"), "not UTF-8 text"),
        ("a.xlsx", b"", "not a readable .xlsx workbook"),
        ("a.xlsx", b"PK\x03\x04truncated", "not a readable .xlsx workbook"),
        ("a.json", b'{"target": "x"}', "expected a JSON array of rows"),
        ("a.json", b"[{,]", "invalid JSON at line 1 column 3"),
        ("a.ods", b"", "not a readable .ods workbook"),
        ("a.xls", b"", "not a readable .xls workbook"),
        ("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1truncated", "not a readable .xls workbook"),
        ("a.txt", b"", "unsupported file type '.txt'"),
    ],
)
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FileError, match=re.escape(message)):
        list(read_rows(path))


def test_an_empty_sheet_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    Workbook().save(path)
    with pytest.raises(FileError, match="the first sheet is empty"):
        list(read_rows(path))


def test_a_truncated_workbook_is_refused(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["target", "period", "value"])
    for month in range(1, 13):
        sheet.append(["budget-revenue", f"2022-{month:02d}", month * 100])
    whole = tmp_path / "whole.xlsx"
    book.save(whole)
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(FileError, match=r"not a readable \.xlsx workbook"):
        list(read_rows(cut))
