"""The program as pip installs it: the shipped plan and the example figures are package data, so
`plan-monitor demo` works from any folder, not only from the repository's root."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import ROOT, TARGETS


def _checkout(tmp_path: Path) -> Path:
    """A copy of the project's sources, so that building it leaves nothing in the working tree."""
    copy = tmp_path / "checkout"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build", "var")
    for name in ("rules", "monitor", "notifiers", "targets", "examples"):
        shutil.copytree(ROOT / name, copy / name, symlinks=True, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, copy / name)
    return copy


def test_the_wheel_carries_the_plan_and_the_demo_runs_from_any_folder(tmp_path: Path) -> None:
    pip = [sys.executable, "-m", "pip"]
    built = subprocess.run(
        [*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", tmp_path / "dist", _checkout(tmp_path)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    [wheel] = (tmp_path / "dist").glob("plan_monitor-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in TARGETS.rglob("*"):
        if path.is_file():
            assert f"monitor/shipped/targets/{path.relative_to(TARGETS).as_posix()}" in names
    for path in (ROOT / "examples" / "2022").iterdir():
        assert f"monitor/shipped/examples/{path.name}" in names
    site = tmp_path / "site"
    installed = subprocess.run(
        [*pip, "install", "-q", "--no-deps", "--no-compile", "--target", site, wheel],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert installed.returncode == 0, installed.stderr
    elsewhere = tmp_path / "anywhere"
    elsewhere.mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "PYTHONPATH": str(site)}  # the installed copy first
    done = subprocess.run(
        [sys.executable, "-c", "import monitor, sys; print(monitor.__file__, file=sys.stderr); "
         "from monitor.cli import main; sys.argv = ['plan-monitor', 'demo']; main()"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith(str(site)), done.stderr  # the wheel's copy ran, not the checkout's
    assert "Tình hình thực hiện kế hoạch đến ngày 31/07/2022" in done.stdout
    assert len(list((elsewhere / "var" / "demo" / "mail").glob("*.eml"))) > 5
