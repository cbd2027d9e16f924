"""A series' chart data: the figures drawn month by month up to the run's date, and the line required."""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import Any

from monitor.charts import chart_data
from rules import Basis, Observation, Period, Plan, Target
from tests.rules.factories import YEAR, figure, target

SPLIT: dict[str, Any] = {
    "dimension": "source",
    "parts": [{"key": "a", "name": "A", "value": 800}, {"key": "b", "name": "B", "value": 400}],
}


def _month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """The last day of every month from `first`'s to `last`'s."""
    ends, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        ends.append(dt.date(year, month, calendar.monthrange(year, month)[1]))
        year, month = year + month // 12, month % 12 + 1
    return ends


def _chart(t: Target, figures: list[Observation], as_of: str, breakdown: str = ""):
    return chart_data(t, breakdown, figures, dt.date.fromisoformat(as_of), YEAR)


def test_the_last_figure_of_each_month_up_to_the_date_and_none_after() -> None:
    figures = [
        figure("2022-01-20", 60),
        figure("2022-01", 100),  # ends 31 January: the month's last
        figure("2022-02-10", 130),  # the only figure of February
        figure("2022-03", 300),
        figure("2022-04-12", 350),
        figure("2022-04-25", 380),  # after the run's date
        figure("2022-05", 500),
    ]
    chart = _chart(target(value=1200), figures, "2022-04-20")
    assert chart.actual == (
        (dt.date(2022, 1, 31), Decimal(100)),
        (dt.date(2022, 2, 10), Decimal(130)),
        (dt.date(2022, 3, 31), Decimal(300)),
        (dt.date(2022, 4, 12), Decimal(350)),
    )
    assert chart.unit == "tỷ đồng"


def test_a_figure_ending_on_the_date_is_drawn_and_nothing_before_the_first() -> None:
    figures = [figure("2022-03", 300), figure("2022-04-01", 310)]
    assert _chart(target(), figures, "2022-03-31").actual == ((dt.date(2022, 3, 31), Decimal(300)),)
    assert _chart(target(), figures, "2022-03-30").actual == ()


def test_the_required_line_runs_through_month_ends_to_the_deadline() -> None:
    chart = _chart(target(value=1200), [], "2022-04-20")  # linear: 1200 by 31 December, from 0
    days = [day for day, _ in chart.required]
    assert days == _month_ends(dt.date(YEAR - 1, 12, 1), dt.date(YEAR, 12, 31))
    assert chart.required[0] == (dt.date(YEAR - 1, 12, 31), Decimal(0))
    for day, value in chart.required[1:]:  # the share of the year's days gone by the end of that day
        assert abs(value - Decimal(1200) * day.timetuple().tm_yday / 365) < Decimal("1e-20"), day
    assert chart.required[-1] == (dt.date(YEAR, 12, 31), Decimal(1200))


def test_a_deadline_in_the_next_year_extends_the_line() -> None:
    disbursement = target(
        value=1000,
        deadline="2023-01-31",
        trajectory={
            "type": "milestones",
            "points": [{"date": "2022-06-30", "share": 40}, {"date": "2023-01-31", "share": 100}],
        },
    )
    required = dict(_chart(disbursement, [], "2022-07-31").required)
    assert list(required) == _month_ends(dt.date(YEAR - 1, 12, 1), dt.date(YEAR + 1, 1, 31))
    assert (required[dt.date(2022, 6, 30)], required[dt.date(2023, 1, 31)]) == (Decimal(400), Decimal(1000))


def test_a_target_judged_at_year_end_asks_nothing_in_between() -> None:
    chart = _chart(target(value=1200, trajectory={"type": "year_end"}), [], "2022-07-31")
    assert chart.required == ((dt.date(YEAR - 1, 12, 31), Decimal(0)), (dt.date(YEAR, 12, 31), Decimal(1200)))


def test_a_deadline_within_a_month_ends_the_line_at_the_target() -> None:
    chart = _chart(target(value=1200, deadline="2022-09-15"), [], "2022-07-31")
    assert chart.required[-1] == (dt.date(2022, 9, 15), Decimal(1200))


def test_a_parts_chart_uses_only_its_own_figures_and_amount() -> None:
    flow = target(value=1200, breakdowns=[SPLIT])
    figures = [
        figure("2022-01", 100, breakdown="source/a"),
        figure("2022-02", 200, breakdown="source/a"),
        figure("2022-01", 50, breakdown="source/b"),
        figure("2022-03", 150, breakdown="source/b"),
        figure("2022-02", 999),
    ]
    part = _chart(flow, figures, "2022-04-20", "source/a")
    assert part.actual == ((dt.date(2022, 1, 31), Decimal(100)), (dt.date(2022, 2, 28), Decimal(200)))
    assert part.required[-1] == (dt.date(YEAR, 12, 31), Decimal(800))
    # The total sees every figure: January is the sum of both parts, February its own figure.
    total = _chart(flow, figures, "2022-04-20")
    assert total.actual == ((dt.date(2022, 1, 31), Decimal(150)), (dt.date(2022, 2, 28), Decimal(999)))
    assert total.required[-1] == (dt.date(YEAR, 12, 31), Decimal(1200))


def test_a_chart_shows_the_last_figure_of_each_month(shipped_plan: Plan) -> None:
    """Daily figures are drawn at the chart's scale, a month, and up to the date of the run."""
    target = shipped_plan.targets["public-investment-disbursement"]
    days = [dt.date(2022, 1, 1) + dt.timedelta(days=n) for n in range(80)]  # 1 January to 21 March
    series = [
        Observation(Period.of_date(day), Decimal(10 * n), Basis.YEAR_TO_DATE, breakdown="capital-source/oda")
        for n, day in enumerate(days)
    ]
    chart = chart_data(target, "capital-source/oda", series, dt.date(2022, 3, 15), 2022)
    assert chart.actual == (
        (dt.date(2022, 1, 31), Decimal(300)),
        (dt.date(2022, 2, 28), Decimal(580)),
        (dt.date(2022, 3, 15), Decimal(730)),
    )
    assert chart.required[0] == (dt.date(2021, 12, 31), Decimal(0))
