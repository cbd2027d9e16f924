"""Small targets and figures for evaluation tests, built the way the loader builds them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from rules.observation import FigureStatus, Observation
from rules.periods import Period
from rules.target import Basis, Target

YEAR = 2022


def target(**fields: Any) -> Target:
    """A valid target: a cumulative flow of 1200 by default; `fields` override."""
    base: dict[str, Any] = {
        "id": "t",
        "number": 1,
        "name": "Chỉ tiêu",
        "kind": "cumulative",
        "comparator": "at_least",
        "value": 1200,
        "unit": "tỷ đồng",
        "reporting": {"every": "month", "basis": "year_to_date", "due_day": 10},
        "trajectory": {"type": "linear"},
        "owner": "finance",
        "source": {"lines": "1", "quote": "x"},
    }
    base.update(fields)
    return Target.model_validate(base)


def figure(
    period: str,
    value: float | int | str | Decimal,
    *,
    basis: str = "year_to_date",
    breakdown: str = "",
    status: str = "official",
    received: dt.datetime | None = None,
) -> Observation:
    return Observation(
        Period.parse(period),
        Decimal(str(value)),
        Basis(basis),
        breakdown,
        FigureStatus(status),
        received,
        f"test:{period}",
    )


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)
