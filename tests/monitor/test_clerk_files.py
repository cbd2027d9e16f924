"""Files as clerks write them: official periods, targets by their names, numbers in the file's format."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import sqlalchemy as sa

from monitor.ingest.batch import Outcome, ingest_file
from monitor.ingest.readers import Row, read_lines
from monitor.ingest.rows import RowChecker
from monitor.store.figures import figures
from rules import Plan


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
    assert sorted((f.target_id, f.period) for f in figures(engine)) == [
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
