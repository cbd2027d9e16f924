"""The example data set: current with its script, and stored whole by the ingestion."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from openpyxl import load_workbook
from openpyxl.utils.cell import range_boundaries
from python_calamine import CalamineWorkbook

from examples.make_examples import OFFICIAL, OFFICIAL_MERGES, OFFICIAL_ROWS, write_examples
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
    assert sorted([p.name for p in fresh] + [OFFICIAL]) == sorted(p.name for p in EXAMPLES.iterdir())
    for path in fresh:
        assert _cells(path) == _cells(EXAMPLES / path.name), path.name


def test_the_official_report_is_a_real_xls_of_the_script_s_cells() -> None:
    path = EXAMPLES / OFFICIAL
    assert path.read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")  # an OLE2 compound file: BIFF, not a zip
    book = CalamineWorkbook.from_path(str(path))
    sheet = book.get_sheet_by_index(0)
    width = len(OFFICIAL_ROWS[0])
    cells = [[None if c == "" else c for c in row] for row in sheet.to_python(skip_empty_area=False)]
    assert [row + [None] * (width - len(row)) for row in cells] == OFFICIAL_ROWS
    merges = sorted((r1 + 1, c1 + 1, r2 + 1, c2 + 1) for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or [])
    assert merges == sorted((r1, c1, r2, c2) for c1, r1, c2, r2 in map(range_boundaries, OFFICIAL_MERGES))


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
    # The official report: periods, names and the unit as the Statistics Office writes them; its
    # shares are those the CSV sent, and their 100 % a sum, not stored.
    assert current[("grdp-growth-industry", "", "2022-Q1")].value == Decimal("9.6")
    assert current[("grdp-growth-construction", "", "2022-H1")].status == "estimate"
    assert current[("grdp-growth-product-tax", "", "2022-H1")].value == Decimal("3.9")
    shares = [f for f in current.values() if f.target_id == "economic-structure"]
    assert sorted((f.breakdown, f.value) for f in shares) == [
        ("agriculture", Decimal("16.9")), ("industry-construction", Decimal("58.6")), ("services", Decimal("24.5")),
    ]  # fmt: skip
