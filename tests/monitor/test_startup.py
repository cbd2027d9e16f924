"""Each command imports what it uses: `--version` and `validate` do not load the store, the
scheduler, the mail or the charts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, TARGETS

HEAVY = ("sqlalchemy", "alembic", "apscheduler", "matplotlib", "aiosmtplib", "openpyxl", "jinja2")
PROBE = """
import json, sys
from monitor.cli import cli
try:
    cli(sys.argv[1:], prog_name="plan-monitor")
except SystemExit:
    pass
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def _modules_loaded(home: Path, *arguments: str) -> set[str]:
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
    assert loaded.isdisjoint({"alembic", "apscheduler", "matplotlib", "aiosmtplib", "jinja2"}), sorted(loaded)
