"""A target ("chỉ tiêu") as declared in a rule file, and the parts it is made of."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field, field_validator, model_validator

from rules.base import Number, RuleModel
from rules.trajectory import EachPeriod, Linear, Trajectory, YearEnd

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=64)]


class Kind(StrEnum):
    """What a target measures, which decides how its required value moves through the year."""

    CUMULATIVE = "cumulative"  # a flow summed over the year: revenue, investment, tourists
    LEVEL = "level"  # a level or rate at a date: forest cover, urban population share
    GROWTH_RATE = "growth_rate"  # year-on-year growth per cumulative period: GRDP +14 %
    SHARE = "share"  # a set of shares summing to 100: economic structure
    RANGE = "range"  # a value inside [low, high] at year end
    MILESTONE = "milestone"  # a count reached by the deadline: new-rural districts


class Comparator(StrEnum):
    """How the actual figure is compared with the target value."""

    AT_LEAST = "at_least"  # "đạt": reach or exceed
    AT_MOST = "at_most"  # lower is better: poverty rate, unemployment
    ABOVE = "above"  # "trên": strictly more than
    BELOW = "below"  # strictly less than
    BETWEEN = "between"  # inside [low, high]
    SHARE = "share"  # each share within tolerance of its value


class Frequency(StrEnum):
    """How often the owner reports a figure."""

    MONTH = "month"
    QUARTER = "quarter"  # Q1, 6 months, 9 months, year when year-to-date
    HALF_YEAR = "half_year"
    YEAR = "year"


class Basis(StrEnum):
    """What a reported figure stands for."""

    YEAR_TO_DATE = "year_to_date"  # "lũy kế": the total from 1 January to the period's end
    PERIOD = "period"  # the period alone (one month, one quarter)
    LEVEL = "level"  # a level or rate as of the period's end


class Measure(StrEnum):
    """How a shortfall is measured against the tolerance bands."""

    RELATIVE = "relative"  # percent of the required value
    POINTS = "points"  # in the target's own unit (percentage points for a rate)


class Citation(RuleModel):
    """Where in the plan's source documents a target (or a baseline) comes from: the lines and their
    words, or, for a target added later and not yet cited, a note saying where it comes from."""

    document: Id | None = Field(
        None, description="which of the plan's documents (an id from 'documents'); the plan's 'document' if omitted"
    )
    lines: Annotated[str | None, Field(pattern=r"^\d+(-\d+)?$", description="'1589' or '1577-1579'")] = None
    quote: str | None = Field(None, min_length=1, description="the words of the source, as written")
    note: str | None = Field(
        None, min_length=1, description="instead of a quote: where the target comes from (a warning until quoted)"
    )

    @model_validator(mode="after")
    def _quoted_or_noted(self) -> Citation:
        if self.quote is None and self.note is None:
            raise ValueError("expected a 'quote' with its 'lines', or a 'note' saying where the target comes from")
        if self.quote is not None and self.lines is None:
            raise ValueError("a quote needs the 'lines' it stands on, e.g. lines: \"1593\"")
        return self

    @property
    def first_line(self) -> int:
        return int(self.lines.split("-")[0]) if self.lines else 0

    @property
    def last_line(self) -> int:
        return int(self.lines.split("-")[-1]) if self.lines else 0


class Baseline(RuleModel):
    """The value the target starts from, usually the previous year's figure."""

    value: Number
    year: int | None = Field(None, description="year of the figure; the plan's previous year if omitted")
    cite: Citation | None = None


class Reporting(RuleModel):
    """When the owner reports: every period, what the figure stands for, and the due day."""

    every: Frequency
    basis: Basis
    due_day: int = Field(20, ge=1, le=31, description="day of the month after the period by which the report is due")
    max_jump: Number | None = Field(
        None,
        gt=0,
        description="the largest change from the series' preceding figure, in percent of it, taken without a "
        "correction mark; no bound if omitted",
    )


class Tolerance(RuleModel):
    """Bands of shortfall: beyond `at_risk` the target is at risk, beyond `behind` behind, ..."""

    measure: Measure
    at_risk: Number = Field(Decimal(0), ge=0)
    behind: Number = Field(ge=0)
    critical: Number = Field(ge=0)
    floor: Number = Field(
        Decimal(2),
        ge=0,
        description="points of the year's target a relative shortfall must also reach before it is critical"
        " or escalates (early in the year a small shortfall against a small requirement is a large percentage)",
    )


class Revision(RuleModel):
    """A mid-year amendment of a target value, effective from a date."""

    effective: dt.date
    value: Number
    cite: str = Field(min_length=1, description="the decision that amended the value")


class SharePart(RuleModel):
    """One share of a share set, e.g. industry-construction 60 % of the economy."""

    key: Id
    name: str = Field(min_length=1)
    value: Number
    baseline: Number | None = None


class BreakdownPart(RuleModel):
    """One part of a breakdown, e.g. central-budget capital of the disbursement plan."""

    key: Id
    name: str = Field(min_length=1)
    value: Number | None = None
    owner: Id | None = Field(None, description="department judged on this part; the target's owner if omitted")
    revisions: tuple[Revision, ...] = ()


class Breakdown(RuleModel):
    """A target split along one dimension (capital source, investor); each part judged on its own."""

    dimension: Id
    name: str | None = None
    parts: tuple[BreakdownPart, ...] = Field(min_length=1)
    unallocated: Number | None = Field(
        None,
        ge=0,
        description="the part of the total that no part holds, when the source leaves it unsplit; "
        "the parts' amounts plus this must add up to the total",
    )


class Target(RuleModel):
    """One target of the plan, as declared in a rule file."""

    id: Id
    section: str = Field(
        "III",
        pattern=r"^[^\s](.{0,22}[^\s])?$",
        description="section of the source document as it numbers them: III, IV, V, 2, A…",
    )
    number: int = Field(ge=1, description="the source's item number, e.g. 12 for '(12)'; orders the targets")
    numbering: str | None = Field(
        None,
        pattern=r"^[^\s](.{0,30}[^\s])?$",
        description="the item's number as the source writes it ('2.3', 'c)'); if omitted '(12)' in III, else 'IV.1'",
    )
    name: str = Field(min_length=1)
    parent: Id | None = None
    kind: Kind
    comparator: Comparator
    unit: str = Field(min_length=1)
    value: Number | None = None
    low: Number | None = None
    high: Number | None = None
    parts: tuple[SharePart, ...] = ()
    baseline: Baseline | None = None
    deadline: dt.date | None = Field(None, description="31 December of the plan year if omitted")
    reporting: Reporting
    trajectory: Trajectory | None = Field(None, description="default depends on the kind")
    tolerance: Tolerance | None = Field(None, description="default depends on the kind")
    for_periods: int = Field(
        1, ge=1, alias="for", description="reporting periods a shortfall must hold before it fires"
    )
    escalate_after: int = Field(3, ge=1, description="periods behind before the escalation contact is told")
    owner: Id
    escalation: Id | None = Field(None, description="the owner's escalation contact if omitted")
    notify: tuple[Id, ...] = Field((), description="further recipients, by department id")
    breakdowns: tuple[Breakdown, ...] = ()
    revisions: tuple[Revision, ...] = ()
    source: Citation
    note: str | None = None

    @field_validator("name")
    @classmethod
    def _single_line(cls, name: str) -> str:
        if re.search(r"[\r\n]", name):
            raise ValueError("a name must be a single line")
        if any(unicodedata.category(c) == "Cc" for c in name):
            raise ValueError("a name must be printable text, without control characters")
        return name

    def effective_trajectory(self) -> Trajectory:
        """The declared trajectory, or the kind's default."""
        return self.trajectory or _DEFAULT_TRAJECTORY[self.kind]

    def effective_tolerance(self) -> Tolerance:
        """The declared tolerance bands, or the default: relative bands for flows and for a level in
        any unit but '%' (USD per person, million VND per worker), points for rates in '%'."""
        if self.tolerance:
            return self.tolerance
        if self.kind == Kind.LEVEL and " ".join(self.unit.split()) != "%":
            return _RELATIVE
        return _DEFAULT_TOLERANCE[self.kind]

    def effective_deadline(self, plan_year: int) -> dt.date:
        """The declared deadline, or 31 December of the plan year."""
        return self.deadline or dt.date(plan_year, 12, 31)

    @property
    def label(self) -> str:
        """The source's numbering: as declared, else "(5)" in section III, "IV.1" and "V.4" elsewhere."""
        if self.numbering:
            return self.numbering
        return f"({self.number})" if self.section == "III" else f"{self.section}.{self.number}"

    @property
    def order(self) -> tuple[tuple[int, int, str], int]:
        """Where the target stands in the source: by section (I < II < … < X, 1 < 2 < 10), then number."""
        return section_order(self.section), self.number

    def part_keys(self) -> list[str]:
        """Every breakdown part as a series key, "dimension/key", in declaration order."""
        return [f"{split.dimension}/{part.key}" for split in self.breakdowns for part in split.parts]

    def owner_of(self, breakdown: str = "") -> str:
        """The department judged on a series: a breakdown part's own owner, else the target's."""
        found = self.part(breakdown) if breakdown else None
        return (found[1].owner if found else None) or self.owner

    def part(self, breakdown: str) -> tuple[Breakdown, BreakdownPart] | None:
        """The breakdown part a series key ("capital-source/oda") names, with its breakdown."""
        dimension, _, key = breakdown.partition("/")
        for split in self.breakdowns:
            if split.dimension == dimension:
                for part in split.parts:
                    if part.key == key:
                        return split, part
        return None


_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def section_order(section: str) -> tuple[int, int, str]:
    """A section's place: Roman numerals and numbers by their value, other labels after, by text."""
    text = section.strip().upper()
    if text and all(c in _ROMAN for c in text):
        values = [_ROMAN[c] for c in text]
        total = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
        return 0, total, ""
    digits = re.match(r"\d+", text)
    if digits:
        return 0, int(digits[0]), text
    return 1, 0, text


# The defaults are this module's own constants, made without validating them (as validation would
# make them: a test holds them equal), so that importing the rules builds no validator.
_DEFAULT_TRAJECTORY: dict[Kind, Trajectory] = {
    Kind.CUMULATIVE: Linear.model_construct(type="linear"),
    Kind.LEVEL: Linear.model_construct(type="linear"),
    Kind.GROWTH_RATE: EachPeriod.model_construct(type="each_period"),
    Kind.SHARE: YearEnd.model_construct(type="year_end"),
    Kind.RANGE: YearEnd.model_construct(type="year_end"),
    Kind.MILESTONE: YearEnd.model_construct(type="year_end"),
}

# Flows are judged relative to what is required by now; rates in points of their own unit.
_RELATIVE = Tolerance.model_construct(measure=Measure.RELATIVE, behind=Decimal(5), critical=Decimal(15))
_POINTS = Tolerance.model_construct(measure=Measure.POINTS, behind=Decimal("0.5"), critical=Decimal(2))
_DEFAULT_TOLERANCE: dict[Kind, Tolerance] = {
    Kind.CUMULATIVE: _RELATIVE,
    Kind.MILESTONE: _RELATIVE,
    Kind.LEVEL: _POINTS,
    Kind.GROWTH_RATE: _POINTS,
    Kind.SHARE: _POINTS,
    Kind.RANGE: _POINTS,
}

# Which trajectories make sense for which kind; the checks reject the others.
ALLOWED_TRAJECTORIES: dict[Kind, frozenset[str]] = {
    Kind.CUMULATIVE: frozenset({"linear", "milestones", "monthly_profile", "year_end"}),
    Kind.LEVEL: frozenset({"linear", "milestones", "year_end"}),
    Kind.GROWTH_RATE: frozenset({"each_period", "year_end"}),
    Kind.SHARE: frozenset({"linear", "year_end"}),
    Kind.RANGE: frozenset({"year_end"}),
    Kind.MILESTONE: frozenset({"milestones", "year_end"}),
}
