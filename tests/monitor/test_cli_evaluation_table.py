"""The judging commands' table on a plan of many series: the worst few hundred, the rest counted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.national import write_plan, write_rows
from monitor.cli import cli


@pytest.fixture
def many(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A plan of 10 targets of 30 parts (310 series), half of them critical, its figures ingested."""
    rules = write_plan(tmp_path / "rules", provinces=1, targets=10, parts=30)
    data = tmp_path / "figures.csv"
    write_rows(data, provinces=1, targets=10, parts=30)
    monkeypatch.setenv("PLAN_MONITOR_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(rules))
    for name in ("PLAN_MONITOR_DATABASE_URL", "PLAN_MONITOR_SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)
    runner = CliRunner()
    done = runner.invoke(cli, ["ingest", str(data)])
    assert done.exit_code == 0, done.output
    return runner


def _rows(output: str) -> list[str]:
    """The table's rows (a row may fold onto more lines: its first line names its status)."""
    return [line for line in output.splitlines() if line.startswith("│") and line.split("│")[1].strip()]


def test_the_table_shows_the_worst_series_and_counts_the_others(many: CliRunner) -> None:
    done = many.invoke(cli, ["status", "--as-of", "2022-12-15"])
    assert done.exit_code == 0, done.output
    rows = _rows(done.output)
    assert len(rows) == 200
    assert all("Nghiêm trọng" in row for row in rows[:155])  # worst first: the 155 critical series
    assert "… and 110 more series (110 Đúng tiến độ); --all lists them" in done.output
    every = many.invoke(cli, ["status", "--as-of", "2022-12-15", "--all"])
    assert len(_rows(every.output)) == 310
    assert "more series" not in every.output


def test_evaluate_shows_the_worst_and_its_json_has_every_series(many: CliRunner) -> None:
    table = many.invoke(cli, ["evaluate", "--as-of", "2022-12-15"])
    assert table.exit_code == 0, table.output
    assert len(_rows(table.output)) == 200
    assert "… and 110 more series" in table.output
    assert "310 series" in table.output
    records = json.loads(many.invoke(cli, ["evaluate", "--as-of", "2022-12-15", "--format", "json"]).output)
    assert len(records) == 310
