"""Numbers and dates as Vietnamese officials write them: dots between thousands, a comma before decimals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from notifiers.formatting import day, number, period, rounded
from rules import Period


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (Decimal("7088.973"), "7.088,973"),
        (Decimal("1234567890.5"), "1.234.567.890,5"),
        (Decimal("123456789012345678.5"), "123.456.789.012.345.678,5"),  # large: every digit, no exponent
        (Decimal("1E+6"), "1.000.000"),
        (Decimal("3.14159265358979"), "3,14159265358979"),  # every decimal given
        (Decimal("1E-7"), "0,0000001"),
        (Decimal("-1234567.891"), "-1.234.567,891"),
        (999, "999"),
        (25000, "25.000"),
        (-25000, "-25.000"),
        (0.1, "0,1"),  # a float as Python writes it, not its binary expansion
        (7088.973, "7.088,973"),
    ],
)
def test_number(value: Decimal | int | float, written: str) -> None:
    assert number(value) == written


@pytest.mark.parametrize(
    ("value", "places", "written"),
    [
        (Decimal("7088.9736"), 2, "7.088,97"),
        (Decimal("24.849"), 1, "24,8"),
        (Decimal("24.851"), 1, "24,9"),
        (Decimal("7088.973"), 0, "7.089"),
        (Decimal("99.96"), 1, "100"),
        (Decimal("5.10"), 2, "5,1"),  # trailing zeros dropped
        (Decimal("7000.00"), 2, "7.000"),  # ... but not the zeros of the whole number
        (Decimal("100"), 2, "100"),
        (Decimal("0.004"), 2, "0"),
        (Decimal("-12.3456"), 2, "-12,35"),
        (Decimal("-1234.5678"), 1, "-1.234,6"),
        (Decimal("1234567890123.456"), 2, "1.234.567.890.123,46"),
    ],
)
def test_rounded(value: Decimal, places: int, written: str) -> None:
    assert rounded(value, places) == written


def test_rounded_rounds_to_two_places_by_default() -> None:
    assert rounded(Decimal("0.125001")) == "0,13"


def test_a_missing_value_is_the_missing_text_and_zero_is_not_missing() -> None:
    assert rounded(None) == ""
    assert rounded(None, 1, missing="chưa có số liệu") == "chưa có số liệu"
    assert rounded(Decimal(0), missing="—") == "0"


def test_a_negative_value_rounded_to_zero_is_written_zero() -> None:
    assert rounded(Decimal("-0.004"), 2) == "0"  # e.g. a gap a hair ahead of the requirement


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (dt.date(2022, 7, 31), "31/07/2022"),
        (dt.date(2023, 1, 5), "05/01/2023"),  # day and month on two digits
        (dt.date(2022, 12, 1), "01/12/2022"),
    ],
)
def test_day(value: dt.date, written: str) -> None:
    assert day(value) == written


@pytest.mark.parametrize(
    ("code", "written"),
    [
        ("2022", "năm 2022"),
        ("2022-Q1", "quý I/2022"),
        ("2022-Q4", "quý IV/2022"),
        ("2022-H1", "6 tháng đầu năm 2022"),
        ("2022-H2", "6 tháng cuối năm 2022"),
        ("2022-9M", "9 tháng năm 2022"),
        ("2022-07", "tháng 7/2022"),
        ("2022-12", "tháng 12/2022"),
        ("2022-07-31", "đến ngày 31/07/2022"),
        ("2022-13", "2022-13"),
        ("2022-02-30", "2022-02-30"),
        ("tuần 3", "tuần 3"),
    ],
)
def test_periods_are_written_as_officials_write_them(code: str, written: str) -> None:
    assert period(code) == written


def test_numbers_as_long_as_the_stores_keep_are_written_whole() -> None:
    """A figure or a rule-file value has up to 30 digits; the default decimal context keeps 28."""
    thirty = Decimal("9" * 30)
    assert number(thirty) == ".".join(["999"] * 10)
    assert rounded(thirty) == ".".join(["999"] * 10)
    assert rounded(Decimal("1" * 28 + ".26"), 1) == "1." + ".".join(["111"] * 9) + ",3"


@pytest.mark.parametrize(
    "code", ["2022", "2022-Q1", "2022-Q2", "2022-Q3", "2022-Q4", "2022-H1", "2022-H2", "2022-9M", "2022-01", "2022-07",
             "2022-12", "2022-07-31", "2023-02-28"],
)  # fmt: skip
def test_every_period_written_reads_back_as_itself(code: str) -> None:
    assert Period.parse(period(code)).label == code
    assert Period.parse(period(code).upper(), year=1999).label == code
