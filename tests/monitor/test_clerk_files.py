"""Files as clerks write them: official periods, targets by their names, numbers in the file's format."""

from __future__ import annotations

import dataclasses
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from monitor.ingest import checking
from monitor.ingest.batch import Outcome, ingest_file
from monitor.ingest.checking import checked_chunks
from monitor.ingest.readers import Row, read_lines
from monitor.ingest.rows import RowChecker
from monitor.store.figures import figures
from rules import Plan
from rules.plan import NumberFormat
from tests.conftest import PLAN


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_periods_as_officials_write_them_are_stored_by_their_codes(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        "ky.csv",
        "Chỉ tiêu,Kỳ,Giá trị\n"
        "budget-revenue,Tháng 1/2022,800\n"
        "budget-revenue,tháng 02 năm 2022,1500\n"
        "new-jobs,Quý I/2022,8000\n"
        "new-jobs,6 tháng,15000\n"
        "new-jobs,9 tháng đầu năm 2022,22000\n"
        "new-jobs,cả năm,30000\n",
    )
    report = ingest_file(engine, shipped_plan, path)
    assert report.outcome == Outcome.INGESTED, report.errors
    assert sorted((f.target_id, f.period) for f in figures(engine, plan=PLAN)) == [
        ("budget-revenue", "2022-01"),
        ("budget-revenue", "2022-02"),
        ("new-jobs", "2022"),
        ("new-jobs", "2022-9M"),
        ("new-jobs", "2022-H1"),
        ("new-jobs", "2022-Q1"),
    ]


def test_a_period_that_is_none_keeps_its_message(engine: sa.Engine, shipped_plan: Plan, tmp_path: Path) -> None:
    path = _write(tmp_path, "ky.csv", "Chỉ tiêu,Kỳ,Giá trị\nbudget-revenue,tháng 13/2022,800\n")
    report = ingest_file(engine, shipped_plan, path)
    assert report.errors == [
        "row 2 period='tháng 13/2022': 'tháng 13/2022' is not a period; expected 2022, 2022-Q1..Q4, 2022-H1/H2, "
        "2022-9M, 2022-06 or 2022-07-31"
    ]


def _checked(plan: Plan, rows: list[dict[str, object]]) -> list[object]:
    checker = RowChecker(plan)
    return [checker.check(Row(n, cells)) for n, cells in enumerate(rows, start=2)]


def test_targets_by_number_and_name_and_parts_by_name(shipped_plan: Plan) -> None:
    nfd = unicodedata.normalize("NFD", "THU NGÂN SÁCH  nhà nước trên địa bàn")
    results = _checked(
        shipped_plan,
        [
            {"target": "(5)", "period": "2022-01", "value": "800"},
            {"target": nfd, "period": "2022-02", "value": "1500"},
            {"target": "V.4", "period": "2022-06", "value": "10", "breakdown": "Vốn ODA"},
            {"target": "Giải ngân kế hoạch vốn đầu tư công năm 2022", "period": "2022-06", "value": "20",
             "breakdown": "vốn ngân sách   tỉnh"},
            {"target": "cơ cấu kinh tế", "period": "2022", "value": "16", "breakdown": "Nông, lâm nghiệp, thủy sản"},
        ],
    )  # fmt: skip
    assert [r[:3] for r in results if isinstance(r, tuple)] == [
        ("budget-revenue", "", "2022-01"),
        ("budget-revenue", "", "2022-02"),
        ("public-investment-disbursement", "capital-source/oda", "2022-06"),
        ("public-investment-disbursement", "capital-source/provincial-budget", "2022-06"),
        ("economic-structure", "agriculture", "2022"),  # "thủy" in the file, "thuỷ" in the plan
    ]


def test_a_numbering_several_targets_share_and_unknown_names_say_what_is_close(shipped_plan: Plan) -> None:
    results = _checked(
        shipped_plan,
        [
            {"target": "IV.1", "period": "2022", "value": "1"},
            {"target": "Thu ngân sách nhà nước", "period": "2022-01", "value": "800"},
            {"target": "budget-revenu", "period": "2022-01", "value": "800"},
            {"target": "xyz", "period": "2022-01", "value": "800"},
        ],
    )
    assert [str(e) for r in results if isinstance(r, list) for e in r] == [
        "row 2 target='IV.1': names several targets ('new-jobs' or 'rural-working-time'); write the id of one",
        "row 3 target='Thu ngân sách nhà nước': unknown target; did you mean 'budget-revenue' or "
        "'budget-revenue-growth'?",
        "row 4 target='budget-revenu': unknown target; did you mean 'budget-revenue'?",
        "row 5 target='xyz': unknown target; see plan-monitor targets",
    ]


def test_a_file_naming_targets_by_name_takes_the_fast_path_after_its_first_row(
    shipped_plan: Plan, tmp_path: Path
) -> None:
    path = _write(
        tmp_path, "names.csv", "Chỉ tiêu,Kỳ,Giá trị\n" + "".join(f"(5),2022-{m:02},{m}00\n" for m in range(1, 13))
    )
    checker = RowChecker(shipped_plan)
    lines = list(read_lines(path))
    results = [checker.check_line(line) for line in lines if isinstance(line, tuple)]
    assert [r[0] for r in results if isinstance(r, tuple)] == ["budget-revenue"] * 12
    assert checker._names is not None  # built once, for the first row
    assert list(checker._named) == ["(5)"]


def _values(plan: Plan, tmp_path: Path, body: str, number_format: str = "") -> list[object]:
    path = _write(tmp_path, "so.csv", "Chỉ tiêu,Kỳ,Giá trị,Đơn vị\n" + body)
    chunks = list(checked_chunks(plan, path, number_format=number_format))
    staged = sorted((s[-1], s[4]) for c in chunks for s in c.staged)
    return [*staged, *(str(e) for c in chunks for e in c.errors)]


def test_an_ambiguous_number_reads_as_vietnamese_in_a_file_whose_numbers_show_it(
    shipped_plan: Plan, tmp_path: Path
) -> None:
    # "41.250" comes before the rows that show the file's format; it is settled at the end.
    body = (
        'budget-revenue,2022-01,"41.250",\n'
        'budget-revenue,2022-02,"7.622,8",\n'
        'budget-revenue,2022-03,"8.041.250",triệu đồng\n'
    )
    assert _values(shipped_plan, tmp_path, body) == [(2, "41250"), (3, "7622.8"), (4, "8041.25")]


def test_an_ambiguous_number_stays_refused_when_the_file_shows_no_format_or_both(
    shipped_plan: Plan, tmp_path: Path
) -> None:
    message = (
        "row 2 value='41.250': '41.250' is ambiguous: 41250 in Vietnamese format or 41.250 as a plain decimal; "
        "write 41250 or 41,250"
    )
    assert _values(shipped_plan, tmp_path, 'budget-revenue,2022-01,"41.250",\nbudget-revenue,2022-02,800,\n') == [
        (3, "800"),
        message,
    ]
    both = 'budget-revenue,2022-01,"41.250",\nbudget-revenue,2022-02,"7.622,8",\nbudget-revenue,2022-03,310.25,\n'
    assert _values(shipped_plan, tmp_path, both)[-1] == message


def test_a_count_holds_no_fraction(shipped_plan: Plan, tmp_path: Path) -> None:
    body = (
        'new-jobs,2022-Q1,"8.000",\n'
        'tourist-arrivals,2022-Q1,"41.250",lượt\n'
        'tourist-arrivals,2022-Q2,"41.250",nghìn lượt\n'
    )
    values = _values(shipped_plan, tmp_path, body)
    assert values[:2] == [(2, "8000"), (3, "41250")]
    assert values[2:] == [
        "row 4 value='41.250': '41.250' is ambiguous: 41250 in Vietnamese format or 41.250 as a plain decimal; "
        "write 41250 or 41,250"
    ]


def test_a_department_declares_its_number_format(shipped_plan: Plan, tmp_path: Path) -> None:
    body = 'budget-revenue,2022-01,"41.250",\n'
    assert _values(shipped_plan, tmp_path, body, "vietnamese") == [(2, "41250")]
    assert _values(shipped_plan, tmp_path, body, "plain") == [(2, "41.25")]


def test_the_declared_format_of_the_sending_department_is_used(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path
) -> None:
    finance = shipped_plan.departments["so-tai-chinh"].model_copy(update={"number_format": NumberFormat.VIETNAMESE})
    plan = dataclasses.replace(shipped_plan, departments={**shipped_plan.departments, "so-tai-chinh": finance})
    path = _write(tmp_path, "a.csv", 'target,period,value\nbudget-revenue,2022-01,"1.250"\n')
    assert ingest_file(engine, plan, path, submitter="so-khdt").outcome == Outcome.REJECTED  # declared nothing
    report = ingest_file(engine, plan, path, submitter="so-tai-chinh")
    assert report.outcome == Outcome.INGESTED, report.errors
    assert [f.value for f in figures(engine, plan=PLAN)] == [Decimal(1250)]


def test_rows_held_for_their_format_are_settled_in_a_worker_process_too(
    shipped_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checking, "ASIDE_FROM_BYTES", 0)
    monkeypatch.setattr(checking, "CHUNK", 1)
    body = 'budget-revenue,2022-01,"41.250",\nbudget-revenue,2022-02,"7.622,8",\n'
    assert _values(shipped_plan, tmp_path, body) == [(2, "41250"), (3, "7622.8")]
