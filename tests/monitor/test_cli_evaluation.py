"""The judging commands as a user runs them: evaluate, status, backtest, silence, ack."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from monitor.cli import cli
from monitor.settings import Settings
from monitor.store.database import create_engine
from monitor.store.schema import Alert, AlertTransition, EvaluationRun, Notification, OutboxMessage
from tests.monitor.conftest import copy_data_dir, use_data_dir


@pytest.fixture
def loaded(ingested_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A data folder of the test's own, holding the example figures."""
    use_data_dir(monkeypatch, copy_data_dir(ingested_data, tmp_path / "var"))
    return CliRunner()


@pytest.fixture
def evaluated(evaluated_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """`loaded`, after `evaluate --as-of 2022-07-31` recorded a run."""
    use_data_dir(monkeypatch, copy_data_dir(evaluated_data, tmp_path / "var"))
    return CliRunner()


def test_evaluate_json_has_the_stable_keys(loaded: CliRunner) -> None:
    result = loaded.invoke(cli, ["evaluate", "--as-of", "2022-07-31", "--format", "json"])
    assert result.exit_code == 0, result.output
    records = {(r["id"], r["breakdown"]): r for r in json.loads(result.output)}
    keys = {
        "id",
        "breakdown",
        "status",
        "actual",
        "required",
        "gap",
        "projected",
        "projected_pct",
        "as_of",
        "alert_state",
    }
    assert all(keys <= set(r) for r in records.values())
    disbursement = records[("public-investment-disbursement", None)]
    assert disbursement["status"] == "behind"  # 24.8 % short of what the milestones ask by July
    assert disbursement["alert_state"] == "firing"
    assert disbursement["as_of"] == "2022-07-31"
    assert round(disbursement["actual"] / 7088.973 * 100, 1) == 36.4
    assert records[("public-investment-disbursement", "capital-source/oda")]["status"] == "critical"
    assert records[("budget-revenue", None)]["status"] == "on_track"
    grain = records[("grain-output", None)]
    assert (grain["status"], grain["overdue_period"], grain["report_alert_state"]) == ("overdue", "2022-06", "firing")


def test_status_is_worst_first_and_filters_by_owner(evaluated: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # names on one line
    result = evaluated.invoke(cli, ["status", "--as-of", "2022-07-31", "--owner", "so-tai-chinh"])
    assert result.exit_code == 0, result.output
    statuses = [line.split("│")[1].strip() for line in result.output.splitlines() if line.startswith("│ ")]
    statuses = [s for s in statuses if s]
    # The provincial-budget part of disbursement (owned by the finance department), then its missing
    # growth report, then its revenue on track: in the words of STATUS_NAMES.
    assert statuses == ["Chậm tiến độ", "Chưa gửi báo cáo", "Đúng tiến độ"]
    assert "Vốn ngân sách tỉnh" in result.output
    assert "Thu ngân sách nhà nước trên địa bàn" in result.output
    assert "lương thực" not in result.output  # grain, owned by agriculture


def test_backtest_shows_the_alerts_that_would_have_gone_out_and_records_nothing(loaded: CliRunner) -> None:
    result = loaded.invoke(cli, ["backtest", "--from", "2022-01-01", "--to", "2022-07-31"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0].startswith("2022-01-31:")
    assert "public-investment-disbursement performance: inactive -> firing" in result.output
    assert "would send firing (performance) about public-investment-disbursement to so-khdt (owner)" in result.output
    engine = create_engine(Settings().effective_database_url())
    with engine.connect() as connection:
        for table in (EvaluationRun, Alert, AlertTransition, Notification, OutboxMessage):
            assert connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 0, table.__name__
    engine.dispose()
    evaluated = loaded.invoke(cli, ["evaluate", "--as-of", "2022-07-31", "--format", "json"])
    records = {(r["id"], r["breakdown"]): r for r in json.loads(evaluated.output)}
    assert records[("public-investment-disbursement", None)]["alert_state"] == "firing"  # fired now, by the real run


def test_silence_add_list_remove(loaded: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    today = dt.date(2022, 7, 31)
    monkeypatch.setattr(Settings, "today", lambda self: today)  # the commands' clock, whatever the real date
    added = loaded.invoke(cli, ["silence", "add", "grain-output", "--until", "2999-01-01", "--reason", "mùa vụ"])
    assert added.exit_code == 2
    assert "more than a year ahead; silences must expire" in added.stderr
    past = loaded.invoke(cli, ["silence", "add", "grain-output", "--until", "2000-01-01", "--reason", "x"])
    assert "is in the past" in past.stderr
    unknown = loaded.invoke(cli, ["silence", "add", "grain", "--until", "2000-01-01", "--reason", "x"])
    assert "unknown target 'grain'" in unknown.stderr
    until = today.isoformat()  # the last day of a silence may be today
    ok = loaded.invoke(cli, ["silence", "add", "grain-output", "--until", until, "--reason", "mùa vụ", "--by", "an"])
    assert ok.exit_code == 0, ok.output
    assert ok.output.startswith("silence 1: grain-output muted until")
    listed = loaded.invoke(cli, ["silence", "list"])
    assert "mùa vụ" in listed.output
    assert loaded.invoke(cli, ["silence", "remove", "1", "--by", "an"]).output.strip() == "silence 1 removed"
    assert loaded.invoke(cli, ["silence", "remove", "1"]).exit_code == 2
    assert "mùa vụ" not in loaded.invoke(cli, ["silence", "list"]).output
    assert "mùa vụ" in loaded.invoke(cli, ["silence", "list", "--all"]).output


def test_ack_add_and_list(loaded: CliRunner) -> None:
    result = loaded.invoke(
        cli,
        ["ack", "add", "public-investment-disbursement", "--period", "2022-07", "--cause", "vướng GPMB",
         "--remedy", "tổ công tác đôn đốc", "--expected", "2022-09-30", "--by", "so-khdt"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "acknowledged public-investment-disbursement for 2022-07"
    bad = loaded.invoke(cli, ["ack", "add", "public-investment-disbursement", "--period", "July", "--cause", "a",
                              "--remedy", "b"])  # fmt: skip
    assert bad.exit_code == 2
    assert "'July' is not a period" in bad.stderr
    listed = loaded.invoke(cli, ["ack", "list"])
    assert "vướng GPMB" in listed.output


def test_evaluating_a_date_before_the_last_run_is_refused_and_records_nothing(evaluated: CliRunner) -> None:
    engine = create_engine(Settings().effective_database_url())

    def count(table: type) -> int:
        with engine.connect() as connection:
            return int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())

    runs, alerts = count(EvaluationRun), count(AlertTransition)
    result = evaluated.invoke(cli, ["evaluate", "--as-of", "2022-06-30"])
    assert result.exit_code == 1, result.output
    assert "cannot evaluate as of 2022-06-30: the last recorded run is as of 2022-07-31" in result.output
    assert "plan-monitor backtest" in result.output
    assert "Traceback" not in result.output
    assert (count(EvaluationRun), count(AlertTransition)) == (runs, alerts)
    again = evaluated.invoke(cli, ["evaluate", "--as-of", "2022-07-31"])  # the same date is still fine
    assert again.exit_code == 0, again.output
    engine.dispose()
