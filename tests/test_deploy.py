"""The systemd units in deploy/ as systemd reads them: `systemd-analyze verify` finds no problem
(an unknown key, a command that is not there), with the units pointed at this checkout's program."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
UNITS = sorted(DEPLOY.glob("*.service"))
INSTALLED = "/opt/plan-monitor/.venv/bin/plan-monitor"


def _here(unit: Path, folder: Path) -> Path:
    """The unit with this checkout's program and without its (not installed) settings file."""
    program = Path(sys.executable).parent / "plan-monitor"
    text = unit.read_text(encoding="utf-8").replace(INSTALLED, str(program))
    text = re.sub(r"^EnvironmentFile=", "EnvironmentFile=-", text, flags=re.MULTILINE)
    copy = folder / unit.name
    copy.write_text(text, encoding="utf-8")
    return copy


def test_the_units_run_the_daemon_and_the_web_application() -> None:
    commands = {
        unit.name: re.findall(r"^ExecStart=(.*)$", unit.read_text(encoding="utf-8"), re.MULTILINE) for unit in UNITS
    }
    assert commands == {
        "plan-monitor-web.service": [f"{INSTALLED} web"],
        "plan-monitor.service": [f"{INSTALLED} run"],
    }


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_systemd_finds_no_problem_in_the_unit(unit: Path, tmp_path: Path) -> None:
    checked = subprocess.run(
        ["systemd-analyze", "verify", str(_here(unit, tmp_path))], capture_output=True, text=True, check=False
    )
    problems = [line for line in (checked.stdout + checked.stderr).splitlines() if unit.name in line]
    assert checked.returncode == 0, checked.stderr
    assert problems == []


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_the_check_would_see_a_mistake(tmp_path: Path) -> None:
    unit = _here(UNITS[0], tmp_path)
    unit.write_text(unit.read_text(encoding="utf-8").replace("Restart=", "Restrat="), encoding="utf-8")
    checked = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, check=False)
    assert "Unknown key 'Restrat'" in checked.stderr
