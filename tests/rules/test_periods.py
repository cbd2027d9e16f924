"""Reporting periods as Vietnamese reports name them."""

from __future__ import annotations

import datetime as dt

import pytest

from rules.periods import Period, PeriodKind


@pytest.mark.parametrize(
    ("text", "kind", "start", "end", "label"),
    [
        ("2022", PeriodKind.YEAR, "2022-01-01", "2022-12-31", "2022"),
        ("2022-q1", PeriodKind.QUARTER, "2022-01-01", "2022-03-31", "2022-Q1"),
        ("2022-Q4", PeriodKind.QUARTER, "2022-10-01", "2022-12-31", "2022-Q4"),
        ("2022-H1", PeriodKind.HALF, "2022-01-01", "2022-06-30", "2022-H1"),
        ("2022-H2", PeriodKind.HALF, "2022-07-01", "2022-12-31", "2022-H2"),
        ("2022-9M", PeriodKind.NINE_MONTHS, "2022-01-01", "2022-09-30", "2022-9M"),
        ("2022-02", PeriodKind.MONTH, "2022-02-01", "2022-02-28", "2022-02"),
        ("2022-07-31", PeriodKind.DATE, "2022-07-31", "2022-07-31", "2022-07-31"),
    ],
)
def test_written_forms(text: str, kind: PeriodKind, start: str, end: str, label: str) -> None:
    period = Period.parse(text)
    assert (period.kind, period.start, period.end, period.label) == (
        kind,
        dt.date.fromisoformat(start),
        dt.date.fromisoformat(end),
        label,
    )


@pytest.mark.parametrize("text", ["2022-13", "2022-02-30", "2022-Q5", "2022-H3", "22-01", "Q1-2022", ""])
def test_refused_forms_name_the_accepted_ones(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not a period; expected 2022, 2022-Q1..Q4"):
        Period.parse(text)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Tháng 7/2022", "2022-07"),
        ("tháng 07 năm 2022", "2022-07"),
        ("THÁNG 12 - 2022", "2022-12"),
        ("tháng 3", "2022-03"),
        ("Quý I/2022", "2022-Q1"),
        ("quý IV/2022", "2022-Q4"),
        ("quý 2 năm 2022", "2022-Q2"),
        ("Quý III", "2022-Q3"),
        ("6 tháng đầu năm 2022", "2022-H1"),
        ("6 tháng cuối năm 2022", "2022-H2"),
        ("6 tháng", "2022-H1"),
        ("9 tháng", "2022-9M"),
        ("9 tháng năm 2022", "2022-9M"),
        ("9 tháng đầu năm 2022", "2022-9M"),
        ("Năm 2022", "2022"),
        ("cả năm", "2022"),
        ("Cả năm 2022", "2022"),
        ("đến ngày 31/07/2022", "2022-07-31"),
        ("ngày 5/8/2022", "2022-08-05"),
        ("  tháng   7 / 2022 ", "2022-07"),
    ],
)
def test_periods_as_officials_write_them(text: str, label: str) -> None:
    assert Period.parse(text, year=2022).label == label


def test_official_forms_in_decomposed_unicode_are_read_the_same() -> None:
    import unicodedata

    for text in ("Tháng 7/2022", "quý I/2022", "6 tháng đầu năm 2022", "cả năm"):
        assert Period.parse(unicodedata.normalize("NFD", text), year=2022) == Period.parse(text, year=2022)


def test_a_year_written_wins_over_the_plans() -> None:
    assert Period.parse("tháng 7/2021", year=2022).label == "2021-07"


@pytest.mark.parametrize(
    "text", ["tháng 13/2022", "quý V/2022", "quý 0", "7 tháng", "ngày 31/02/2022", "tháng bảy", "6 tháng giữa năm"]
)
def test_official_forms_that_name_no_period_keep_the_message(text: str) -> None:
    with pytest.raises(ValueError, match=r"is not a period; expected 2022, 2022-Q1..Q4"):
        Period.parse(text, year=2022)


@pytest.mark.parametrize("text", ["6 tháng", "cả năm", "quý II", "tháng 7"])
def test_a_form_without_a_year_needs_the_plans(text: str) -> None:
    with pytest.raises(ValueError, match="is not a period"):
        Period.parse(text)
