"""The command line: exit statuses, messages, and the stable JSON of `targets`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from rules import rule_file_schema
from tests.conftest import ROOT, TARGETS

BAD = ROOT / "tests" / "rules" / "bad"


def test_validate_accepts_the_shipped_plan() -> None:
    result = CliRunner().invoke(cli, ["validate", str(TARGETS)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: 52 targets, 21 departments in 7 files")


def test_validate_reads_the_folder_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(BAD / "_base"))
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK: 0 targets, 3 departments in 1 files")


def test_validate_reports_every_problem_and_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    result = CliRunner().invoke(cli, ["validate", "_base", "semantics.yaml", "unknown-field.yaml"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    expected = (BAD / "semantics.expected").read_text(encoding="utf-8").splitlines()
    expected += (BAD / "unknown-field.expected").read_text(encoding="utf-8").splitlines()
    assert lines[:-1] == expected
    assert lines[-1] == f"{len(expected)} problems in 2 files"


def test_a_user_mistake_is_a_message_and_exit_1_without_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "monitor", "validate", str(BAD / "_base"), str(BAD / "yaml-syntax.yaml")],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "yaml-syntax.yaml:4:11: invalid YAML" in done.stderr


def test_targets_json_is_the_stable_interface() -> None:
    result = CliRunner().invoke(cli, ["targets", "--format", "json", str(TARGETS)])
    assert result.exit_code == 0, result.output
    records = {r["id"]: r for r in json.loads(result.output)}
    assert len(records) == 52
    required = {"id", "number", "name", "unit", "kind", "comparator", "value", "owner", "parent"}
    assert all(required <= set(r) for r in records.values())
    growth = records["grdp-growth"]
    assert (growth["number"], growth["value"], growth["unit"], growth["comparator"]) == (1, 14, "%", "at_least")
    assert growth["parent"] is None
    assert records["grdp-growth-industry"]["parent"] == "grdp-growth-industry-construction"
    farm = records["farm-output-per-ha"]
    assert (farm["comparator"], farm["value"], farm["low"], farm["high"]) == ("between", None, 135, 140)
    assert records["social-investment"]["comparator"] == "above"
    assert records["poverty-rate"]["comparator"] == "at_most"
    assert records["public-investment-disbursement"]["value"] == 7088.973
    assert records["economic-structure"]["comparator"] == "share"
    assert [p["value"] for p in records["economic-structure"]["parts"]] == [60, 24, 16]
    assert records["budget-revenue"]["escalation"] == "pct-kinh-te"


def test_targets_table_lists_every_target() -> None:
    result = CliRunner().invoke(cli, ["targets", str(TARGETS)])
    assert result.exit_code == 0, result.output
    for target_id in ("grdp-growth", "public-investment-disbursement", "forest-cover", "grain-per-capita"):
        assert target_id in result.output
    assert "IV.4" in result.output


def test_targets_with_a_bad_rule_file_fails_like_validate() -> None:
    result = CliRunner().invoke(cli, ["targets", str(BAD / "_base"), str(BAD / "range-low-high.yaml")])
    assert result.exit_code == 1
    assert "low 140 is above high 135" in result.stderr


def test_schema_prints_json_schema() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    document = json.loads(result.output)
    assert document["$schema"].endswith("2020-12/schema")
    assert result.output.strip() == rule_file_schema().strip()
    assert "targets" in document["properties"]


@pytest.mark.parametrize("named", [True, False], ids=["paths", "configured"])
def test_validate_of_an_unchanged_plan_says_what_it_said_the_first_time(
    named: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "targets"
    shutil.copytree(TARGETS, folder, ignore=shutil.ignore_patterns("tests"))
    rules_file = folder / "disbursement.yaml"
    rules_file.write_text(
        rules_file.read_text(encoding="utf-8").replace("unallocated: 72.3120", "", 1), encoding="utf-8"
    )
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(folder))
    monkeypatch.setenv("PLAN_MONITOR_DATA_DIR", str(tmp_path / "var"))
    arguments = ["validate", str(folder)] if named else ["validate"]
    first = CliRunner().invoke(cli, arguments)
    assert first.exit_code == 0, first.output
    assert "disbursement.yaml" in first.stderr
    assert first.stdout.endswith(", 1 warning\n")
    assert list((tmp_path / "var" / "cache").glob("*.verdict.json"))
    again = CliRunner().invoke(cli, arguments)
    assert (again.exit_code, again.stdout, again.stderr) == (0, first.stdout, first.stderr)
