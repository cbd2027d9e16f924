"""Reports in the official layout: the letterhead and title above the header, merged cells, the
unit in the title or under the header, section headings and total rows; in .xlsx, .xls and .ods."""

from __future__ import annotations

import copy
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from monitor.ingest.batch import Outcome, ingest_file
from monitor.ingest.readers import read_rows, reading_notes
from monitor.ingest.wording import told
from monitor.store.figures import figures
from rules import Plan
from tests.conftest import PLAN
from tests.monitor.official_sheets import FILES, JULY, NAME, PERCENT_NAME, ROWS, TITLE, write_percent_xlsx, write_xlsx
from tests.monitor.test_bad_input import nothing_stored, one_line, plan_monitor

DISBURSED = {
    ("public-investment-disbursement", "capital-source/central-budget"): Decimal("114"),
    ("public-investment-disbursement", "capital-source/oda"): Decimal("39.4"),
    ("public-investment-disbursement", "capital-source/provincial-budget"): Decimal("2273.36"),
    ("public-investment-disbursement", "capital-source/carried-over"): Decimal("153.626"),
    ("public-investment-disbursement", ""): Decimal("2580.386"),  # the "Tổng số" row: the target's total
    ("budget-revenue", ""): Decimal("8652"),
}  # and the "Tổng cộng" of the two targets, a sum of nothing, is not stored


def _report(tmp_path: Path, kind: str) -> Path:
    if kind == "xlsx":
        return write_xlsx(tmp_path / f"{NAME}.xlsx")
    return FILES / f"{NAME}.{kind}"


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_the_committed_workbooks_hold_the_report(kind: str) -> None:
    path = FILES / f"{NAME}.{kind}"
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    cells = [[None if c == "" else c for c in row] for row in sheet.to_python(skip_empty_area=False)]
    assert [row + [None] * (7 - len(row)) for row in cells] == ROWS


@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods"])
def test_the_official_layout_is_read_in_each_format(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path, kind: str
) -> None:
    path = _report(tmp_path, kind)
    report = ingest_file(engine, shipped_plan, path)
    assert report.outcome == Outcome.INGESTED, report.errors
    assert report.rows == 6
    assert report.notes == ["the header is row 6, under the title", "in tỷ đồng, as the title states"]
    stored = {(f.target_id, f.breakdown): f for f in figures(engine, plan=PLAN)}
    assert {key: f.value for key, f in stored.items()} == DISBURSED
    assert {f.period for f in stored.values()} == {"2022-07"}
    assert stored[("budget-revenue", "")].status == "estimate"
    assert stored[("public-investment-disbursement", "capital-source/carried-over")].note == "Kho bạc đối chiếu"
    assert told(report).headline.endswith(
        "Dòng tiêu đề cột là dòng 6, dưới tên báo cáo. Đơn vị tính tỷ đồng, theo dòng ghi ở đầu biểu."
    )


def test_the_xls_report_through_the_command_line(tmp_path: Path) -> None:
    path = FILES / f"{NAME}.xls"
    done = plan_monitor(tmp_path, "ingest", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        f"{path}: ingested 6 rows: 6 new, 0 revised, 0 unchanged; "
        "the header is row 6, under the title; in tỷ đồng, as the title states"
    )


def test_row_numbers_in_messages_are_the_sheet_s_own(engine: sa.Engine, shipped_plan: Plan, tmp_path: Path) -> None:
    rows = copy.deepcopy(ROWS)
    rows[10][3] = "Tháng 13/2022"  # sheet row 11, under a merged name
    rows[14][1] = "Thu ngân sách"  # sheet row 15: no such target
    path = write_xlsx(tmp_path / "sai.xlsx", rows)
    report = ingest_file(engine, shipped_plan, path)
    assert report.outcome == Outcome.REJECTED
    assert [e.split(":")[0] for e in report.errors] == [
        "row 11 period='Tháng 13/2022'",
        "row 15 target='Thu ngân sách'",
    ]
    assert not figures(engine, plan=PLAN)


def test_a_header_merged_over_two_rows_and_a_unit_row_under_it(shipped_plan: Plan, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["BÁO CÁO SỐ NGƯỜI CÓ VIỆC LÀM MỚI"])
    sheet.append(["Chỉ tiêu", "Kỳ", "Giá trị", "Ghi chú"])
    sheet.append([None, None, "người", None])  # the unit of the value column, under the header
    sheet.append(["new-jobs", "Quý I/2022", 7450, None])
    sheet.append(["new-jobs", "6 tháng đầu năm 2022", 15980, "lũy kế"])
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("D2:D3")
    path = tmp_path / "viec-lam.xlsx"
    book.save(path)
    rows = list(read_rows(path, plan=shipped_plan))
    assert [(r.number, r.cells) for r in rows] == [
        (4, {"target": "new-jobs", "period": "Quý I/2022", "value": 7450, "unit": "người"}),
        (5, {"target": "new-jobs", "period": "6 tháng đầu năm 2022", "value": 15980, "note": "lũy kế",
             "unit": "người"}),
    ]  # fmt: skip


def test_a_sheet_without_a_header_says_what_it_found(engine: sa.Engine, shipped_plan: Plan, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["UBND TỈNH BẮC GIANG"])
    sheet.append(["BÁO CÁO"])
    path = tmp_path / "a.xlsx"
    book.save(path)
    report = ingest_file(engine, shipped_plan, path)
    assert report.errors == [
        "sheet 'Sheet' row 1: unknown column(s) 'UBND TỈNH BẮC GIANG'; "
        "expected target, period, value, breakdown, basis, unit, status, note, correction"
    ]
    assert reading_notes(FILES / f"{NAME}.ods")[0] == "the header is row 6, under the title"


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "a.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_total_under_one_target_s_parts_is_its_total(engine: sa.Engine, shipped_plan: Plan, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "Chỉ tiêu,Phân tổ,Kỳ,Giá trị\n"
        "public-investment-disbursement,central-budget,2022-06,100\n"
        "public-investment-disbursement,Vốn ODA,2022-06,30\n"
        "Tổng cộng,,,130\n"
        # Under rows of two periods: a sum of the rows, skipped.
        "public-investment-disbursement,central-budget,2022-05,80\n"
        "public-investment-disbursement,central-budget,2022-04,60\n"
        "TỔNG CỘNG,,,140\n"
        # Under the shares of the economy: their 100 %, skipped.
        "economic-structure,industry-construction,2022-H1,58.6\n"
        "economic-structure,services,2022-H1,24.5\n"
        "economic-structure,agriculture,2022-H1,16.9\n"
        "Tổng số,,2022-H1,100\n"
        # Under rows that hold the total already: skipped, the total is not stored twice.
        "budget-revenue,,2022-05,6498.3\n"
        "Cộng,,,6498.3\n",
    )
    report = ingest_file(engine, shipped_plan, path)
    assert report.outcome == Outcome.INGESTED, report.errors
    assert report.rows == 9
    stored = {(f.target_id, f.breakdown, f.period): f.value for f in figures(engine, plan=PLAN)}
    assert stored[("public-investment-disbursement", "", "2022-06")] == Decimal("130")
    assert not [k for k in stored if k[0] == "public-investment-disbursement" and k[1:] in (("", "2022-05"),)]
    assert not [k for k in stored if k[0] == "economic-structure" and not k[1]]
    assert len(stored) == 9


def test_a_title_above_a_csv_header_is_skipped(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        "UBND TỈNH BẮC GIANG,,\nBÁO CÁO THU NGÂN SÁCH 7 THÁNG NĂM 2022,,\n(Đơn vị tính: tỷ đồng),,\n,,\n"
        'Chỉ tiêu,Kỳ,Giá trị\nbudget-revenue,Tháng 7/2022,"8.652,0"\nbudget-revenue,Tháng 13/2022,1\n',
    )
    rows = list(read_rows(path))
    assert [(r.number, r.cells) for r in rows] == [
        (6, {"target": "budget-revenue", "period": "Tháng 7/2022", "value": "8.652,0", "unit": "tỷ đồng"}),
        (7, {"target": "budget-revenue", "period": "Tháng 13/2022", "value": "1", "unit": "tỷ đồng"}),
    ]
    done = plan_monitor(tmp_path, "ingest", str(path))
    assert done.returncode == 1
    [summary, problem] = one_line(done)
    assert summary == f"{path}: rejected, nothing stored (1 problem; the header is row 5, under the title; " \
        "in tỷ đồng, as the title states)"  # fmt: skip
    assert problem.startswith(f"{path}: row 7 period='Tháng 13/2022': ")
    assert nothing_stored(tmp_path)


def test_a_section_heading_is_skipped_only_under_a_title(shipped_plan: Plan, tmp_path: Path) -> None:
    plain = _csv(tmp_path, f"Chỉ tiêu,Kỳ,Giá trị\nThu ngân sách nhà nước trên địa bàn,,\nbudget-revenue,{JULY},1\n")
    assert [r.number for r in read_rows(plain)] == [2, 3]  # without a title, a row missing its figure is told
    assert TITLE


@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods"])
def test_a_cell_formatted_as_a_percentage_is_read_as_one(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path, kind: str
) -> None:
    path = write_percent_xlsx(tmp_path / f"{PERCENT_NAME}.xlsx") if kind == "xlsx" else FILES / f"{PERCENT_NAME}.{kind}"
    report = ingest_file(engine, shipped_plan, path)
    assert report.outcome == Outcome.INGESTED, report.errors
    stored = {f.target_id: f.value for f in figures(engine, plan=PLAN)}
    assert stored == {"health-insurance-coverage": Decimal("99.0"), "social-insurance-participation": Decimal("35.8")}
