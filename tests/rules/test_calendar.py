"""The reporting calendar: when a report falls due, and which report its owner is reminded of."""

from __future__ import annotations

import datetime as dt

import pytest

from rules import Period, due_date, report_due_soon
from tests.rules.factories import YEAR, target

MONTHLY = target()  # reports due on the 10th of the month after
QUARTERLY = target(reporting={"every": "quarter", "basis": "year_to_date", "due_day": 15})


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        (dt.date(2022, 8, 6), None),  # four days before 10/08: not yet
        (dt.date(2022, 8, 7), "2022-07"),  # three days before
        (dt.date(2022, 8, 9), "2022-07"),  # the day before
        (dt.date(2022, 8, 10), None),  # due today: overdue by evening, no longer a reminder
        (dt.date(2022, 8, 31), None),  # August's report is due on 10/09, ten days ahead
    ],
)
def test_a_monthly_report_is_recalled_in_the_days_before_it_falls_due(as_of: dt.date, expected: str | None) -> None:
    found = report_due_soon(MONTHLY, YEAR, None, as_of, 3)
    assert (found.label if found else None) == expected
    if found is not None:
        assert as_of < due_date(MONTHLY, found) <= as_of + dt.timedelta(days=3)


def test_a_report_whose_figure_has_come_is_not_recalled() -> None:
    as_of = dt.date(2022, 8, 8)
    assert report_due_soon(MONTHLY, YEAR, Period.parse("2022-06").end, as_of, 3) == Period.parse("2022-07")
    assert report_due_soon(MONTHLY, YEAR, Period.parse("2022-07").end, as_of, 3) is None
    # A year-to-date figure for a later period covers the report too.
    assert report_due_soon(MONTHLY, YEAR, Period.parse("2022-08").end, as_of, 3) is None


def test_the_number_of_days_is_the_setting_and_zero_means_no_reminder() -> None:
    as_of = dt.date(2022, 10, 5)  # Q3 is due on 15/10
    assert report_due_soon(QUARTERLY, YEAR, None, as_of, 9) is None
    assert report_due_soon(QUARTERLY, YEAR, None, as_of, 10) == Period.parse("2022-Q3")
    assert report_due_soon(QUARTERLY, YEAR, None, dt.date(2022, 10, 14), 0) is None
