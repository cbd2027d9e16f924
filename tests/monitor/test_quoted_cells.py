"""A bad cell is quoted by a few dozen characters at most, in a report and in a log line,
however long it is: a 20 MB cell never becomes a 20 MB message."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from monitor.ingest.batch import Outcome, ingest_file
from monitor.ingest.limits import Limits
from monitor.jobs import Jobs
from monitor.logs import event, setup
from monitor.settings import Settings
from tests.monitor.inbox_setup import at, small_plan, sqlite_store

HUGE = 20_000_000


@pytest.fixture
def sqlite(tmp_path: Path) -> sa.Engine:
    return sqlite_store(tmp_path)


@pytest.mark.parametrize(
    ("column", "row"),
    [
        ("value", {"target": "revenue", "period": "2022-03", "value": "9" * HUGE + "x"}),
        ("period", {"target": "revenue", "period": "2022-" + "3" * HUGE, "value": "900"}),
        ("target", {"target": "r" * HUGE, "period": "2022-03", "value": "900"}),
    ],
)
def test_a_20_mb_cell_is_quoted_by_its_start(
    sqlite: sa.Engine, tmp_path: Path, column: str, row: dict[str, str]
) -> None:
    path = tmp_path / "huge.json"
    path.write_text(json.dumps([row]), encoding="utf-8")
    report = ingest_file(sqlite, small_plan(tmp_path / "rules"), path, limits=Limits(cell_chars=HUGE + 10))
    assert report.outcome == Outcome.REJECTED
    [problem] = report.details()
    assert len(problem) < 300
    assert problem.startswith(f"{path}: row 1 {column}='{row[column][:40]}'… (")
    assert " characters)" in problem


def test_extra_cells_and_unknown_columns_are_quoted_short(tmp_path: Path, sqlite: sa.Engine) -> None:
    plan = small_plan(tmp_path / "rules")
    extra = tmp_path / "extra.csv"
    extra.write_text("target,period,value\nrevenue,2022-03,900," + ",".join(["y" * 1_500] * 50) + "\n")
    [problem] = ingest_file(sqlite, plan, extra).details()
    assert len(problem) < 400
    assert problem.startswith(f"{extra}: row 2: more cells than columns: '{'y' * 40}'… (1.500 characters), ")
    assert problem.endswith("… and 47 more cells")

    header = tmp_path / "header.csv"
    header.write_text("target,period,value," + ",".join(f"{n}{'z' * 1_500}" for n in range(50)) + "\n")
    [problem] = ingest_file(sqlite, plan, header).details()
    assert len(problem) < 400
    assert "row 1: unknown column(s) '0zzz" in problem
    assert "… and 47 more columns; expected target, period, value" in problem


def test_a_log_line_holds_no_more_than_a_thousand_characters_of_a_value(capsys: pytest.CaptureFixture[str]) -> None:
    setup("INFO")
    event("file.rejected", file="x.csv", first="q" * HUGE)
    [line] = capsys.readouterr().err.splitlines()
    assert len(line) < 1_200
    assert line.endswith(f'first="{"q" * 1_000}…(20.000.000 characters)"')


def test_the_daemons_log_of_a_file_with_a_huge_cell(
    sqlite: sa.Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "finance").mkdir(parents=True)
    (inbox / "finance" / "huge.csv").write_text(f"target,period,value\nrevenue,2022-03,{'9' * 999_999}x\n")
    settings = Settings(data_dir=tmp_path, inbox=inbox, inbox_settle_seconds=0, max_cell_chars=1_000_000)
    setup("INFO")
    assert Jobs(sqlite, settings, small_plan(tmp_path / "rules")).poll_inbox(at(0)) == 0
    [line] = capsys.readouterr().err.splitlines()
    assert "event=file.rejected" in line
    assert len(line) < 400
    errors = (inbox / "rejected" / "huge.csv.errors.txt").read_text(encoding="utf-8")
    assert len(errors) < 600
