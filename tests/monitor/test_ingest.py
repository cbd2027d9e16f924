"""Ingestion, run against every store (SQLite and PostgreSQL): all or nothing, history kept."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from openpyxl import Workbook

from monitor.ingest.batch import Outcome, ingest_file
from monitor.ingest.problems import Code
from monitor.store.figures import figures
from monitor.store.schema import Ingestion, ObservationRecord
from rules import Plan
from tests.conftest import PLAN

HEADER = "target,period,value,breakdown,status,unit,note\n"


def _csv(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def _count(engine: sa.Engine) -> tuple[int, int]:
    with engine.connect() as connection:
        observations = connection.execute(sa.select(sa.func.count()).select_from(ObservationRecord)).scalar_one()
        ingestions = connection.execute(sa.select(sa.func.count()).select_from(Ingestion)).scalar_one()
    return observations, ingestions


def test_a_good_file_is_stored_and_a_second_time_is_a_no_op(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path,
        "khdt.csv",
        'public-investment-disbursement,2022-06,"2.120,5",,official,,\n'
        "public-investment-disbursement,2022-06,310.25,capital-source/central-budget,official,,\n"
        'budget-revenue,2022-06,"7.622,8",,estimate,,ước 6 tháng\n',
    )
    report = ingest_file(engine, shipped_plan, path, submitter="so-khdt")
    assert (report.outcome, report.rows, report.new) == (Outcome.INGESTED, 3, 3)
    stored = {(f.target_id, f.breakdown): f for f in figures(engine, plan=PLAN)}
    assert stored[("public-investment-disbursement", "")].value == Decimal("2120.5")
    assert stored[("public-investment-disbursement", "capital-source/central-budget")].value == Decimal("310.25")
    revenue = stored[("budget-revenue", "")]
    assert (revenue.status, revenue.note, revenue.submitter, revenue.source_row) == (
        "estimate",
        "ước 6 tháng",
        "so-khdt",
        4,
    )
    assert revenue.basis == "year_to_date"  # from the target's reporting
    again = ingest_file(engine, shipped_plan, path)
    assert again.outcome == Outcome.ALREADY_INGESTED
    assert again.summary().endswith("already ingested; nothing changed")
    assert _count(engine) == (3, 1)


def test_a_file_with_bad_rows_changes_nothing_and_lists_every_bad_row(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path,
        "bad.csv",
        "budget-revenue,2022-01,800,,,,\n"
        "budget-revenu,2022-02,900,,,,\n"
        "budget-revenue,2022-13,900,,,,\n"
        'budget-revenue,2022-03,"7.088",,,,\n'
        "budget-revenue,2021-12,900,,,,\n"
        "budget-revenue,2022-04,abc,,draft,,\n"
        "forest-cover,2022,36,4%,,,,\n",
    )
    report = ingest_file(engine, shipped_plan, path)
    assert report.outcome == Outcome.REJECTED
    assert report.errors == [
        "row 3 target='budget-revenu': unknown target; did you mean 'budget-revenue'?",
        "row 4 period='2022-13': '2022-13' is not a period; expected 2022, 2022-Q1..Q4, 2022-H1/H2, 2022-9M, "
        "2022-06 or 2022-07-31",
        "row 5 value='7.088': '7.088' is ambiguous: 7088 in Vietnamese format or 7.088 as a plain decimal; "
        "write 7088 or 7,088",
        "row 6 period='2021-12': outside the plan; expected a period from 2022-01-01 to 2022-12-31",
        "row 7 status='draft': expected one of official, chính thức, estimate, ước",
        "row 7 value='abc': 'abc' is not a number; expected e.g. 7088.973, 7.088,973 or 36,4%",
        "row 8 breakdown='4%': target forest-cover has no breakdowns; leave the cell empty",
    ]
    assert _count(engine) == (0, 0)


def test_a_note_holding_a_nul_character_is_refused_with_its_row(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path,
        "von.csv",
        "public-investment-disbursement,2022-05,100,capital-source/central-budget,official,,\n"
        "public-investment-disbursement,2022-05,20,capital-source/oda,official,,\n"
        "public-investment-disbursement,2022-06,150,capital-source/central-budget,official,,\n"
        "public-investment-disbursement,2022-07,160,capital-source/central-budget,official,,ước\x00\n"
        "public-investment-disbursement,2022-06,30,capital-source/oda,official,,ước\x00 6 tháng\n",  # the quick path
    )
    report = ingest_file(engine, shipped_plan, path)
    assert report.outcome == Outcome.REJECTED
    assert [(p.row, p.column, p.code) for p in report.problems] == [
        (5, "note", Code.NOTE_NUL),
        (6, "note", Code.NOTE_NUL),
    ]
    assert "note='ước\\x00 6 tháng'" in str(report.problems[1])  # shown escaped, never as the character
    assert _count(engine) == (0, 0)
    held = tmp_path / "thu.json"
    held.write_text('[{"target": "budget-revenue", "period": "2022-06", "value": 7622.8, "note": "a\\u0000"}]')
    report = ingest_file(engine, shipped_plan, held)
    assert [(p.row, p.column, p.code) for p in report.problems] == [(1, "note", Code.NOTE_NUL)]
    assert _count(engine) == (0, 0)


def test_duplicated_rows_are_refused_with_both_row_numbers(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path, "dup.csv", "new-jobs,2022-Q1,8000,,,,\nnew-jobs,2022-Q2,15000,,,,\nnew-jobs,2022-Q1,8100,,,,\n"
    )
    report = ingest_file(engine, shipped_plan, path)
    assert report.outcome == Outcome.REJECTED
    assert report.errors == [
        "row 4: repeats row 2 (new-jobs 2022-Q1); send one figure per target and period",
    ]
    assert _count(engine) == (0, 0)


def test_repeated_keys_are_refused_whether_or_not_a_figure_is_stored(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path
) -> None:
    """A repeat is refused when neither row is new (one equal to the stored figure, two estimates
    behind an official one) as well as among new keys; every repeat is listed."""
    stored = "new-jobs,2022-Q1,8000,,,,\ngrdp-growth,2022-H1,8.2,,official,,\n"
    assert ingest_file(engine, shipped_plan, _csv(tmp_path, "stored.csv", stored)).new == 2
    path = _csv(
        tmp_path,
        "repeats.csv",
        "new-jobs,2022-Q1,8000,,,,\n"  # equal to the stored figure ...
        "new-jobs,2022-Q1,8100,,,,\n"  # ... and a revision of it
        "grdp-growth,2022-H1,8.0,,ước,,\n"  # two estimates behind an official figure
        "grdp-growth,2022-H1,8.1,,ước,,\n"
        "new-jobs,2022-Q2,15000,,,,\n"  # a new key, twice
        "new-jobs,2022-Q2,15100,,,,\n",
    )
    report = ingest_file(engine, shipped_plan, path)
    assert report.outcome == Outcome.REJECTED
    assert report.errors == [
        "row 3: repeats row 2 (new-jobs 2022-Q1); send one figure per target and period",
        "row 5: repeats row 4 (grdp-growth 2022-H1); send one figure per target and period",
        "row 7: repeats row 6 (new-jobs 2022-Q2); send one figure per target and period",
    ]
    assert _count(engine) == (2, 1)
    new_only = _csv(tmp_path, "new.csv", "new-jobs,2022-Q3,1,,,,\nnew-jobs,2022-Q2,2,,,,\nnew-jobs,2022-Q2,3,,,,\n")
    report = ingest_file(engine, shipped_plan, new_only)
    assert report.errors == ["row 4: repeats row 3 (new-jobs 2022-Q2); send one figure per target and period"]
    assert _count(engine) == (2, 1)


def test_a_revision_supersedes_and_the_history_is_kept(engine: sa.Engine, shipped_plan: Plan, tmp_path: Path) -> None:
    first = _csv(tmp_path, "q1.csv", "grdp-growth,2022-Q1,7.5,,estimate,,\nnew-jobs,2022-Q1,8000,,,,\n")
    second = _csv(tmp_path, "q1-revised.csv", 'grdp-growth,2022-Q1,"7,9",,official,,\nnew-jobs,2022-Q1,8000,,,,\n')
    assert ingest_file(engine, shipped_plan, first).new == 2
    report = ingest_file(engine, shipped_plan, second)
    assert (report.new, report.revised, report.unchanged) == (0, 1, 1)
    [current] = figures(engine, "grdp-growth", plan=PLAN)
    assert (current.value, current.status, current.file_name) == (Decimal("7.9"), "official", "q1-revised.csv")
    history = figures(engine, "grdp-growth", history=True, plan=PLAN)
    assert [(f.value, f.status, f.is_current) for f in history] == [
        (Decimal("7.5"), "estimate", False),
        (Decimal("7.9"), "official", True),
    ]


def test_an_estimate_never_replaces_an_official_figure(engine: sa.Engine, shipped_plan: Plan, tmp_path: Path) -> None:
    ingest_file(engine, shipped_plan, _csv(tmp_path, "official.csv", "grdp-growth,2022-H1,8.2,,official,,\n"))
    report = ingest_file(engine, shipped_plan, _csv(tmp_path, "late.csv", "grdp-growth,2022-H1,8.0,,ước,,\n"))
    assert (report.outcome, report.kept_as_history, report.revised) == (Outcome.INGESTED, 1, 0)
    [current] = figures(engine, "grdp-growth", plan=PLAN)
    assert (current.value, current.status) == (Decimal("8.2"), "official")
    assert len(figures(engine, "grdp-growth", history=True, plan=PLAN)) == 2


def test_each_row_is_judged_by_its_own_status_and_basis(engine: sa.Engine, shipped_plan: Plan, tmp_path: Path) -> None:
    """Rows of one file share their status and basis through a small table: each keeps its own."""
    ingest_file(engine, shipped_plan, _csv(tmp_path, "official.csv", "grdp-growth,2022-H1,8.2,,official,,\n"))
    mixed = _csv(
        tmp_path,
        "mixed.csv",
        "new-jobs,2022-Q1,8000,,official,,\n"  # the file's first status is official ...
        "grdp-growth,2022-H1,8.0,,estimate,,\n",  # ... this row's is not: it must not retire 8.2
    )
    report = ingest_file(engine, shipped_plan, mixed)
    assert (report.new, report.kept_as_history, report.revised) == (1, 1, 0)
    [current] = figures(engine, "grdp-growth", plan=PLAN)
    assert (current.value, current.status) == (Decimal("8.2"), "official")
    late = [f for f in figures(engine, "grdp-growth", history=True, plan=PLAN) if not f.is_current]
    assert [(f.value, f.status) for f in late] == [(Decimal("8.0"), "estimate")]


def test_million_vnd_is_converted_exactly_and_an_unsaid_unit_is_refused(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path
) -> None:
    unsaid = _csv(tmp_path, "unsaid.csv", "budget-revenue,2022-06,7622800,,,,\n")
    report = ingest_file(engine, shipped_plan, unsaid)
    assert report.outcome == Outcome.REJECTED
    assert "over 10 times the year's target (10788 tỷ đồng)" in report.errors[0]
    said = _csv(tmp_path, "said.csv", 'budget-revenue,2022-06,"7.622.812,345",,,triệu đồng,\n')
    assert ingest_file(engine, shipped_plan, said).outcome == Outcome.INGESTED
    [figure] = figures(engine, "budget-revenue", plan=PLAN)
    assert (figure.value, figure.unit) == (Decimal("7622.812345"), "tỷ đồng")
    assert (figure.reported_value, figure.reported_unit) == (Decimal("7622812.345"), "triệu đồng")


def test_a_unit_of_another_kind_or_a_percentage_of_money_is_refused(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path,
        "units.csv",
        'public-investment-disbursement,2022-07-31,"36,4%",,,,\n'
        "budget-revenue,2022-06,12,,,kg,\n"
        "budget-revenue,2022-07,12,,,đồng la,\n",
    )
    report = ingest_file(engine, shipped_plan, path)
    assert report.errors == [
        "row 2 value='36,4%': a percentage for a target in tỷ đồng; report the amount in tỷ đồng",
        "row 3 unit='kg': cannot be converted to the target's unit 'tỷ đồng'",
        "row 4 unit='đồng la': unknown unit; expected e.g. 'tỷ đồng', 'triệu đồng', '%'",
    ]


def test_disbursement_may_report_january_of_the_next_year(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path,
        "jan.csv",
        "public-investment-disbursement,2023-01-31,6900,,,,\nbudget-revenue,2023-01,100,,,,\n",
    )
    report = ingest_file(engine, shipped_plan, path)
    assert report.errors == [
        "row 3 period='2023-01': outside the plan; expected a period from 2022-01-01 to 2022-12-31"
    ]


def test_share_figures_name_their_share(engine: sa.Engine, shipped_plan: Plan, tmp_path: Path) -> None:
    good = _csv(
        tmp_path,
        "structure.csv",
        "economic-structure,2022-H1,58.9,industry-construction,,,\neconomic-structure,2022-H1,24.3,services,,,\n",
    )
    assert ingest_file(engine, shipped_plan, good).new == 2
    bad = _csv(tmp_path, "structure-bad.csv", "economic-structure,2022-H1,58.9,,,,\n")
    assert ingest_file(engine, shipped_plan, bad).errors == [
        "row 2 breakdown='': a share of economic-structure; "
        "expected one of industry-construction, services, agriculture"
    ]


def test_excel_numbers_dates_and_percent_cells(engine: sa.Engine, shipped_plan: Plan, tmp_path: Path) -> None:
    import datetime as dt

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Chỉ tiêu", "Kỳ", "Giá trị", "Phân tổ", "Trạng thái"])
    sheet.append(["public-investment-disbursement", dt.datetime(2022, 7, 31), 2552.0, None, "ước"])
    sheet.append(["health-insurance-coverage", "2022-Q2", 0.991, None, "chính thức"])
    sheet["C3"].number_format = "0.0%"
    sheet.append(["new-jobs", "2022-H1", 11920, None, None])
    path = tmp_path / "so-khdt.xlsx"
    book.save(path)
    report = ingest_file(engine, shipped_plan, path)
    assert (report.outcome, report.new) == (Outcome.INGESTED, 3), report.errors
    stored = {f.target_id: f for f in figures(engine, plan=PLAN)}
    disbursement = stored["public-investment-disbursement"]
    assert (disbursement.period, disbursement.value, disbursement.status) == ("2022-07-31", Decimal(2552), "estimate")
    assert stored["health-insurance-coverage"].value == Decimal("99.1")
    assert stored["new-jobs"].value == Decimal(11920)


def test_json_rows(engine: sa.Engine, shipped_plan: Plan, tmp_path: Path) -> None:
    path = tmp_path / "tourists.json"
    path.write_text(
        '[{"target": "tourist-arrivals", "period": "2022-03", "value": 310000},'
        ' {"target": "tourist-arrivals", "period": "2022-04", "value": "abc"}]',
        encoding="utf-8",
    )
    report = ingest_file(engine, shipped_plan, path)
    assert report.errors == ["row 2 value='abc': 'abc' is not a number; expected e.g. 7088.973, 7.088,973 or 36,4%"]


def test_the_fast_path_agrees_with_the_full_check(shipped_plan: Plan, tmp_path: Path) -> None:
    from monitor.ingest.problems import Problem
    from monitor.ingest.readers import Row, as_row, read_lines
    from monitor.ingest.rows import RowChecker, Staged

    path = _csv(
        tmp_path,
        "mixed.csv",
        "budget-revenue,2022-01,800,,,,\n"
        "budget-revenue,2022-02,900.50,,estimate,,ghi chú\n"
        'budget-revenue,2022-03,"1.200,5",,ước,,\n'
        "budget-revenue,2022-04,1300,,,triệu đồng,\n"
        "budget-revenue,2022-05,1.300,,,,\n"
        "budget-revenue,2022-06,200000,,,,\n"
        "public-investment-disbursement,2022-06,120,oda,,,\n"
        "public-investment-disbursement,2022-06,120,capital-source/oda,,,\n"
        "forest-cover,2022,38.0,,official,,\n"
        "forest-cover,2022,101,,,,\n"
        "forest-cover,2022,100,,,,\n"  # at a limit, which counts as within
        "forest-cover,2022,100.000001,,,,\n"
        "public-investment-disbursement,2022-06,-0,oda,,,\n"
        "public-investment-disbursement,2022-06,-0.0001,oda,,,\n"
        "public-investment-disbursement,2022-06,00120.50,oda,,,\n",
    )
    reordered = tmp_path / "reordered.csv"
    reordered.write_text(
        "value;basis;;period;target\n"
        "8000;;x;2022-Q1;new-jobs\n"
        "8100;year_to_date;;2022-Q2;new-jobs\n"
        "8200;;;2022-Q2;new-jobs\n",
        encoding="utf-8",
    )
    lines = [*read_lines(path), *read_lines(reordered)]
    assert all(isinstance(line, tuple) for line in lines)
    once, twice = RowChecker(shipped_plan), RowChecker(shipped_plan)
    first = [once.check_line(line) for line in lines]  # type: ignore[arg-type]
    full_check = once.check
    taken_fully = []

    def counted(row: Row, *, last: bool = False) -> Staged | list[Problem] | None:
        taken_fully.append(row.number)
        return full_check(row, last=last)

    once.check = counted  # type: ignore[method-assign]
    again = [once.check_line(line) for line in lines]  # type: ignore[arg-type]  # now mostly remembered
    full = [twice.check(as_row(line)) for line in lines]  # type: ignore[arg-type]
    assert first == full
    assert again == full
    assert 0 < len(taken_fully) < len(lines) - 6  # both paths were taken, the quick one for most good rows
    assert once.shapes == twice.shapes
