"""Numbers and dates as Vietnamese officials write them, through Babel: 7.088,973 and 31/07/2022."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = Locale.parse("vi_VN")  # parsed once: formatting runs for every figure of every email


def number(value: Decimal | int | float) -> str:
    """``Decimal('7088.973')`` -> ``'7.088,973'``; every digit given is kept."""
    return _number_text(str(value))


@lru_cache(maxsize=8192)  # the same figures recur in every digest that shows a target
def _number_text(text: str) -> str:
    # Keyed by the exact text: Decimal('1.0') == Decimal('1.00'), yet they are written differently.
    return format_decimal(Decimal(text), locale=LOCALE, decimal_quantization=False)


def rounded(value: Decimal | None, places: int = 2, *, missing: str = "") -> str:
    """`value` rounded to `places` decimals, trailing zeros dropped, in Vietnamese format."""
    if value is None:
        return missing
    shown = value.quantize(Decimal(1).scaleb(-places)).normalize()
    return number(shown if shown else abs(shown))  # a hair below zero is "0", not "-0"


def day(value: dt.date) -> str:
    """``date(2022, 7, 31)`` -> ``'31/07/2022'``."""
    return format_date(value, "dd/MM/yyyy", locale=LOCALE)
