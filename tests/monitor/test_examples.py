"""The example data set: current with its script, and stored whole by the ingestion."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from openpyxl import load_workbook

from examples.make_examples import write_examples
from monitor.ingest.batch import Outcome, ingest_file
from monitor.store.figures import figures
from rules import Plan
from tests.conftest import PLAN, ROOT

EXAMPLES = ROOT / "examples" / "2022"


def _cells(path: Path) -> list[list[object]]:
    if path.suffix == ".csv":
        return [[line] for line in path.read_text(encoding="utf-8").splitlines()]
    book = load_workbook(path, read_only=True)
    try:
        return [[cell.value for cell in row] for row in book.worksheets[0].iter_rows()]
    finally:
        book.close()


def test_the_committed_examples_are_what_the_script_writes(tmp_path: Path) -> None:
    fresh = write_examples(tmp_path / "2022")
    assert [p.name for p in fresh] == sorted(p.name for p in EXAMPLES.iterdir())
    for path in fresh:
        assert _cells(path) == _cells(EXAMPLES / path.name), path.name


def test_every_example_file_is_stored(engine: sa.Engine, shipped_plan: Plan) -> None:
    for path in sorted(EXAMPLES.iterdir()):
        report = ingest_file(engine, shipped_plan, path)
        assert report.outcome == Outcome.INGESTED, report.details()
    current = {(f.target_id, f.breakdown, f.period): f for f in figures(engine, plan=PLAN)}
    july = current[("public-investment-disbursement", "", "2022-07")].value
    plan_amount = shipped_plan.targets["public-investment-disbursement"].value
    assert plan_amount is not None
    assert round(july / plan_amount * 100, 1) == Decimal("36.4")  # behind, as in 2021
    assert current[("grdp-growth", "", "2022-Q1")].value == Decimal("6.9")  # the estimate, revised
    history = figures(engine, "grdp-growth", history=True, plan=PLAN)
    assert [(f.period, f.value, f.status) for f in history if f.period == "2022-Q1"] == [
        ("2022-Q1", Decimal("7.2"), "estimate"),
        ("2022-Q1", Decimal("6.9"), "official"),
    ]
    assert current[("health-insurance-coverage", "", "2022-Q2")].value == Decimal("99.0")
    assert not [f for f in current.values() if f.target_id == "grain-output"]  # the report that never came
