"""Rule tests: the shipped ones pass, a wrong expectation fails with a clear diff, a bad file is located."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.ruletests import RuleTestFileError, run_tests
from tests.conftest import ROOT, TARGETS

SHIPPED = TARGETS / "tests" / "plan.test.yaml"


def test_the_shipped_rule_tests_pass() -> None:
    results = run_tests(SHIPPED)
    assert len(results) == 11
    assert [r.failures for r in results] == [[]] * 11


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "mine.test.yaml"
    path.write_text(f"rules: [{str(TARGETS)!r}]\n" + body, encoding="utf-8")
    return path


def test_a_wrong_expectation_fails_with_what_differed(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """\
tests:
  - name: wrong on purpose
    steps:
      - as_of: 2022-07-10
        figures:
          - {target: budget-revenue, period: 2022-06, value: 7000}
        expect:
          - {target: budget-revenue, status: on_track, alert: inactive, notified: [so-tai-chinh]}
""",
    )
    [result] = run_tests(path)
    assert result.failures == [
        "step 1 (2022-07-10): budget-revenue: status: expected on_track, got behind "
        "(short by 10.62%, beyond the tolerance of 5%)",
        "step 1 (2022-07-10): budget-revenue: alert: expected inactive, got firing",
        "step 1 (2022-07-10): budget-revenue: notified: expected ['so-tai-chinh'], got ['cuc-thue', 'so-tai-chinh']",
    ]


def test_refused_figures_are_a_failure_not_a_crash(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """\
tests:
  - name: bad figure
    steps:
      - as_of: 2022-07-10
        figures:
          - {target: budget-revenue, period: 2022-13, value: 7000}
        expect:
          - {target: budget-revenue, status: overdue}
""",
    )
    [result] = run_tests(path)
    assert result.failures[0].startswith("step 1 (2022-07-10): the figures were refused: row 2 period='2022-13'")


def test_a_bad_test_file_is_located(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """\
tests:
  - name: typo
    steps:
      - as_of: 2022-07-10
        expect:
          - {target: budget-revenue, status: on_trak}
""",
    )
    with pytest.raises(RuleTestFileError) as caught:
        run_tests(path)
    [problem] = caught.value.problems
    assert (problem.line, problem.field) == (7, "tests file: tests[0].steps[0].expect[0].status")
    assert "on_track" in problem.message


def test_the_command_reports_and_exits_1_on_failure(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["test", str(SHIPPED)])
    assert ok.exit_code == 0, ok.output
    assert ok.output.strip().endswith("11 passed, 0 failed")
    failing = _write(
        tmp_path,
        """\
tests:
  - name: expects the impossible
    steps:
      - as_of: 2022-07-15
        expect:
          - {target: grain-output, status: achieved}
""",
    )
    bad = runner.invoke(cli, ["test", str(failing)])
    assert bad.exit_code == 1
    assert f"FAIL {failing}: expects the impossible" in bad.stderr
    assert "status: expected achieved, got overdue" in bad.stderr


def test_a_test_file_with_broken_yaml_is_located(tmp_path: Path) -> None:
    path = _write(tmp_path, "tests:\n  - name: [unclosed\n    steps: []\n")
    with pytest.raises(RuleTestFileError) as caught:
        run_tests(path)
    [problem] = caught.value.problems
    assert (problem.file, problem.line) == (path, 4)
    assert problem.message.startswith("invalid YAML: while parsing a flow sequence")


def test_a_test_file_that_cannot_be_run_counts_as_one_failure(tmp_path: Path) -> None:
    broken = _write(tmp_path, "tests: 5\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAN_MONITOR_")}
    env |= {"PYTHONPATH": str(ROOT), "PLAN_MONITOR_DATA_DIR": str(tmp_path / "var")}
    command = [sys.executable, "-m", "monitor", "test", str(SHIPPED), str(broken)]
    done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 1
    assert done.stderr == f"{broken}:2:8: tests file: tests: expected a valid list; found 5\n"
    assert done.stdout.splitlines()[-1] == "11 passed, 1 failed"  # it said "10 passed, 1 failed"
