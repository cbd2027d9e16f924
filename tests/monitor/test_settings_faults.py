"""Settings that would be silently wrong are refused at start, naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from tests.conftest import ROOT, TARGETS


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    for name in ("DATABASE_URL", "CONFIG", "SMTP_HOST", "INBOX", "MAIL_DIR"):
        monkeypatch.delenv(f"PLAN_MONITOR_{name}", raising=False)
    monkeypatch.setenv("PLAN_MONITOR_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(TARGETS))
    return CliRunner()


def test_a_misspelt_variable_is_refused_with_the_right_name(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAN_MONITOR_SMTP_HOTS", "mail.bacgiang.example")
    result = runner.invoke(cli, ["config"])
    assert result.exit_code == 2
    assert "PLAN_MONITOR_SMTP_HOTS is not a setting; did you mean PLAN_MONITOR_SMTP_HOST?" in result.stderr
    assert "Traceback" not in result.output


def test_a_config_file_that_is_not_there_is_refused(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PLAN_MONITOR_CONFIG", str(tmp_path / "missing.toml"))
    result = runner.invoke(cli, ["run", "--once"])
    assert result.exit_code == 2
    assert f"PLAN_MONITOR_CONFIG names {tmp_path / 'missing.toml'}, which is not a file" in result.stderr
    assert not (tmp_path / "var" / "mail").exists()  # nothing ran on the defaults


def test_config_shows_the_real_folders_and_hides_every_password(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PLAN_MONITOR_DATABASE_URL", "postgresql://pm@db.example/plan?password=s3cret&sslmode=require")
    result = runner.invoke(cli, ["config"])
    assert result.exit_code == 0, result.output
    assert f"inbox = '{tmp_path / 'var' / 'inbox'}'" in result.output
    assert f"mail_dir = '{tmp_path / 'var' / 'mail'}'" in result.output
    assert "s3cret" not in result.output
    assert "password=**********" in result.output
    assert "sslmode=require" in result.output


def test_a_damaged_sqlite_file_is_a_message_for_every_command(tmp_path: Path) -> None:
    store = tmp_path / "var" / "plan-monitor.db"
    store.parent.mkdir(parents=True)
    store.write_bytes(b"this is no SQLite database, but the disk says it is\n" * 200)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAN_MONITOR_")}
    env |= {
        "PYTHONPATH": str(ROOT),
        "PLAN_MONITOR_DATA_DIR": str(tmp_path / "var"),
        "PLAN_MONITOR_TARGETS": str(TARGETS),
    }
    for command in (["status"], ["outbox", "list"], ["run", "--once"]):  # reading, writing, the daemon's cycle
        done = subprocess.run([sys.executable, "-m", "monitor", *command], env=env, capture_output=True, text=True,
                              timeout=120, check=False)  # fmt: skip
        assert done.returncode == 2, (command, done.stderr)
        assert "cannot be read (file is not a database)" in done.stderr, command
        assert "Traceback" not in done.stderr
