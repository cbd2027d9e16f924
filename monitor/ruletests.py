"""Rule tests for planners, like `promtool test rules`: figures in, expected statuses and alerts out.

A test file (``*.test.yaml``) names the rule files it tests and holds tests; each test is a list
of steps, and each step sends figures, evaluates the plan as of a date, and checks what it
expects. The figures go through the same ingestion and the evaluation through the same recorded
run as the daemon's, on a scratch SQLite file, so a test that passes describes what the daemon
will do.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError
from ruamel.yaml.comments import CommentedMap

from monitor.evaluation import run_evaluation
from monitor.ingest.batch import Outcome, ingest_file
from monitor.lifecycle import AlertKey, AlertKind, AlertState
from monitor.recording import RunResult
from monitor.store.database import open_database
from rules import (
    FigureStatus,
    Plan,
    Problem,
    RuleModel,
    RuleSetError,
    SeriesKey,
    Status,
    load_plan,
    read_yaml,
    validation_problems,
)


class RuleTestFigure(RuleModel):
    target: str
    period: str
    value: str | float | int
    breakdown: str = ""
    status: str = FigureStatus.OFFICIAL  # as a data file writes it: also "ước", "chính thức"
    unit: str = ""


class Expectation(RuleModel):
    target: str
    breakdown: str = ""
    status: Status | None = None
    alert: AlertState | None = Field(None, description="the performance alert's state")
    report_alert: AlertState | None = Field(None, description="the overdue-report alert's state")
    notified: list[str] | None = Field(None, description="departments owed a message about this series in this run")


class RuleTestStep(RuleModel):
    as_of: dt.date
    figures: tuple[RuleTestFigure, ...] = ()
    expect: list[Expectation] = Field(min_length=1)


class RuleTest(RuleModel):
    name: str
    steps: list[RuleTestStep] = Field(min_length=1)


class RuleTestFile(RuleModel):
    rules: list[str] = Field(["."], description="rule files or folders, relative to this file")
    repeat_days: int = 7
    tests: list[RuleTest] = Field(min_length=1)


@dataclass(frozen=True)
class RuleTestResult:
    """One test's result: the failures, each a line saying what differed."""

    file: Path
    name: str
    failures: list[str]


class RuleTestFileError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problems")


def load_tests(path: Path) -> tuple[RuleTestFile, Plan]:
    """The tests of `path` and the plan they test; `RuleTestFileError` or `RuleSetError` if wrong."""
    node, problem = read_yaml(path)
    if problem:
        raise RuleTestFileError([problem])
    if not isinstance(node, CommentedMap):
        raise RuleTestFileError([Problem(path, 1, 1, "", "expected a mapping with 'tests'")])
    try:
        tests = RuleTestFile.model_validate(node)
    except ValidationError as exc:
        raise RuleTestFileError(validation_problems(path, node, "tests file", exc)) from exc
    plan = load_plan([path.parent / r for r in tests.rules])
    return tests, plan


def run_tests(path: Path) -> list[RuleTestResult]:
    """Run every test of the file at `path`."""
    tests, plan = load_tests(path)
    return [_run(path, plan, test, dt.timedelta(days=tests.repeat_days)) for test in tests.tests]


def _run(path: Path, plan: Plan, test: RuleTest, repeat: dt.timedelta) -> RuleTestResult:
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as scratch:
        engine = open_database(f"sqlite:///{Path(scratch) / 'test.db'}")
        try:
            for number, step in enumerate(test.steps, start=1):
                where = f"step {number} ({step.as_of})"
                if step.figures:
                    failures += _send(engine, plan, Path(scratch) / f"step-{number}.csv", step.figures, where)
                result = run_evaluation(engine, plan, step.as_of, trigger="test", repeat_every=repeat)
                failures += _compare(step, result, where)
        finally:
            engine.dispose()
    return RuleTestResult(path, test.name, failures)


def _send(engine: Any, plan: Plan, csv_path: Path, figures: tuple[RuleTestFigure, ...], where: str) -> list[str]:
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["target", "period", "value", "breakdown", "status", "unit"])
        for f in figures:
            writer.writerow([f.target, f.period, f.value, f.breakdown, f.status, f.unit])
    report = ingest_file(engine, plan, csv_path)
    if report.outcome == Outcome.REJECTED:
        return [f"{where}: the figures were refused: {e}" for e in report.errors]
    return []


def _compare(step: RuleTestStep, result: RunResult, where: str) -> list[str]:
    failures = []
    verdicts = {SeriesKey(e.target_id, e.breakdown): e for e in result.evaluations}
    for want in step.expect:
        series = SeriesKey(want.target, want.breakdown)
        label = want.target + (f" [{want.breakdown}]" if want.breakdown else "")
        got = verdicts.get(series)
        if got is None:
            failures.append(f"{where}: {label}: no such series in the plan")
            continue
        if want.status is not None and got.status != want.status:
            failures.append(
                f"{where}: {label}: status: expected {want.status.value}, got {got.status.value} ({got.reason})"
            )
        for field, kind in (("alert", AlertKind.PERFORMANCE), ("report_alert", AlertKind.OVERDUE)):
            expected = getattr(want, field)
            actual = result.alert_states.get(AlertKey(*series, kind), AlertState.INACTIVE)
            if expected is not None and actual != expected:
                failures.append(f"{where}: {label}: {field}: expected {expected.value}, got {actual.value}")
        if want.notified is not None:
            told = sorted({q.recipient.department for q in result.queued if q.series == series})
            if told != sorted(want.notified):
                failures.append(f"{where}: {label}: notified: expected {sorted(want.notified)}, got {told}")
    return failures


__all__ = ["RuleSetError", "RuleTestFileError", "RuleTestResult", "load_tests", "run_tests"]
