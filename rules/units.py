"""Units of measure, with the scale that keeps billion and million VND apart.

A rule file names its unit as officials write it (``tỷ đồng``, ``triệu đồng``, ``%``). Each unit
belongs to a dimension; two units convert into each other only within one dimension, and exactly
(``Decimal`` scale factors), so a figure in ``triệu đồng`` for a target in ``tỷ đồng`` is divided by
1,000 and never compared raw.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from decimal import Decimal

from pydantic import Field, field_validator

from rules.base import PRECISION, Number, RuleModel

# Wide enough for any figure times any scale a plan declares (30 digits each): conversion never rounds.
_EXACT = decimal.Context(prec=PRECISION, traps=[decimal.InvalidOperation, decimal.DivisionByZero])


@dataclass(frozen=True)
class Unit:
    """A unit: its label, the dimension it measures and its size in that dimension's base unit."""

    label: str
    dimension: str
    scale: Decimal

    def convert(self, value: Decimal, to: Unit) -> Decimal:
        """Return `value` (in this unit) expressed in `to`; raise `ValueError` across dimensions."""
        if self.dimension != to.dimension:
            raise ValueError(f"cannot convert {self.label!r} to {to.label!r}")
        if self.scale == to.scale:
            return value
        return _EXACT.divide(_EXACT.multiply(value, self.scale), to.scale)

    def converts_exactly(self, to: Unit) -> bool:
        """Whether every figure in this unit has an exact decimal value in `to` (their sizes'
        ratio is a terminating decimal, as 1000 or 0.001, not 1/3)."""
        context = _EXACT.copy()
        context.clear_flags()
        context.divide(self.scale, to.scale)
        return not context.flags[decimal.Inexact]


class DeclaredUnit(RuleModel):
    """A unit a plan declares in its rule files (section ``units``), beside the built-in ones."""

    label: str = Field(min_length=1, description="as written in rule and data files, e.g. 'tỷ USD'")
    dimension: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_]*$",
        description="what it measures; units of one dimension convert into each other (e.g. usd, visits)",
    )
    scale: Number = Field(
        gt=0, description="its size in the dimension's base unit, e.g. 1000000000 for 'tỷ USD' (USD is 1)"
    )
    name: str | None = Field(None, description="what the unit is, in words")

    @field_validator("label")
    @classmethod
    def _one_line(cls, label: str) -> str:
        if any(not c.isprintable() for c in label) or label != " ".join(label.split()):
            raise ValueError("expected a label on one line, single spaces, no leading or trailing blanks")
        return label

    def unit(self) -> Unit:
        return Unit(self.label, self.dimension, self.scale)


# Keys are the labels as written in rule and data files.
UNITS: dict[str, Unit] = {
    unit.label: unit
    for unit in [
        Unit("%", "percent", Decimal(1)),
        Unit("đồng", "vnd", Decimal(1)),
        Unit("nghìn đồng", "vnd", Decimal(10) ** 3),
        Unit("triệu đồng", "vnd", Decimal(10) ** 6),
        Unit("tỷ đồng", "vnd", Decimal(10) ** 9),
        Unit("nghìn tỷ đồng", "vnd", Decimal(10) ** 12),
        Unit("USD", "usd", Decimal(1)),
        Unit("triệu USD", "usd", Decimal(10) ** 6),
        Unit("triệu đồng/ha", "vnd_per_ha", Decimal(10) ** 6),
        Unit("triệu đồng/lao động", "vnd_per_worker", Decimal(10) ** 6),
        Unit("lượt", "visits", Decimal(1)),
        Unit("nghìn lượt", "visits", Decimal(10) ** 3),
        Unit("triệu lượt", "visits", Decimal(10) ** 6),
        Unit("người", "persons", Decimal(1)),
        Unit("nghìn người", "persons", Decimal(10) ** 3),
        Unit("triệu người", "persons", Decimal(10) ** 6),
        Unit("kg", "mass", Decimal(1)),
        Unit("tấn", "mass", Decimal(10) ** 3),
        Unit("nghìn tấn", "mass", Decimal(10) ** 6),
        Unit("kg/người/năm", "mass_per_person_year", Decimal(1)),
        Unit("giường/10.000 dân", "beds_per_10000", Decimal(1)),
        Unit("huyện", "districts", Decimal(1)),
        Unit("xã", "communes", Decimal(1)),
        Unit("ha", "area", Decimal(1)),
    ]
}


def find_unit(label: str) -> Unit | None:
    """The built-in unit written `label` (surrounding blanks ignored), or None if it is not known.
    A plan's own units are found with `Plan.find_unit`."""
    return UNITS.get(" ".join(label.split()))
