"""Reading figures as officials write them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.ingest.numbers import plain_number, plain_text, read_figure
from monitor.store.schema import decimal_text


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


@given(st.from_regex(r"[+-]?[0-9]{1,9}(\.[0-9]{1,6})?", fullmatch=True))
def test_the_plain_text_shortcut_writes_what_decimal_writes(text: str) -> None:
    """`plain_text` spares the common case a Decimal; it must give the same text, or refuse the same cells."""
    number = plain_number(text)
    assert plain_text(text) == (None if number is None else decimal_text(number))


@pytest.mark.parametrize(("text", "shown"), [("007.50", "7.5"), ("-0.0", "0"), ("+3", "3"), ("1000", "1000")])
def test_plain_text_examples(text: str, shown: str) -> None:
    assert plain_text(text) == shown


def test_plain_text_refuses_what_another_reading_could_take() -> None:
    assert plain_text("7.088") is None  # 7088 in Vietnamese format
    assert plain_text("7.088,973") is None
