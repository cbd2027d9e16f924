"""Evaluating the whole plan: which series are judged, on which figures, in which order."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

import pytest

from monitor.store.figures import StoredFigure, as_observations
from rules import Plan, evaluate_plan, load_plan, series_of
from rules.judging import Evaluation, Status, evaluate
from rules.observation import FigureStatus, Observation
from rules.periods import Period
from rules.target import Basis, Target
from tests.conftest import revenue_target

JULY_10 = dt.date(2022, 7, 10)

# Declared before the revenue target although its id sorts after it. Its capital sources have
# amounts of their own; its investors have none, so an investor is judged only once it reports.
ROADS = """\
  - id: roads
    number: 3
    name: Đường giao thông
    kind: cumulative
    comparator: at_least
    value: 1200
    unit: tỷ đồng
    reporting: {every: month, basis: year_to_date}
    owner: finance
    breakdowns:
      - dimension: source
        parts:
          - {key: central, name: Trung ương, value: 800}
          - {key: local, name: Địa phương, value: 400}
      - dimension: investor
        parts:
          - {key: north, name: Ban Bắc}
          - {key: east, name: Ban Đông}
          - {key: west, name: Ban Tây}
    source: {lines: "1", quote: "x"}
"""


@pytest.fixture
def plan(rule_dir: Callable[..., Path]) -> Plan:
    return load_plan([rule_dir(targets="targets:\n" + ROADS + revenue_target().removeprefix("targets:\n"))])


def june(value: int, breakdown: str = "") -> Observation:
    return Observation(Period.parse("2022-06"), Decimal(value), Basis.YEAR_TO_DATE, breakdown)


def _series(evaluations: Iterable[Evaluation]) -> list[tuple[str, str]]:
    return [(e.target_id, e.breakdown) for e in evaluations]


def test_plan_order_then_the_target_before_its_parts_in_declaration_order(plan: Plan) -> None:
    figures = [june(30, "investor/west"), june(20, "investor/north"), june(500, "source/central")]
    evaluations = evaluate_plan(plan, {"roads": figures}, JULY_10)
    assert _series(evaluations) == [
        ("roads", ""),
        ("roads", "source/central"),
        ("roads", "source/local"),  # an amount of its own: judged without a figure
        ("roads", "investor/north"),  # declared before west, though reported after it
        ("roads", "investor/west"),
        ("revenue", ""),  # no figure at all: still judged
    ]
    assert all(e.as_of == JULY_10 for e in evaluations)


def test_a_part_with_neither_an_amount_nor_figures_is_not_judged(plan: Plan) -> None:
    roads = plan.targets["roads"]
    assert series_of(roads) == ["", "source/central", "source/local"]
    assert series_of(roads, [june(1, "investor/east")]) == ["", "source/central", "source/local", "investor/east"]
    assert series_of(plan.targets["revenue"], [june(1)]) == [""]


def test_a_part_is_judged_on_its_own_figures_and_the_total_on_all(plan: Plan) -> None:
    figures = [june(500, "source/central"), june(100, "source/local"), june(40, "investor/west")]
    verdicts = {e.breakdown: e for e in evaluate_plan(plan, {"roads": figures}, JULY_10) if e.target_id == "roads"}
    assert (verdicts["source/central"].actual, verdicts["source/local"].actual) == (Decimal(500), Decimal(100))
    assert verdicts["investor/west"].actual == Decimal(40)
    # The total was not reported: it is the sum of the capital sources, which only it can see.
    total = verdicts[""]
    assert (total.actual, total.actual_source) == (Decimal(600), "sum of source")


def test_each_evaluation_is_given_only_the_figures_it_may_see(plan: Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[tuple[str, str], list[Observation]] = {}

    def spy(target: Target, figures: list[Observation], as_of: dt.date, *, year: int, breakdown: str = ""):
        seen[(target.id, breakdown)] = list(figures)
        return evaluate(target, figures, as_of, year=year, breakdown=breakdown)

    monkeypatch.setattr(sys.modules[evaluate_plan.__module__], "evaluate", spy)  # the name evaluate_plan calls
    figures = [june(500, "source/central"), june(100, "source/local"), june(40, "investor/west"), june(650)]
    evaluate_plan(plan, {"roads": figures, "revenue": [june(7000)]}, JULY_10)
    assert seen == {
        ("roads", ""): figures,
        ("roads", "source/central"): [figures[0]],
        ("roads", "source/local"): [figures[1]],
        ("roads", "investor/west"): [figures[2]],
        ("revenue", ""): [june(7000)],
    }


def test_no_figures_at_all_is_still_a_verdict_per_series(plan: Plan) -> None:
    verdicts = {(e.target_id, e.breakdown): e for e in evaluate_plan(plan, {}, JULY_10)}
    assert list(verdicts) == [("roads", ""), ("roads", "source/central"), ("roads", "source/local"), ("revenue", "")]
    # By 10 July the last report due is May's (due 20 June); parts are not reported on their own.
    revenue = verdicts[("revenue", "")]
    assert (revenue.status, revenue.overdue_period) == (Status.OVERDUE, Period.parse("2022-05"))
    assert verdicts[("roads", "source/local")].status == Status.NO_DATA


def _stored(target_id: str, period: str, value: str, **fields: object) -> StoredFigure:
    parsed = Period.parse(period)
    values: dict[str, object] = {
        "id": 1, "target_id": target_id, "breakdown": "", "period": period, "period_start": parsed.start,
        "period_end": parsed.end, "basis": "year_to_date", "value": Decimal(value), "unit": "tỷ đồng",
        "reported_value": Decimal(value), "reported_unit": "tỷ đồng", "status": "official", "note": None,
        "file_name": "so-tai-chinh.csv", "source_row": 2, "submitter": None,
        "received_at": dt.datetime(2022, 7, 5, 8, 0, tzinfo=dt.UTC), "is_current": True,
    }  # fmt: skip
    values.update(fields)
    return StoredFigure(**values)  # type: ignore[arg-type]


def test_stored_figures_become_observations_by_target() -> None:
    received = dt.datetime(2022, 7, 6, 9, 30, tzinfo=dt.UTC)
    stored = [
        _stored("roads", "2022-06-30", "500.25", breakdown="source/central", status="estimate", basis="period",
                file_name="giai-ngan.xlsx", source_row=14, received_at=received),
        _stored("revenue", "2022-Q2", "7622.8"),
        _stored("roads", "2022-07", "610"),
    ]  # fmt: skip
    by_target = as_observations(stored)
    assert list(by_target) == ["roads", "revenue"]
    first, second = by_target["roads"]
    assert first == Observation(
        Period.of_date(dt.date(2022, 6, 30)), Decimal("500.25"), Basis.PERIOD, "source/central",
        FigureStatus.ESTIMATE, received, "giai-ngan.xlsx:14",
    )  # fmt: skip
    assert (second.period, second.value, second.breakdown) == (Period.month(2022, 7), Decimal(610), "")
    [revenue] = by_target["revenue"]
    assert (revenue.period, revenue.basis, revenue.status, revenue.source) == (
        Period.quarter(2022, 2), Basis.YEAR_TO_DATE, FigureStatus.OFFICIAL, "so-tai-chinh.csv:2",
    )  # fmt: skip
