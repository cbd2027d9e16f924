"""The data commands as a user runs them: ingest, data, db; exit statuses and messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.store.database import head_revision
from tests.conftest import ROOT, TARGETS

EXAMPLES = ROOT / "examples" / "2022"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PLAN_MONITOR_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(TARGETS))
    monkeypatch.delenv("PLAN_MONITOR_DATABASE_URL", raising=False)
    return tmp_path


def test_ingest_then_show_with_history(home: Path) -> None:
    runner = CliRunner()
    first = EXAMPLES / "01-cuc-thong-ke-grdp-quy-1-uoc.csv"
    second = EXAMPLES / "05-cuc-thong-ke-grdp-6-thang.csv"
    result = runner.invoke(cli, ["ingest", str(first), str(second)])
    assert result.exit_code == 0, result.output
    assert f"{first}: ingested 4 rows: 4 new, 0 revised, 0 unchanged" in result.output
    assert f"{second}: ingested 8 rows: 4 new, 4 revised, 0 unchanged" in result.output
    assert (home / "var" / "plan-monitor.db").exists()

    again = runner.invoke(cli, ["ingest", str(first)])
    assert again.exit_code == 0
    assert "already ingested; nothing changed" in again.output

    shown = runner.invoke(cli, ["data", "grdp-growth", "--history", "--format", "json"])
    assert shown.exit_code == 0, shown.output
    records = json.loads(shown.output)
    assert [(r["period"], r["value"], r["status"], r["current"]) for r in records] == [
        ("2022-Q1", 7.2, "estimate", False),
        ("2022-Q1", 6.9, "official", True),
        ("2022-H1", 8.2, "estimate", True),
    ]
    table = runner.invoke(cli, ["data", "grdp-growth"])
    assert "6,9" in table.output  # Vietnamese number format
    assert "7,2" not in table.output  # the revised estimate is history, not shown without --history


def test_a_rejected_file_exits_1_and_names_rows(home: Path) -> None:
    bad = home / "bad.csv"
    bad.write_text("target,period,value\nforest-cover,2022,140\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", str(bad)])
    assert result.exit_code == 1
    assert f"{bad}: row 2 value='140': a rate must be between 0 and 100 %" in result.stderr


def test_ingest_without_files_or_inbox_is_a_usage_error(home: Path) -> None:
    result = CliRunner().invoke(cli, ["ingest"])
    assert result.exit_code == 2
    assert "name the files to ingest, or pass --inbox" in result.stderr


def test_an_unknown_submitter_or_target_is_refused(home: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", "--submitter", "so-abc", str(EXAMPLES / "03-bhxh-bao-hiem.xlsx")])
    assert result.exit_code == 2
    assert "unknown submitter 'so-abc'" in result.stderr
    result = runner.invoke(cli, ["data", "no-such-target"])
    assert result.exit_code == 2
    assert "unknown target 'no-such-target'" in result.stderr


def test_inbox_from_the_command_line(home: Path) -> None:
    inbox = home / "var" / "inbox" / "so-vhttdl"
    inbox.mkdir(parents=True)
    (inbox / "du-lich.csv").write_bytes((EXAMPLES / "07-so-vhttdl-khach-du-lich.csv").read_bytes())
    runner = CliRunner()
    result = runner.invoke(cli, ["ingest", "--inbox"])
    assert result.exit_code == 0, result.output
    assert "ingested 7 rows" in result.output
    assert runner.invoke(cli, ["ingest", "--inbox"]).output.strip().endswith("is empty")


def test_a_bad_database_url_is_a_message_not_a_traceback(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAN_MONITOR_DATABASE_URL", "postgresql://nobody:x@127.0.0.1:1/none")
    result = CliRunner().invoke(cli, ["data"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "plan-monitor: cannot open the database postgresql://nobody:**********@127.0.0.1:1/none"
    )
    assert "Traceback" not in result.output


def test_db_commands(home: Path) -> None:
    runner = CliRunner()
    head = head_revision()
    assert runner.invoke(cli, ["db", "current"]).output.startswith(f"database: empty; program: {head}")
    assert runner.invoke(cli, ["db", "upgrade"]).output.strip() == f"database schema: empty -> {head}"
    assert runner.invoke(cli, ["db", "current"]).output.startswith(f"database: {head}; program: {head}")
