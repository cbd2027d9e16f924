"""Decimals as the store keeps them: exact text, written by `decimal_text`, read by `decimal_value`."""

from __future__ import annotations

from decimal import Context, Decimal

from rules import PRECISION

_EXACT = Context(prec=PRECISION)  # normalize() in the default context would round to 28 digits


def decimal_text(value: Decimal) -> str:
    """A Decimal as the store keeps it: exact text without exponent or trailing zeros
    (36.400 -> "36.4", 1E+3 -> "1000", -0 -> "0")."""
    text = format(value.normalize(_EXACT), "f")
    return "0" if text in ("-0", "0") else text


def decimal_value(text: str) -> Decimal:
    """A stored decimal text as a Decimal."""
    return Decimal(text)
