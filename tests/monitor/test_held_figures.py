"""Implausible figures are held, not stored silently: a year-to-date total that falls, a rate above
100 %, a change beyond the target's bound; a row marked as a correction is taken. All or nothing."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from monitor.cli import cli
from monitor.ingest.batch import Outcome, ingest_file
from monitor.ingest.problems import Code, Problem
from monitor.ingest.readers import Row
from monitor.ingest.rows import RowChecker, Staged
from monitor.ingest.wording import told
from monitor.store.figures import figures
from rules import Plan, load_plan
from tests.conftest import PLAN, TARGETS, revenue_target


def _csv(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _check(plan: Plan, **cells: object) -> Staged | list[Problem] | None:
    return RowChecker(plan).check(Row(2, dict(cells)))


def _refused(plan: Plan, **cells: object) -> Problem:
    """The one problem of a row of `cells`."""
    found = _check(plan, **cells)
    assert isinstance(found, list)
    [problem] = found
    return problem


def test_a_rate_above_100_is_held_unless_marked_and_a_share_of_a_structure_never_passes(shipped_plan: Plan) -> None:
    held = _refused(shipped_plan, target="forest-cover", period="2022", value="140")
    assert held.code == Code.OVER_HUNDRED
    assert held.vietnamese == (
        "Dòng 2, cột giá trị ('140'): tỷ lệ lớn hơn 100 %; hãy kiểm tra lại; nếu đây là số đúng, hãy ghi 'có' ở "
        "cột điều chỉnh"
    )
    staged = _check(shipped_plan, target="forest-cover", period="2022", value="140", correction="có")
    assert isinstance(staged, tuple)
    assert staged[4] == "140"
    negative = _refused(shipped_plan, target="forest-cover", period="2022", value="-1", correction="yes")
    assert negative.code == Code.RATE_RANGE  # a correction cannot make a rate negative
    share = _refused(
        shipped_plan, target="economic-structure", breakdown="services", period="2022-H1", value="101",
        correction="có",
    )  # fmt: skip
    assert share.code == Code.RATE_RANGE
    unknown = _refused(shipped_plan, target="forest-cover", period="2022", value="40", correction="maybe")
    assert (unknown.code, unknown.column, str(unknown)) == (
        Code.CORRECTION_UNKNOWN, "correction", "row 2 correction='maybe': expected yes or no (có/không)"
    )  # fmt: skip


def test_a_year_to_date_total_below_a_stored_earlier_one_refuses_the_whole_file(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path
) -> None:
    stored = _csv(tmp_path, "thang-6.csv", 'target,period,value\nbudget-revenue,2022-06,"5.012,6"\n')
    assert ingest_file(engine, shipped_plan, stored).outcome == Outcome.INGESTED
    falling = _csv(
        tmp_path, "thang-7.csv",
        "target,period,value\nnew-jobs,2022-Q3,20000\nbudget-revenue,2022-07,1\nbudget-revenue,2022-05,4000\n",
    )  # fmt: skip
    report = ingest_file(engine, shipped_plan, falling)
    assert report.outcome == Outcome.REJECTED
    held = "a year-to-date figure below the 5012.6 tỷ đồng of 2022-06 (thang-6.csv row 2); a year-to-date total "
    held += "does not fall: if this figure corrects that one, mark the row as a correction"
    assert report.errors == [f"row 3 value='1': {held}"]  # May's 4000 comes before June's: it fits
    assert told(report).problems[0] == (
        "Dòng 3, cột giá trị ('1'): số lũy kế nhỏ hơn số 5.012,6 tỷ đồng của kỳ trước (tháng 6/2022, "
        "tệp thang-6.csv, dòng 2); số lũy kế không giảm; nếu đây là số điều chỉnh, hãy ghi 'có' ở cột điều chỉnh"
    )
    assert [(f.target_id, f.period) for f in figures(engine, plan=PLAN)] == [
        ("budget-revenue", "2022-06")
    ]  # nothing else


def test_a_total_that_falls_within_the_file_is_held_and_a_file_revising_the_earlier_one_is_taken(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path
) -> None:
    rows = "target,period,value,breakdown\n"
    within = _csv(tmp_path, "a.csv", rows + "budget-revenue,2022-06,5012.6,\nbudget-revenue,2022-07,1,\n")
    report = ingest_file(engine, shipped_plan, within)
    assert [(p.code, p.row, p.facts["source"]) for p in report.problems] == [
        (Code.BELOW_EARLIER, 3, "row 2 of this file")
    ]
    assert "(tháng 6/2022, dòng 2 của tệp này)" in told(report).problems[0]
    # Out of the order of its periods, the series is compared once it is staged, with the same words.
    unordered = _csv(tmp_path, "e.csv", rows + "budget-revenue,2022-07,1,\nbudget-revenue,2022-06,5012.6,\n")
    report = ingest_file(engine, shipped_plan, unordered)
    assert [(p.code, p.row, p.facts["source"], p.facts["earlier"]) for p in report.problems] == [
        (Code.BELOW_EARLIER, 2, "row 3 of this file", "2022-06")
    ]
    stored = _csv(tmp_path, "b.csv", rows + "budget-revenue,2022-06,5012.6,\n")
    assert ingest_file(engine, shipped_plan, stored).outcome == Outcome.INGESTED
    # The file revises June's figure too: July is compared with the revised one.
    revising = _csv(tmp_path, "c.csv", rows + "budget-revenue,2022-06,0.5,\nbudget-revenue,2022-07,1,\n")
    report = ingest_file(engine, shipped_plan, revising)
    assert (report.outcome, report.revised, report.new) == (Outcome.INGESTED, 1, 1), report.errors
    # Each part of a breakdown is its own series; a level is no total.
    parts = _csv(
        tmp_path, "d.csv",
        rows + "public-investment-disbursement,2022-06,300,capital-source/oda\n"
        "public-investment-disbursement,2022-07,200,capital-source/central-budget\n"
        "forest-cover,2022-H1,38,\n",
    )  # fmt: skip
    report = ingest_file(engine, shipped_plan, parts)
    assert (report.outcome, report.new) == (Outcome.INGESTED, 3), report.errors


def test_a_row_marked_as_a_correction_is_stored(engine: sa.Engine, shipped_plan: Plan, tmp_path: Path) -> None:
    stored = _csv(tmp_path, "thang-6.csv", "target,period,value\nbudget-revenue,2022-06,5012.6\n")
    assert ingest_file(engine, shipped_plan, stored).outcome == Outcome.INGESTED
    marked = _csv(tmp_path, "thang-7.csv", "chỉ tiêu,kỳ,giá trị,điều chỉnh\nbudget-revenue,2022-07,1,có\n")
    report = ingest_file(engine, shipped_plan, marked)
    assert (report.outcome, report.new) == (Outcome.INGESTED, 1), report.errors
    assert sorted((f.period, f.value) for f in figures(engine, plan=PLAN)) == [
        ("2022-06", Decimal("5012.6")),
        ("2022-07", Decimal(1)),
    ]


@pytest.fixture
def bounded(rule_dir: Callable[..., Path]) -> Plan:
    """A plan whose revenue target takes a change of at most 50 % from the preceding figure."""
    text = revenue_target().replace("basis: year_to_date}", "basis: year_to_date, max_jump: 50}")
    return load_plan([rule_dir(revenue=text)])


def test_a_change_beyond_the_target_s_bound_is_held(engine: sa.Engine, bounded: Plan, tmp_path: Path) -> None:
    assert bounded.targets["revenue"].reporting.max_jump == 50
    within = _csv(tmp_path, "within.csv", "target,period,value\nrevenue,2022-01,100\nrevenue,2022-02,300\n")
    [held] = ingest_file(engine, bounded, within).problems  # the store holds nothing yet: within the file
    assert (held.code, held.row, held.facts["change"], held.facts["source"]) == (
        Code.JUMP,
        3,
        "200",
        "row 2 of this file",
    )
    base = _csv(tmp_path, "a.csv", "target,period,value\nrevenue,2022-03,1000\nrevenue,2022-04,1400\n")
    assert ingest_file(engine, bounded, base).outcome == Outcome.INGESTED  # +40 %
    jump = _csv(tmp_path, "b.csv", "target,period,value\nrevenue,2022-05,2200\n")
    report = ingest_file(engine, bounded, jump)
    assert report.errors == [
        "row 2 value='2200': changes by 57.1 % from the 1400 tỷ đồng of 2022-04 (a.csv row 3); at most 50 % is "
        "expected (the target's max_jump): if the figure is right, mark the row as a correction"
    ]
    assert told(report).problems == [
        "Dòng 2, cột giá trị ('2200'): thay đổi 57,1 % so với số 1.400 tỷ đồng của kỳ tháng 4/2022 (tệp a.csv, "
        "dòng 3), vượt mức 50 % của chỉ tiêu; hãy kiểm tra lại; nếu đây là số đúng, hãy ghi 'có' ở cột điều chỉnh"
    ]
    marked = _csv(tmp_path, "c.csv", "target,period,value,correction\nrevenue,2022-05,2200,yes\n")
    assert ingest_file(engine, bounded, marked).outcome == Outcome.INGESTED


def test_without_a_bound_a_large_change_is_taken(
    engine: sa.Engine, rule_dir: Callable[..., Path], tmp_path: Path
) -> None:
    plan = load_plan([rule_dir(revenue=revenue_target())])
    assert plan.targets["revenue"].reporting.max_jump is None
    path = _csv(tmp_path, "a.csv", "target,period,value\nrevenue,2022-03,10\nrevenue,2022-04,5000\n")
    assert ingest_file(engine, plan, path).outcome == Outcome.INGESTED


def test_the_command_line_refuses_a_falling_total_in_english_and_takes_it_marked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAN_MONITOR_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(TARGETS))
    monkeypatch.delenv("PLAN_MONITOR_DATABASE_URL", raising=False)
    runner = CliRunner()
    june = _csv(tmp_path, "june.csv", "target,period,value\nbudget-revenue,2022-06,5012.6\n")
    assert runner.invoke(cli, ["ingest", str(june)]).exit_code == 0
    july = _csv(tmp_path, "july.csv", "target,period,value\nbudget-revenue,2022-07,1\n")
    refused = runner.invoke(cli, ["ingest", str(july)])
    assert refused.exit_code == 1
    assert (
        f"{july}: row 2 value='1': a year-to-date figure below the 5012.6 tỷ đồng of 2022-06 (june.csv row 2)"
        in refused.stderr
    )
    assert "Traceback" not in refused.output
    marked = _csv(tmp_path, "july-fixed.csv", "target,period,value,correction\nbudget-revenue,2022-07,1,yes\n")
    taken = runner.invoke(cli, ["ingest", str(marked)])
    assert taken.exit_code == 0, taken.output
    assert "1 new" in taken.output
