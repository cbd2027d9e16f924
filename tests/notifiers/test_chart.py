"""Charts: a target's name is drawn as it is written, whatever characters it holds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from notifiers import ChartData, render_chart

DATA = ChartData(
    actual=((dt.date(2022, 1, 31), Decimal(100)), (dt.date(2022, 2, 28), Decimal(180))),
    required=((dt.date(2021, 12, 31), Decimal(0)), (dt.date(2022, 12, 31), Decimal(1200))),
    unit=r"$\bar$ tỷ đồng",
)


def test_a_name_that_reads_like_a_formula_is_drawn_as_text() -> None:
    png = render_chart(DATA, r"Thu $\foo{x}$ ngân sách")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
