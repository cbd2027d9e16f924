"""Numbers and dates as Vietnamese officials write them, through Babel: 7.088,973 and 31/07/2022."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, DefaultContext, localcontext
from functools import lru_cache

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = Locale.parse("vi_VN")  # parsed once: formatting runs for every figure of every email
# Digits kept while a number is rounded for display: more than any stored figure or rule-file value
# has (30 each), so that neither Babel nor `rounded` ever runs out of the default context's 28.
PRECISION = 80  # the same as rules.PRECISION: notifiers imports nothing of the project


def number(value: Decimal | int | float) -> str:
    """``Decimal('7088.973')`` -> ``'7.088,973'``; every digit given is kept."""
    return _number_text(str(value))


# The same figures recur in every digest that shows a target, and a big digest is rendered a few
# times to find how many of its items fit its size budget: room for all the figures of those renders.
@lru_cache(maxsize=65536)
def _number_text(text: str) -> str:
    # Keyed by the exact text: Decimal('1.0') == Decimal('1.00'), yet they are written differently.
    with localcontext(prec=PRECISION):
        return format_decimal(Decimal(text), locale=LOCALE, decimal_quantization=False)


_ROUNDING = DefaultContext.copy()
_ROUNDING.prec = PRECISION  # `rounded` passes it to each operation: no context switch per figure
_PLACES = {places: Decimal(1).scaleb(-places) for places in range(7)}


def rounded(value: Decimal | None, places: int = 2, *, missing: str = "") -> str:
    """`value` rounded to `places` decimals, trailing zeros dropped, in Vietnamese format."""
    if value is None:
        return missing
    exponent = _PLACES.get(places) or Decimal(1).scaleb(-places)
    shown = value.quantize(exponent, context=_ROUNDING).normalize(context=_ROUNDING)
    return number(shown if shown else abs(shown))  # a hair below zero is "0", not "-0"


def day(value: dt.date) -> str:
    """``date(2022, 7, 31)`` -> ``'31/07/2022'``."""
    return format_date(value, "dd/MM/yyyy", locale=LOCALE)


_ROMAN = ("I", "II", "III", "IV")


def period(code: str) -> str:
    """A period's written form as officials write it: ``'2022-H1'`` -> ``'6 tháng đầu năm 2022'``.

    The forms are those of `rules.Period` (``2022``, ``2022-Q2``, ``2022-H1``, ``2022-9M``,
    ``2022-07``, ``2022-07-31``); any other text is returned as it is.
    """
    base, cumulative, _ = code.partition(" (lũy kế)")
    if cumulative:
        year, _, month = base.partition("-")
        if year.isdigit() and month.isdigit() and len(month) == 2 and 1 <= int(month) <= 12:
            return f"lũy kế {int(month)} tháng năm {year}"
        return f"lũy kế {period(base)}"
    year, _, rest = code.partition("-")
    if not year.isdigit():
        return code
    if not rest:
        return f"năm {year}"
    upper = rest.upper()
    if len(upper) == 2 and upper[0] == "Q" and upper[1] in "1234":
        return f"quý {_ROMAN[int(upper[1]) - 1]}/{year}"
    if upper == "H1":
        return f"6 tháng đầu năm {year}"
    if upper == "H2":
        return f"6 tháng cuối năm {year}"
    if upper == "9M":
        return f"9 tháng năm {year}"
    if rest.isdigit() and len(rest) == 2 and 1 <= int(rest) <= 12:
        return f"tháng {int(rest)}/{year}"
    month, _, date = rest.partition("-")
    if month.isdigit() and date.isdigit():
        try:
            return f"đến ngày {day(dt.date(int(year), int(month), int(date)))}"
        except ValueError:
            return code
    return code


def amount(value: Decimal | None, unit: str, places: int = 2, *, missing: str = "—") -> str:
    """A figure with its unit, one style throughout: ``'14%'`` (no space before %),
    ``'7.088,97 tỷ đồng'``, ``'5,8 điểm %'``."""
    if value is None:
        return missing
    return _amount(value, unit, places)


@lru_cache(maxsize=65536)  # a big digest is rendered a few times to fit its size budget
def _amount(value: Decimal, unit: str, places: int) -> str:
    # Keyed by the value: equal values (1.0 and 1.00) round to the same text.
    text = rounded(value, places)
    return f"{text}%" if unit == "%" else f"{text} {unit}".rstrip()
