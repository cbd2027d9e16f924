"""How a target should progress through the year: the trajectory kinds a rule file can declare.

- ``linear``: a straight line from the baseline at the start of the plan year (zero for a
  cumulative flow) to the target at the deadline.
- ``milestones``: dated shares of the way from the baseline to the target, e.g. public-investment
  disbursement 40 % by 30 June; the last point is 100 % at the deadline.
- ``monthly_profile``: each month's share of the year's total for a seasonal flow (grain output,
  tourists); twelve shares that sum to 100.
- ``each_period``: a growth rate is compared per cumulative period (Q1, 6 months, 9 months, year)
  with the target itself, or with the plan's quarterly scenario when it gives one.
- ``year_end``: only the year-end figure is judged; before the deadline the target is projected.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from rules.base import Number, RuleModel


class CumulativePeriod(StrEnum):
    """The cumulative periods of Vietnamese reporting, in year order."""

    Q1 = "Q1"
    H1 = "H1"
    NINE_MONTHS = "9M"
    YEAR = "year"


class Linear(RuleModel):
    """Straight line from the baseline at the plan's start to the target at the deadline."""

    type: Literal["linear"]


class Milestone(RuleModel):
    """By `date`, `share` percent of the way from the baseline to the target must be reached."""

    date: dt.date
    share: Number = Field(description="percent of the way from baseline to target, 0-100")


class Milestones(RuleModel):
    """Dated milestones; shares increase and end at 100 on the deadline."""

    type: Literal["milestones"]
    points: tuple[Milestone, ...] = Field(min_length=1)
    cite: str | None = Field(None, description="decision that set these milestones")


class MonthlyProfile(RuleModel):
    """Each month's share (percent) of the year's total, January first; twelve shares summing to 100."""

    type: Literal["monthly_profile"]
    shares: tuple[Number, ...]
    basis: str | None = Field(None, description="where the shape comes from, e.g. '2021 actuals'")


class EachPeriod(RuleModel):
    """A growth rate required for each cumulative period; the target itself unless a scenario says."""

    type: Literal["each_period"]
    scenario: dict[CumulativePeriod, Number] | None = None


class YearEnd(RuleModel):
    """Only the figure at the deadline is judged."""

    type: Literal["year_end"]


Trajectory = Annotated[Linear | Milestones | MonthlyProfile | EachPeriod | YearEnd, Field(discriminator="type")]
