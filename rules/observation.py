"""A reported figure, as evaluation sees it: a value for a period, with what it stands for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from rules.periods import Period
from rules.target import Basis


class FigureStatus(StrEnum):
    """Whether a figure is a first estimate ("ước") or the official one; official wins."""

    ESTIMATE = "estimate"
    OFFICIAL = "official"


@dataclass(frozen=True, slots=True)
class Observation:
    """One figure of a target (or of one of its breakdown parts or shares) for one period."""

    period: Period
    value: Decimal
    basis: Basis
    breakdown: str = ""  # "" for the target itself; "capital-source/oda"; a share's key
    status: FigureStatus = FigureStatus.OFFICIAL
    received: dt.datetime | None = None
    source: str = ""  # where it came from, for people: "giai-ngan.xlsx:14"

    @property
    def rank(self) -> tuple[bool, dt.datetime]:
        """Orders rival figures for one period: an official figure first, then the latest received."""
        return self.status == FigureStatus.OFFICIAL, self.received or dt.datetime.min
