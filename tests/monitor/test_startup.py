"""Each command imports what it uses: `--version` and `validate` do not load the store, the
scheduler, the mail, the charts or the tables' printer; ingesting a file of new figures does not
load the ORM; sending the queued messages does not load composing."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.store import outbox
from monitor.store.database import create_engine
from tests.conftest import PLAN, ROOT, TARGETS

HEAVY = ("sqlalchemy", "alembic", "apscheduler", "matplotlib", "aiosmtplib", "openpyxl", "jinja2", "rich", "babel")
PROBE = """
import json, sys
from monitor.cli import cli
try:
    cli(sys.argv[1:], prog_name="plan-monitor")
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""


def _modules_loaded(home: Path, *arguments: str) -> set[str]:
    """The packages a command imports, by their top-level names."""
    return {name.split(".")[0] for name in _modules_imported(home, *arguments)}


def _modules_imported(home: Path, *arguments: str) -> set[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAN_MONITOR_")}
    env |= {"PYTHONPATH": str(ROOT), "PLAN_MONITOR_DATA_DIR": str(home)}
    done = subprocess.run([sys.executable, "-c", PROBE, *arguments], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120, check=True)  # fmt: skip
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("arguments", [("--version",), ("validate", str(TARGETS))])
def test_a_light_command_loads_nothing_heavy(arguments: tuple[str, ...], tmp_path: Path) -> None:
    loaded = _modules_loaded(tmp_path, *arguments)
    assert "monitor" in loaded
    assert loaded.isdisjoint(HEAVY), sorted(loaded.intersection(HEAVY))


def test_a_command_that_needs_the_store_loads_it(tmp_path: Path) -> None:
    assert "sqlalchemy" in _modules_loaded(tmp_path, "db", "current")


def test_ingesting_into_a_migrated_store_checks_its_schema_without_alembic(tmp_path: Path) -> None:
    home = tmp_path / "var"
    data = ROOT / "examples" / "2022" / "06-so-tai-chinh-thu-ngan-sach.csv"
    assert "alembic" in _modules_loaded(home, "db", "upgrade")  # creates and migrates the store
    loaded = _modules_loaded(home, "ingest", str(data))
    assert "sqlalchemy" in loaded
    assert loaded.isdisjoint({"alembic", "apscheduler", "matplotlib", "aiosmtplib", "jinja2", "rich"}), sorted(loaded)


def test_ingesting_a_file_of_new_figures_loads_neither_the_orm_nor_the_tables(tmp_path: Path) -> None:
    home = tmp_path / "var"
    data = ROOT / "examples" / "2022" / "06-so-tai-chinh-thu-ngan-sach.csv"
    _modules_loaded(home, "db", "upgrade")
    imported = _modules_imported(home, "ingest", str(data))
    assert "monitor.ingest.direct" in imported
    assert imported.isdisjoint({"sqlmodel", "sqlalchemy.orm", "monitor.store.schema"}), sorted(imported)
    again = tmp_path / "again.csv"  # the same figures from another file: revisions, settled by the staging path
    again.write_text(data.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert "monitor.store.schema" in _modules_imported(home, "ingest", str(again))


def test_validating_an_unchanged_plan_reads_neither_the_yaml_nor_the_models(tmp_path: Path) -> None:
    first = _modules_imported(tmp_path, "validate", str(TARGETS))  # loads the files, keeps the verdict
    assert {"yaml", "ruamel", "rules.loader", "rules.target"} <= first | {m.split(".")[0] for m in first}
    again = _modules_imported(tmp_path, "validate", str(TARGETS))
    assert again.isdisjoint({"yaml", "ruamel", "rules.loader", "rules.plan", "rules.target", "monitor.planpickle"}), (
        sorted(again & {"yaml", "ruamel", "rules.loader", "rules.plan", "rules.target", "monitor.planpickle"})
    )


def test_a_command_on_a_cached_plan_loads_no_yaml_reader(tmp_path: Path) -> None:
    home = tmp_path / "var"
    data = ROOT / "examples" / "2022" / "06-so-tai-chinh-thu-ngan-sach.csv"
    _modules_loaded(home, "db", "upgrade")
    _modules_loaded(home, "validate")
    assert list((home / "cache").glob("plan-*.pickle"))  # the plan, read and kept
    imported = _modules_imported(home, "ingest", str(data))
    assert "rules.target" in imported  # the plan, read back
    assert imported.isdisjoint({"yaml", "ruamel.yaml", "rules.loader", "rules.checks"}), sorted(imported)


def test_sending_the_queued_messages_loads_neither_the_templates_nor_babel_nor_the_charts(tmp_path: Path) -> None:
    home = tmp_path / "var"
    _modules_loaded(home, "db", "upgrade")
    engine = create_engine(f"sqlite:///{home / 'plan-monitor.db'}")
    queued = outbox.Outgoing("<test.1@bacgiang.example>", "so-tai-chinh", "stc@bacgiang.example", "Thử", b"body\r\n")
    due_since = dt.datetime(2022, 8, 1, tzinfo=dt.UTC)
    with engine.begin() as connection:
        outbox.enqueue(connection, queued, plan=PLAN, run_id=None, now=due_since)
    engine.dispose()
    loaded = _modules_loaded(home, "outbox", "send")
    assert [p.read_bytes() for p in (home / "mail").iterdir()] == [b"body\r\n"]  # it was sent
    assert loaded.isdisjoint({"jinja2", "babel", "matplotlib"}), sorted(loaded.intersection(HEAVY))
