"""Whether a target's value is the number its own quote gives: ``10.788 tỷ đồng`` for 10788 in
tỷ đồng, ``14%`` for 14, ``1 triệu lượt`` for 1000000 lượt.

The quote's numbers are read as Vietnamese writes them (a dot groups thousands, a comma comes
before the decimals), each with the unit that follows it, if it is one of the plan's units of the
target's dimension, or a scale word ("nghìn", "triệu", "tỷ") before the target's own unit. A value
that none of the quote's numbers gives is a warning: the file may be right and the quote cite
more than the target, but a thousandfold slip shows here. Years, dates and item numbers are not
taken for amounts; a quote without other numbers is not checked.
"""

from __future__ import annotations

import re
from decimal import Decimal

from rules.declared import Declared
from rules.errors import Problem
from rules.locate import PathPart
from rules.target import Kind, Target
from rules.units import Unit

_NUMBER = re.compile(r"(?<![\d.,/(])(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)(?![\d/)]|[.,]\d)")
_SCALES = {"nghìn": Decimal(10) ** 3, "ngàn": Decimal(10) ** 3, "triệu": Decimal(10) ** 6, "tỷ": Decimal(10) ** 9}
_YEARS = range(1945, 2101)


def quoted_numbers(quote: str, unit: Unit, units: dict[str, Unit]) -> list[Decimal]:
    """The numbers of `quote` in `unit`, scaled by the unit written after each."""
    same = sorted((u for u in units.values() if u.dimension == unit.dimension), key=lambda u: -len(u.label))
    found = []
    for match in _NUMBER.finditer(quote):
        text = match[1]
        number = Decimal(text.replace(".", "").replace(",", "."))
        after = quote[match.end() :].lstrip()
        written = next((u for u in same if _starts_with(after, u.label)), None)
        if written is not None:
            number = number * written.scale / unit.scale
        else:
            word = after.split(" ", 1)[0] if after else ""
            rest = after[len(word) :].lstrip()
            if word in _SCALES and _starts_with(rest, unit.label):
                number *= _SCALES[word]
            elif "," not in text and "." not in text and int(text) in _YEARS:
                continue  # "năm 2022", "giai đoạn 2021-2025": a year, not an amount
        found.append(number)
    return found


def _starts_with(text: str, label: str) -> bool:
    return text.startswith(label) and not text[len(label) : len(label) + 1].isalnum()


def quoted_values(entry: Declared[Target], units: dict[str, Unit]) -> list[Problem]:
    """A warning for each of the target's values (its value, low and high, its shares) that no
    number of its own quote gives; and for its baseline's value against the baseline's quote."""
    t = entry.value
    unit = units.get(t.unit)
    if unit is None:
        return []
    values: list[tuple[list[PathPart], Decimal | None]] = [(["value"], t.value), (["low"], t.low), (["high"], t.high)]
    if t.kind == Kind.SHARE:
        values += [(["parts", n, "value"], part.value) for n, part in enumerate(t.parts)]
    problems = _against(entry, t.source.quote, values, unit, units)
    if t.baseline and t.baseline.cite:
        problems += _against(entry, t.baseline.cite.quote, [(["baseline", "value"], t.baseline.value)], unit, units)
    return problems


def _against(
    entry: Declared[Target],
    quote: str | None,
    values: list[tuple[list[PathPart], Decimal | None]],
    unit: Unit,
    units: dict[str, Unit],
) -> list[Problem]:
    numbers = quoted_numbers(quote, unit, units) if quote else []
    if not numbers:
        return []
    shown = ", ".join(_plain(n) for n in dict.fromkeys(numbers))
    return [
        entry.warning(
            where,
            f"{format(value, 'f')} {unit.label} (read as a plain decimal) is not a number of its quote, which gives "
            f"{shown} {unit.label}; "
            "expected the value as the source writes it (10.788 tỷ đồng is 10788)",
        )
        for where, value in values
        if value is not None and all(value != n for n in numbers)
    ]


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")
