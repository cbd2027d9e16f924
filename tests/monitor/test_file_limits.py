"""Limits on what a data file may cost: its size, a workbook's unpacked size and compression ratio
(checked before the workbook is parsed), its rows, a cell's length; and reports cut after 100
problems."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from openpyxl import Workbook

from monitor.cli import cli
from monitor.ingest.batch import MAX_LISTED_ERRORS, Outcome, ingest_file
from monitor.ingest.inbox import process_inbox
from monitor.ingest.limits import MB, Limits
from monitor.ingest.readers import FileError, read_rows
from monitor.jobs import Jobs
from monitor.settings import Settings
from rules import Plan
from tests.monitor.inbox_setup import at, stored

SHEET = "xl/worksheets/sheet1.xml"


def workbook(path: Path, rows: list[list[object]], header: tuple[str, ...] = ("target", "period", "value")) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def bomb(tmp_path: Path, unpacked_mb: int) -> Path:
    """A workbook whose sheet unpacks from a few kilobytes to `unpacked_mb` megabytes of blanks:
    not even XML, so that a message about it shows the archive was looked at before any parsing."""
    whole = workbook(tmp_path / "whole.xlsx", [["revenue", "2022-03", 900]])
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            if member.filename == SHEET:
                with target.open(SHEET, "w") as sheet:
                    block = b" " * MB
                    for _ in range(unpacked_mb):
                        sheet.write(block)
            else:
                target.writestr(member, source.read(member))
    return path


def test_a_zip_bomb_is_refused_by_its_ratio_before_it_is_parsed(tmp_path: Path) -> None:
    path = bomb(tmp_path, 64)
    assert path.stat().st_size < 1 * MB
    with pytest.raises(FileError) as raised:
        list(read_rows(path))
    assert str(raised.value).startswith(f"the workbook's part '{SHEET}' unpacks 1.")
    assert "times its size (to 64 MB); at most 100 times is taken (setting max_zip_ratio)" in str(raised.value)


def test_a_workbook_that_unpacks_to_too_much_is_refused(tmp_path: Path) -> None:
    path = bomb(tmp_path, 8)
    with pytest.raises(FileError, match=r"^the workbook unpacks to 8 MB; at most 4 MB is taken \(setting max_unz"):
        list(read_rows(path, Limits(unzipped_bytes=4 * MB, zip_ratio=100_000)))
    assert len(list(read_rows(workbook(tmp_path / "small.xlsx", [["revenue", "2022-03", 900]])))) == 1


def test_a_file_over_the_size_limit_is_refused_unread(sqlite: sa.Engine, plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("target,period,value\n" + "revenue,2022-03,900\n" * 60_000, encoding="utf-8")  # 1,2 MB
    report = ingest_file(sqlite, plan, path, limits=Limits(file_bytes=1 * MB))
    assert report.outcome == Outcome.REJECTED
    assert report.errors == [
        "the file is 1,1 MB; files of at most 1 MB are taken (setting max_file_mb): split it into smaller files"
    ]


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
def test_a_file_of_too_many_rows_is_refused(tmp_path: Path, kind: str) -> None:
    rows = [["revenue", f"2022-{m:02d}", 900] for m in range(1, 13)]
    path = tmp_path / f"rows.{kind}"
    if kind == "csv":
        path.write_text("target,period,value\n" + "".join(f"{t},{p},{v}\n" for t, p, v in rows), encoding="utf-8")
    elif kind == "xlsx":
        workbook(path, rows)
    else:
        path.write_text(str([{"target": t, "period": p, "value": v} for t, p, v in rows]).replace("'", '"'))
    assert len(list(read_rows(path, Limits(rows=12)))) == 12
    with pytest.raises(FileError) as raised:
        list(read_rows(path, Limits(rows=11)))
    where = {"csv": "row 13", "xlsx": "sheet 'Sheet' row 13", "json": "row 12"}[kind]
    assert (
        str(raised.value)
        == f"{where}: more than 11 rows; at most that many are taken (setting max_rows): split the file"
    )


@pytest.mark.parametrize("kind", ["csv", "xlsx", "json"])
def test_a_cell_longer_than_the_limit_is_refused(tmp_path: Path, kind: str) -> None:
    note = "x" * 2_001
    path = tmp_path / f"note.{kind}"
    if kind == "csv":
        path.write_text(f"target,period,value,note\nrevenue,2022-03,900,{note}\n", encoding="utf-8")
    elif kind == "xlsx":
        workbook(path, [["revenue", "2022-03", 900, note]], ("target", "period", "value", "note"))
    else:
        path.write_text(f'[{{"target": "revenue", "period": "2022-03", "value": 900, "note": "{note}"}}]')
    with pytest.raises(FileError) as raised:
        list(read_rows(path))
    where = {"csv": "row 2", "xlsx": "sheet 'Sheet' row 2 column note", "json": "row 1 column note"}[kind]
    assert str(raised.value) == (
        f"{where}: a cell longer than 2.000 characters; a cell holds one figure or a short note "
        "(setting max_cell_chars)"
    )
    assert len(list(read_rows(path, Limits(cell_chars=2_001)))) == 1


def test_a_report_lists_the_first_100_problems_and_counts_the_rest(
    sqlite: sa.Engine, plan: Plan, tmp_path: Path
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("target,period,value\n" + "revenue,2022-03,many\n" * 1_500, encoding="utf-8")
    report = ingest_file(sqlite, plan, path)
    assert report.outcome == Outcome.REJECTED
    details = report.details()
    assert MAX_LISTED_ERRORS == 100
    assert len(details) == 101
    assert (
        details[0] == f"{path}: row 2 value='many': 'many' is not a number; expected e.g. 7088.973, 7.088,973 or 36,4%"
    )
    assert details[-1] == f"{path}: … and 1.400 more problems"
    assert report.summary() == f"{path}: rejected, nothing stored (1500 problems)"


def test_the_limits_are_settings(
    sqlite: sa.Engine, plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert Settings().file_limits() == Limits()
    settings = Settings(data_dir=tmp_path, max_file_mb=0.5, max_unzipped_mb=2, max_zip_ratio=10, max_rows=3,
                        max_cell_chars=100, inbox_settle_seconds=0)  # fmt: skip
    assert settings.file_limits() == Limits(file_bytes=MB // 2, unzipped_bytes=2 * MB, zip_ratio=10, rows=3,
                                            cell_chars=100)  # fmt: skip
    inbox = tmp_path / "inbox"
    (inbox / "finance").mkdir(parents=True)
    (inbox / "finance" / "rows.csv").write_text("target,period,value\n" + "revenue,2022-03,900\n" * 4)
    jobs = Jobs(sqlite, settings.model_copy(update={"inbox": inbox}), plan)
    assert jobs.poll_inbox(at(0)) == 0
    errors = (inbox / "rejected" / "rows.csv.errors.txt").read_text(encoding="utf-8")
    assert "row 5: more than 3 rows" in errors

    monkeypatch.setenv("PLAN_MONITOR_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(tmp_path / "rules"))
    monkeypatch.delenv("PLAN_MONITOR_DATABASE_URL", raising=False)
    monkeypatch.setenv("PLAN_MONITOR_MAX_CELL_CHARS", "100")
    long = tmp_path / "long.csv"
    long.write_text("target,period,value,note\nrevenue,2022-03,900," + "x" * 101 + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(long)])
    assert result.exit_code == 1
    assert f"{long}: row 2: a cell longer than 100 characters" in result.stderr
    assert stored(sqlite) == []


def test_a_big_bomb_in_the_inbox_is_refused_and_the_next_file_taken(
    sqlite: sa.Engine, plan: Plan, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "finance").mkdir(parents=True)
    bomb(tmp_path, 200).rename(inbox / "finance" / "a-bomb.xlsx")
    workbook(inbox / "finance" / "b-good.xlsx", [["revenue", "2022-03", 900]])
    reports = process_inbox(sqlite, plan, inbox, now=at(0))
    assert [(r.file.name, r.outcome) for r in sorted(reports, key=lambda r: r.file.name)] == [
        ("a-bomb.xlsx", Outcome.REJECTED),
        ("b-good.xlsx", Outcome.INGESTED),
    ]
    assert "(setting max_zip_ratio)" in (inbox / "rejected" / "a-bomb.xlsx.errors.txt").read_text(encoding="utf-8")
    assert stored(sqlite) == [("b-good.xlsx", "finance", "2022-03")]


def test_a_workbook_in_memory_is_no_bomb() -> None:
    """The check reads the archive's directory only: a normal workbook passes it."""
    buffer = io.BytesIO()
    Workbook().save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        assert Limits().workbook_problem(archive) is None


@pytest.mark.parametrize(("digits", "why"), [(81, "at most 30 digits"), (5000, "a cell longer than 2.000 characters")])
def test_a_figure_of_too_many_digits_is_refused_on_every_store(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path, digits: int, why: str
) -> None:
    """Both stores would keep such a figure (PostgreSQL refused it with a traceback, SQLite stored
    it and broke `data`): the checker refuses it first, with the row and what is expected."""
    data = tmp_path / "thu-ngan-sach.csv"
    data.write_text(f"target,period,value\nbudget-revenue,2022-06,5400\nbudget-revenue,2022-07,1{'0' * (digits - 1)}\n",
                    encoding="utf-8")  # fmt: skip
    report = ingest_file(engine, shipped_plan, data)
    assert report.outcome == Outcome.REJECTED
    assert any("row 3" in e and why in e for e in report.errors), report.errors
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM observation")).scalar_one() == 0
