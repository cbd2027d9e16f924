"""Units of measure, with the scale that keeps billion and million VND apart.

A rule file names its unit as officials write it (``tỷ đồng``, ``triệu đồng``, ``%``). Each unit
belongs to a dimension; two units convert into each other only within one dimension, and exactly
(``Decimal`` scale factors), so a figure in ``triệu đồng`` for a target in ``tỷ đồng`` is divided by
1,000 and never compared raw.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext

from rules.base import PRECISION


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
        with localcontext(prec=PRECISION):  # exact: scales are powers of ten
            return value * self.scale / to.scale


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
    """The unit written `label` (surrounding blanks ignored), or None if it is not known."""
    return UNITS.get(" ".join(label.split()))
