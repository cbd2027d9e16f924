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


def test_a_chart_is_sharp_and_shows_the_target_the_date_and_the_deadline() -> None:
    import io

    from PIL import Image

    marked = ChartData(DATA.actual, DATA.required, "tỷ đồng", target=Decimal(6000), as_of=dt.date(2022, 7, 31),
                       deadline=dt.date(2023, 1, 31))  # fmt: skip
    png = render_chart(marked, "Giải ngân — Nguồn vốn: Vốn ODA")
    with Image.open(io.BytesIO(png)) as picture:
        assert picture.size[0] >= 1040  # twice the 520 px it is shown at
    assert render_chart(marked, "x") != render_chart(DATA, "x")  # the lines and marks are drawn


def test_axis_numbers_are_in_vietnamese_format() -> None:
    from notifiers.chart import _vietnamese

    assert [_vietnamese(v) for v in (6000.0, 2.5, 0.0, 12000000.0)] == ["6.000", "2,5", "0", "12.000.000"]
