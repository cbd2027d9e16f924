"""Data folders holding the example figures, made once per session through the command line and
copied into each test's own folder: a test changes only its copy."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from monitor.cli import cli
from rules import Plan
from tests.conftest import ROOT, TARGETS
from tests.monitor.inbox_setup import small_plan, sqlite_store

EXAMPLES = sorted((ROOT / "examples" / "2022").iterdir())


@contextmanager
def commands_on(data_dir: Path) -> Iterator[CliRunner]:
    """A runner for commands on `data_dir`'s SQLite file, with the shipped plan, writing .eml files."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_data_dir(monkeypatch, data_dir)
        yield CliRunner()


def use_data_dir(monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    monkeypatch.setenv("PLAN_MONITOR_DATA_DIR", str(data_dir))
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(TARGETS))
    for name in ("PLAN_MONITOR_DATABASE_URL", "PLAN_MONITOR_SMTP_HOST"):
        monkeypatch.delenv(name, raising=False)


def copy_data_dir(source: Path, target: Path) -> Path:
    """Copy a data folder whose SQLite file has nothing left in its write-ahead log."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*-wal", "*-shm"))
    return target


def _settled(data_dir: Path) -> Path:
    """Move what the write-ahead log holds into the database file itself, so the file alone is whole."""
    connection = sqlite3.connect(data_dir / "plan-monitor.db")
    try:
        busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        connection.close()
    assert busy == 0, "a connection kept the log from being written back"
    return data_dir


@pytest.fixture(scope="session")
def ingested_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder into which `plan-monitor ingest` took every example file; tests use copies."""
    data_dir = tmp_path_factory.mktemp("ingested") / "var"
    with commands_on(data_dir) as runner:
        result = runner.invoke(cli, ["ingest", *map(str, EXAMPLES)])
    assert result.exit_code == 0, result.output
    return _settled(data_dir)


@pytest.fixture(scope="session")
def evaluated_data(ingested_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`ingested_data`, then `plan-monitor evaluate --as-of 2022-07-31`: the digests in the outbox."""
    data_dir = copy_data_dir(ingested_data, tmp_path_factory.mktemp("evaluated") / "var")
    with commands_on(data_dir) as runner:
        evaluated = runner.invoke(cli, ["evaluate", "--as-of", "2022-07-31"])
    assert evaluated.exit_code == 0, evaluated.output
    assert "digests in the outbox" in evaluated.output
    return _settled(data_dir)


@pytest.fixture
def sqlite(tmp_path: Path) -> Iterator[sa.Engine]:
    """A migrated SQLite store of the test's own."""
    engine = sqlite_store(tmp_path)
    yield engine
    engine.dispose()


@pytest.fixture
def plan(tmp_path: Path) -> Plan:
    """The small plan of the inbox tests (tests.monitor.inbox_setup)."""
    return small_plan(tmp_path / "rules")
