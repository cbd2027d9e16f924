"""Files as clerks write them: official periods, targets by their names, numbers in the file's format."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from monitor.ingest.batch import Outcome, ingest_file
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
