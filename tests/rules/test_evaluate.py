"""Evaluation against the required trajectory, kind by kind."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import ClassVar

import pytest

from rules import Status, due_date, evaluate
from rules.periods import Period
from tests.rules.factories import YEAR, day, figure, target


def _status(t, figures, as_of: str) -> Status:
    return evaluate(t, figures, day(as_of), year=YEAR).status


class TestCumulativeFlow:
    def test_linear_requirement_at_the_figures_date(self) -> None:
        flow = target(value=1200)  # 100 a month in a straight line
        result = evaluate(flow, [figure("2022-06", 600)], day("2022-07-05"), year=YEAR)
        assert result.required == Decimal(1200) * Decimal(181) / Decimal(365)
        assert result.status == Status.ON_TRACK
        assert result.actual_period == Period.parse("2022-06")

    @pytest.mark.parametrize(
        ("actual", "status"),
        [(600, Status.ON_TRACK), (580, Status.AT_RISK), (540, Status.BEHIND), (400, Status.CRITICAL)],
    )
    def test_bands_of_shortfall(self, actual: int, status: Status) -> None:
        flow = target(value=1200, tolerance={"measure": "relative", "at_risk": 0, "behind": 5, "critical": 15})
        assert _status(flow, [figure("2022-06", actual)], "2022-07-05") == status

    def test_month_figures_add_up_to_the_year_to_date(self) -> None:
        flow = target(value=1200, reporting={"every": "month", "basis": "period"})
        months = [figure(f"2022-{m:02d}", 100, basis="period") for m in range(1, 7)]
        result = evaluate(flow, months, day("2022-07-05"), year=YEAR)
        assert result.actual == Decimal(600)
        assert result.actual_period is not None
        assert result.actual_period.end == dt.date(2022, 6, 30)

    def test_a_missing_month_stops_the_sum_and_the_report_is_overdue(self) -> None:
        flow = target(value=1200, reporting={"every": "month", "basis": "period", "due_day": 10})
        months = [figure(f"2022-{m:02d}", 100, basis="period") for m in (1, 2, 4)]
        result = evaluate(flow, months, day("2022-04-20"), year=YEAR)
        assert result.actual == Decimal(200)  # January and February; April cannot be added
        assert result.overdue_period == Period.parse("2022-03")

    def test_a_month_figure_adds_on_to_a_year_to_date_figure(self) -> None:
        flow = target(value=1200)
        result = evaluate(
            flow, [figure("2022-Q1", 300), figure("2022-04", 110, basis="period")], day("2022-05-01"), year=YEAR
        )
        assert result.actual == Decimal(410)

    def test_milestones_shape_the_requirement_and_the_projection(self) -> None:
        disbursement = target(
            value=1000,
            deadline="2023-01-31",
            trajectory={
                "type": "milestones",
                "points": [{"date": "2022-06-30", "share": 40}, {"date": "2023-01-31", "share": 100}],
            },
        )
        result = evaluate(disbursement, [figure("2022-06", 300)], day("2022-07-15"), year=YEAR)
        assert result.required == Decimal(400)
        assert result.gap == Decimal(100)
        assert result.gap_points == Decimal(10)
        assert result.projected == Decimal(750)  # 300 is 40 % of the way asked: the pace ends at 75 %
        assert result.projected_pct == Decimal(75)
        assert result.status == Status.CRITICAL  # 25 % short of the requirement

    def test_a_seasonal_profile_is_not_a_straight_line(self) -> None:
        grain = target(
            value=600, trajectory={"type": "monthly_profile", "shares": [0, 0, 0, 0, 10, 40, 0, 0, 10, 40, 0, 0]}
        )
        result = evaluate(grain, [figure("2022-06", 300)], day("2022-07-01"), year=YEAR)
        assert result.required == Decimal(300)
        assert result.status == Status.ON_TRACK
        assert result.projected == Decimal(600)

    def test_a_revision_of_the_target_applies_from_its_date(self) -> None:
        flow = target(value=1200, revisions=[{"effective": "2022-07-01", "value": 2400, "cite": "QĐ 1"}])
        before = evaluate(flow, [figure("2022-06", 600)], day("2022-07-05"), year=YEAR)
        after = evaluate(flow, [figure("2022-07", 700)], day("2022-08-05"), year=YEAR)
        assert before.status == Status.ON_TRACK
        assert after.required == Decimal(2400) * Decimal(212) / Decimal(365)
        assert after.status == Status.CRITICAL

    def test_pace_needed_per_month(self) -> None:
        result = evaluate(target(value=1200), [figure("2022-06", 600)], day("2022-07-05"), year=YEAR)
        assert result.pace_per_month is not None
        assert result.pace_per_month.quantize(Decimal("0.01")) == Decimal("99.25")  # 600 over 184 days

    def test_figures_after_the_evaluation_date_are_not_seen(self) -> None:
        result = evaluate(target(), [figure("2022-06", 600), figure("2022-07", 100)], day("2022-07-15"), year=YEAR)
        assert result.actual == Decimal(600)


class TestOfficialAndEstimates:
    def test_an_official_figure_wins_over_a_later_estimate(self) -> None:
        early = dt.datetime(2022, 7, 1)
        figures = [
            figure("2022-06", 650, status="official", received=early),
            figure("2022-06", 500, status="estimate", received=early + dt.timedelta(days=3)),
        ]
        result = evaluate(target(), figures, day("2022-07-10"), year=YEAR)
        assert (result.actual, result.actual_estimate) == (Decimal(650), False)

    def test_between_two_estimates_the_latest_counts(self) -> None:
        early = dt.datetime(2022, 7, 1)
        figures = [
            figure("2022-06", 650, status="estimate", received=early),
            figure("2022-06", 610, status="estimate", received=early + dt.timedelta(days=3)),
        ]
        result = evaluate(target(), figures, day("2022-07-10"), year=YEAR)
        assert (result.actual, result.actual_estimate) == (Decimal(610), True)


class TestDirectionAndStrictness:
    def test_lower_is_better(self) -> None:
        poverty = target(kind="level", comparator="at_most", value=13, unit="%", baseline={"value": 15},
                         reporting={"every": "half_year", "basis": "level"})  # fmt: skip
        assert _status(poverty, [figure("2022-H1", "13.9")], "2022-07-20") == Status.ON_TRACK  # 14 required by then
        assert _status(poverty, [figure("2022-H1", "15.5")], "2022-07-20") == Status.BEHIND

    def test_above_is_strict_at_year_end(self) -> None:
        insurance = target(kind="level", comparator="above", value=99, unit="%", baseline={"value": "99.1"},
                           reporting={"every": "year", "basis": "level"})  # fmt: skip
        assert _status(insurance, [figure("2022", "99.0")], "2023-01-20") == Status.MISSED
        assert _status(insurance, [figure("2022", "99.01")], "2023-01-20") == Status.ACHIEVED

    def test_year_end_verdict_is_the_plain_comparison(self) -> None:
        flow = target(value=1200, tolerance={"measure": "relative", "at_risk": 5, "behind": 10, "critical": 20})
        assert (
            _status(flow, [figure("2022", 1199)], "2023-01-15") == Status.MISSED
        )  # within the dead band, yet not met: after the deadline there is no "on the way"
        assert _status(flow, [figure("2022", 1200)], "2023-01-15") == Status.ACHIEVED


class TestGrowthRange:
    def test_growth_compared_per_cumulative_period_with_the_scenario(self) -> None:
        growth = target(
            kind="growth_rate", value=14, unit="%", reporting={"every": "quarter", "basis": "year_to_date"},
            trajectory={"type": "each_period", "scenario": {"Q1": 8, "H1": 10, "9M": 12, "year": 14}},
        )  # fmt: skip
        q1 = evaluate(growth, [figure("2022-Q1", "8.1")], day("2022-04-15"), year=YEAR)
        assert (q1.required, q1.status) == (Decimal(8), Status.ON_TRACK)
        h1 = evaluate(growth, [figure("2022-Q1", "8.1"), figure("2022-H1", "9.2")], day("2022-07-15"), year=YEAR)
        assert (h1.required, h1.status) == (Decimal(10), Status.BEHIND)  # 0.8 points short, beyond 0.5

    def test_growth_without_scenario_requires_the_target_each_period(self) -> None:
        growth = target(kind="growth_rate", value=14, unit="%", trajectory={"type": "each_period"},
                        reporting={"every": "quarter", "basis": "year_to_date"})  # fmt: skip
        result = evaluate(growth, [figure("2022-Q1", "11")], day("2022-04-15"), year=YEAR)
        assert (result.required, result.status) == (Decimal(14), Status.CRITICAL)

    def test_range_is_judged_at_year_end(self) -> None:
        farm = target(kind="range", comparator="between", value=None, low=135, high=140, unit="triệu đồng/ha",
                      reporting={"every": "year", "basis": "level"}, trajectory={"type": "year_end"},
                      tolerance={"measure": "points", "at_risk": 0, "behind": 2, "critical": 8})  # fmt: skip
        assert _status(farm, [figure("2022", 137)], "2023-01-20") == Status.ACHIEVED
        assert _status(farm, [figure("2022", 141)], "2023-01-20") == Status.MISSED
        assert _status(farm, [figure("2022", 150)], "2023-01-20") == Status.MISSED
        assert (
            _status(farm, [figure("2022-06-30", 150)], "2022-07-20") == Status.AT_RISK
        )  # not judged before the deadline


class TestShares:
    def test_each_share_is_judged_and_the_worst_counts(self) -> None:
        structure = target(
            kind="share", comparator="share", value=None, unit="%", trajectory={"type": "year_end"},
            parts=[{"key": "industry", "name": "CN", "value": 60}, {"key": "services", "name": "DV", "value": 24},
                   {"key": "agriculture", "name": "NN", "value": 16}],
            reporting={"every": "year", "basis": "level"},
            tolerance={"measure": "points", "at_risk": 0.5, "behind": 1, "critical": 2},
        )  # fmt: skip
        shares = [figure("2022", 59.5, breakdown="industry"), figure("2022", 23.2, breakdown="services"),
                  figure("2022", 17.3, breakdown="agriculture")]  # fmt: skip
        result = evaluate(structure, shares, day("2023-01-20"), year=YEAR)
        assert [(p.breakdown, p.status, p.gap) for p in result.parts] == [
            ("industry", Status.ACHIEVED, Decimal("0.5")),  # within the half-point band
            ("services", Status.MISSED, Decimal("0.8")),
            ("agriculture", Status.MISSED, Decimal("1.3")),  # over, which is as wrong as under
        ]
        assert (result.status, result.actual) == (Status.MISSED, Decimal("17.3"))


class TestBreakdowns:
    SPLIT: ClassVar[dict[str, object]] = {
        "dimension": "source",
        "parts": [{"key": "a", "name": "A", "value": 800}, {"key": "b", "name": "B", "value": 400}],
    }

    def test_each_part_is_judged_against_its_own_amount(self) -> None:
        flow = target(value=1200, breakdowns=[self.SPLIT])
        figures = [figure("2022-06", 400, breakdown="source/a"), figure("2022-06", 100, breakdown="source/b")]
        a = evaluate(flow, figures, day("2022-07-05"), year=YEAR, breakdown="source/a")
        b = evaluate(flow, figures, day("2022-07-05"), year=YEAR, breakdown="source/b")
        assert (a.status, b.status) == (Status.ON_TRACK, Status.CRITICAL)
        assert b.required == Decimal(400) * Decimal(181) / Decimal(365)

    def test_the_total_rolls_up_from_the_parts_when_not_reported(self) -> None:
        flow = target(value=1200, breakdowns=[self.SPLIT])
        figures = [
            figure("2022-05", 450),
            figure("2022-06", 400, breakdown="source/a"),
            figure("2022-06", 100, breakdown="source/b"),
        ]
        result = evaluate(flow, figures, day("2022-07-05"), year=YEAR)
        assert (result.actual, result.actual_source) == (Decimal(500), "sum of source")


class TestMissingData:
    def test_no_figure_and_nothing_due_yet(self) -> None:
        result = evaluate(target(), [], day("2022-02-05"), year=YEAR)
        assert (result.status, result.overdue_period) == (Status.NO_DATA, None)

    def test_no_figure_when_one_is_due_is_overdue(self) -> None:
        result = evaluate(target(), [], day("2022-02-10"), year=YEAR)
        assert (result.status, result.overdue_period) == (Status.OVERDUE, Period.parse("2022-01"))

    def test_an_old_figure_is_judged_and_the_missing_report_flagged(self) -> None:
        result = evaluate(target(), [figure("2022-03", 300)], day("2022-06-15"), year=YEAR)
        assert result.status == Status.ON_TRACK
        assert result.overdue_period == Period.parse("2022-05")

    def test_due_dates(self) -> None:
        monthly = target(reporting={"every": "month", "basis": "year_to_date", "due_day": 31})
        assert due_date(monthly, Period.parse("2022-01")) == dt.date(2022, 2, 28)


class TestFinalFigures:
    def test_a_final_figure_short_of_the_target_is_missed_with_the_plain_comparison(self) -> None:
        forest = target(kind="level", comparator="at_least", value=38, unit="%", baseline={"value": "37.5"},
                        reporting={"every": "year", "basis": "level"}, trajectory={"type": "year_end"})  # fmt: skip
        result = evaluate(forest, [figure("2022", "37.8")], day("2023-01-20"), year=YEAR)
        assert result.status == Status.MISSED
        assert result.reason == "the final figure 37.8 is not at least 38: the target is missed"
        assert _status(forest, [figure("2022", "38")], "2023-01-20") == Status.ACHIEVED
        assert _status(forest, [figure("2022-06-30", "37.8")], "2022-07-20") == Status.AT_RISK  # still on the way


_MILESTONES: dict[str, object] = {"type": "milestones", "points": [{"date": "2022-03-31", "share": 15},
                                                                   {"date": "2022-12-31", "share": 100}]}  # fmt: skip
_BANDS: dict[str, object] = {"measure": "relative", "behind": 10, "critical": 25}


class TestFloor:
    def test_a_small_shortfall_early_in_the_year_is_not_critical(self) -> None:
        flow = target(value=1000, trajectory=_MILESTONES, tolerance=_BANDS)
        # 31/01: 51.7 required (15 % of the way by 31/03); 35 is 32 % short, but 1.7 points of the year
        early = evaluate(flow, [figure("2022-01", 35)], day("2022-02-10"), year=YEAR)
        assert (early.status, early.material) == (Status.BEHIND, False)
        assert "not critical yet" in early.reason
        # the same share short in June is large in absolute terms too
        late = evaluate(flow, [figure("2022-06", 280)], day("2022-07-10"), year=YEAR)
        assert (late.status, late.material) == (Status.CRITICAL, True)

    def test_the_floor_is_a_setting_of_the_target(self) -> None:
        flow = target(value=1000, trajectory=_MILESTONES, tolerance={**_BANDS, "floor": 1})
        assert _status(flow, [figure("2022-01", 35)], "2022-02-10") == Status.CRITICAL
