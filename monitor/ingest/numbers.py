"""Reading a figure as officials write it: ``7088.973``, ``7.088,973``, ``36,4%``, or an Excel number.

Two text forms are accepted: a plain decimal (``7088.973``: a dot before the decimals, no
grouping) and the Vietnamese form (``7.088,973``: dots group thousands, a comma before the
decimals), read with Babel. A text that both forms read, with different values (``7.088`` is
7088 in Vietnamese and 7.088 plain), is an `AmbiguousError`: the checker settles it by the file (see
`rows`), a count unit or the department's declared format, and otherwise refuses it rather than
guesses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from babel.numbers import NumberFormatError, parse_decimal

from monitor.ingest.problems import WORDINGS, Code
from monitor.ingest.shown import quoted

_PLAIN = re.compile(r"[+-]?\d+(\.\d+)?")
_VIETNAMESE = re.compile(r"[+-]?\d{1,3}(\.\d{3})*(,\d+)?|[+-]?\d+(,\d+)?")
_AMBIGUOUS = re.compile(r"[+-]?\d{1,3}\.\d{3}")
_SPACE_GROUPED = re.compile(r"[+-]?\d{1,3}([ \u00a0\u202f]\d{3})+(,\d+)?")  # 1 000 000 or 7 088,973


VIETNAMESE, PLAIN = "vietnamese", "plain"  # the two ways of writing a number, as a file's format


@dataclass(frozen=True)
class CellNumber:
    """A number read from a cell, whether it was written as a percentage, and the format its text
    shows, if any: `VIETNAMESE` (``7.622,8``, ``1.041.250``), `PLAIN` (``310.25``) or ""."""

    value: Decimal
    percent: bool
    form: str = ""


class FigureError(ValueError):
    """A cell that holds no figure: the problem's code, and the facts its words name."""

    def __init__(self, code: Code, **facts: str) -> None:
        super().__init__(WORDINGS[code].english.format_map(facts))
        self.code = code
        self.facts = facts


class AmbiguousError(FigureError):
    """A text both formats read, with different values: ``41.250``."""

    def __init__(self, text: str, compact: str, percent: bool) -> None:
        whole = compact.replace(".", "")
        super().__init__(
            Code.VALUE_AMBIGUOUS, found=f"'{text}'", whole=whole, plain=compact, comma=compact.replace(".", ",")
        )
        vietnamese, plain = Decimal(whole), Decimal(compact)
        self.vietnamese = CellNumber(vietnamese, percent, VIETNAMESE)
        self.plain = CellNumber(plain, percent, PLAIN)

    def read(self, reading: str) -> CellNumber:
        return self.vietnamese if reading == VIETNAMESE else self.plain


# A plain decimal that no other reading could take: the common case, in one match.
_UNAMBIGUOUS_PLAIN = re.compile(rf"(?!{_AMBIGUOUS.pattern}$){_PLAIN.pattern}")


MAX_DIGITS = 30  # digits a figure may have, before and after the decimal point: both stores keep it exactly


def plain_number(text: str) -> Decimal | None:
    """`text` as a number if it is a plain decimal that no other reading could take (the common case)."""
    if _UNAMBIGUOUS_PLAIN.fullmatch(text):
        return Decimal(text)
    return None


def plain_text(text: str) -> str | None:
    """The canonical text of `plain_number(text)` (no sign for zero, no exponent, no trailing
    zeros: "007.50" -> "7.5"), made with string operations; None when `plain_number` is None."""
    if len(text) > MAX_DIGITS or _UNAMBIGUOUS_PLAIN.fullmatch(text) is None:
        return None  # a long text is read, and refused, by `read_figure`
    if text[0] not in "+-0" and ("." not in text or text[-1] != "0"):
        return text  # already canonical: the common case
    negative = text[0] == "-"
    whole, _, fraction = text.lstrip("+-").partition(".")
    whole = whole.lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    shown = f"{whole}.{fraction}" if fraction else whole
    return "-" + shown if negative and shown != "0" else shown


def read_figure(cell: object, *, excel_percent: bool = False, reading: str = "") -> CellNumber:
    """The number in `cell`; `FigureError` saying what was expected otherwise, `AmbiguousError` for a
    text both formats read unless `reading` (`VIETNAMESE` or `PLAIN`) says which.

    `excel_percent` says the cell is an Excel number formatted as a percentage, which Excel stores
    as a fraction (0.364 shown as 36.4%).
    """
    try:
        figure = _read(cell, excel_percent)
    except AmbiguousError as exc:
        if not reading:
            raise
        figure = exc.read(reading)
    digits = figure.value.normalize().as_tuple()
    exponent = digits.exponent if isinstance(digits.exponent, int) else 0
    if max(len(digits.digits), len(digits.digits) + exponent, -exponent) > MAX_DIGITS:
        raise FigureError(Code.VALUE_TOO_LONG, digits=str(MAX_DIGITS))
    return figure


def _read(cell: object, excel_percent: bool) -> CellNumber:
    if type(cell) is str:
        plain = plain_number(cell)
        if plain is not None:
            return CellNumber(plain, False, PLAIN if "." in cell else "")  # the common case, first
    if isinstance(cell, bool):
        raise FigureError(Code.VALUE_TRUE_FALSE)
    if isinstance(cell, int):
        return _scaled(Decimal(cell), excel_percent)
    if isinstance(cell, float):
        if cell != cell or cell in (float("inf"), float("-inf")):
            raise FigureError(Code.VALUE_NOT_FINITE)
        return _scaled(Decimal(repr(cell)), excel_percent)  # the shortest text that reads back the same
    if isinstance(cell, Decimal):
        return CellNumber(cell, False)
    if not isinstance(cell, str):
        raise FigureError(Code.VALUE_KIND, kind=type(cell).__name__)
    return _read_text(cell)


def _scaled(value: Decimal, excel_percent: bool) -> CellNumber:
    return CellNumber(value * 100, True) if excel_percent else CellNumber(value, False)


def _read_text(text: str) -> CellNumber:
    compact = text.strip()
    percent = compact.endswith("%")
    compact = compact.removesuffix("%").rstrip()
    if _SPACE_GROUPED.fullmatch(compact):
        compact = re.sub(r"\s", "", compact)
    if not compact:
        raise FigureError(Code.VALUE_EMPTY)
    if _AMBIGUOUS.fullmatch(compact):
        raise AmbiguousError(text, compact, percent)
    try:
        if _PLAIN.fullmatch(compact):
            return CellNumber(Decimal(compact), percent, PLAIN if "." in compact else "")
        if _VIETNAMESE.fullmatch(compact):
            value = parse_decimal(compact, locale="vi_VN", strict=True)
            return CellNumber(value, percent, VIETNAMESE if "," in compact or "." in compact else "")
    except (InvalidOperation, NumberFormatError):
        pass
    raise FigureError(Code.VALUE_NOT_NUMBER, found=quoted(text))
