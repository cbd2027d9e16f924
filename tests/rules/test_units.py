"""Units: exact conversion within a dimension, none across."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rules.units import UNITS, find_unit


def test_million_vnd_converts_to_billion_exactly() -> None:
    million, billion = UNITS["triệu đồng"], UNITS["tỷ đồng"]
    assert million.convert(Decimal("7088973"), billion) == Decimal("7088.973")
    assert billion.convert(Decimal("0.001"), million) == Decimal(1)


def test_thousand_tonnes_and_tonnes() -> None:
    assert UNITS["nghìn tấn"].convert(Decimal(620), UNITS["tấn"]) == Decimal(620000)


def test_no_conversion_across_dimensions() -> None:
    with pytest.raises(ValueError, match="cannot convert 'tỷ đồng' to '%'"):
        UNITS["tỷ đồng"].convert(Decimal(1), UNITS["%"])


def test_labels_are_found_whatever_the_spacing() -> None:
    assert find_unit(" tỷ  đồng ") is UNITS["tỷ đồng"]
    assert find_unit("ty dong") is None
