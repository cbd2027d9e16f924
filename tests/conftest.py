"""Shared fixtures: where the shipped plan lives, and a helper that writes small rule sets."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings

from rules import Plan, load_plan

# Hypothesis times each example (200 ms by default) and the generation of its data: on a machine
# whose cores are busy either fails a correct test, so neither is timed. What is checked stays the same.
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")

# The real daemon as a subprocess, with its fixtures (`home`, `smtp`), for every test that needs it.
pytest_plugins = ["tests.monitor.daemons"]

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ROOT / "targets"

BASE_PLAN = """\
plan:
  province: Bắc Giang
  year: 2022
  title: Test plan
  admin: office
departments:
  - {id: leader, name: Phó Chủ tịch, email: leader@bacgiang.example, role: leader}
  - {id: office, name: Văn phòng, email: office@bacgiang.example, escalation: leader}
  - {id: finance, name: Sở Tài chính, email: finance@bacgiang.example, escalation: leader}
"""


def revenue_target(*, value: str = "10788", lines: str = "1", quote: str = "x") -> str:
    """A rule file with one valid cumulative target owned by the base plan's 'finance'."""
    return f"""\
targets:
  - id: revenue
    number: 5
    name: Thu ngân sách
    kind: cumulative
    comparator: at_least
    value: {value}
    unit: tỷ đồng
    reporting: {{every: month, basis: year_to_date}}
    owner: finance
    source: {{lines: "{lines}", quote: "{quote}"}}
"""


@pytest.fixture(autouse=True)
def _files_settle_quickly(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests' inbox files arrive whole, so the one-shot commands need not wait the 5 seconds
    a department's copy is given (the settling itself is tested with explicit times)."""
    monkeypatch.setenv("PLAN_MONITOR_INBOX_SETTLE_SECONDS", "0.2")


@pytest.fixture(scope="session")
def shipped_plan() -> Plan:
    return load_plan([TARGETS])


@pytest.fixture
def rule_dir(tmp_path: Path) -> Callable[..., Path]:
    """Write rule files into a fresh folder: `rule_dir(name=text, ...)`, with a base plan unless given."""

    def write(**files: str) -> Path:
        folder = tmp_path / "rules"
        folder.mkdir(exist_ok=True)
        files.setdefault("plan", BASE_PLAN)
        for name, text in files.items():
            (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
        return folder

    return write


PLAN = "bac-giang-2022"  # the key of the shipped plan and of BASE_PLAN: Bắc Giang, 2022

PG_URL_ENV = "PLAN_MONITOR_TEST_PG_URL"


def _reset_postgresql(url: str) -> None:
    from monitor.store.database import create_engine

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each kind: a SQLite file, and the PostgreSQL server named by the environment.

    CI sets PLAN_MONITOR_TEST_PG_URL; a run under CI without it fails rather than skipping.
    """
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'plan-monitor.db'}"
    return empty_postgresql()


def empty_postgresql() -> str:
    """The test PostgreSQL server's URL, its schema emptied; skips (fails under CI) without one."""
    url = os.environ.get(PG_URL_ENV)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_URL_ENV} is not set: CI must run the PostgreSQL tests")
        pytest.skip(f"{PG_URL_ENV} is not set")
    _reset_postgresql(url)
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    """A migrated database of each kind."""
    from monitor.store.database import create_engine, upgrade

    engine = create_engine(database_url)
    upgrade(engine)
    yield engine
    engine.dispose()
