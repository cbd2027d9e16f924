"""What a digest shows of a series: the chart's figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from monitor.charts import chart_data
from rules import Basis, Plan
from rules.observation import Observation
from rules.periods import Period


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
