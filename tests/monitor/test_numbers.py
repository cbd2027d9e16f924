"""Reading figures as officials write them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from monitor.ingest.numbers import read_figure


@pytest.mark.parametrize(
    ("cell", "value", "percent"),
    [
        ("7088.973", "7088.973", False),
        ("7.088,973", "7088.973", False),
        ("1.000.000", "1000000", False),
        ("36,4%", "36.4", True),
        ("36,4 %", "36.4", True),
        ("12.5%", "12.5", True),
        ("-2,3", "-2.3", False),
        ("1 000 000", "1000000", False),
        ("7 088,973", "7088.973", False),
        (" 14 ", "14", False),
        (1234, "1234", False),
        (7088.973, "7088.973", False),
        (0.1, "0.1", False),
    ],
)
def test_accepted_forms(cell: object, value: str, percent: bool) -> None:
    figure = read_figure(cell)
    assert (figure.value, figure.percent) == (Decimal(value), percent)


def test_an_excel_percent_cell_is_a_fraction_of_one() -> None:
    figure = read_figure(0.364, excel_percent=True)
    assert (figure.value, figure.percent) == (Decimal("36.4"), True)


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("7.088", "ambiguous: 7088 in Vietnamese format or 7.088 as a plain decimal"),
        ("1.000", "ambiguous"),
        ("7,088.973", "is not a number"),
        ("1 5", "is not a number"),
        ("abc", "is not a number"),
        ("", "found an empty cell"),
        (True, "true/false"),
        (float("nan"), "expected a number"),
    ],
)
def test_refused_forms(cell: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        read_figure(cell)
