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
