"""Showing what a file holds in a message: quoted, escaped, and cut to a few dozen characters.

A message or a log line never holds more of a cell, a header or a name than `QUOTED_CHARS`
characters, however long it is (a 20 MB cell is shown by its start and its length).
"""

from __future__ import annotations

import reprlib
from collections.abc import Sequence

from notifiers import formatting

QUOTED_CHARS = 40
LISTED = 3  # the items a message lists before it counts the rest
_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = QUOTED_CHARS
_SHORT.maxlist = _SHORT.maxdict = LISTED
_SHORT.maxlevel = 2


def quoted(value: object, limit: int = QUOTED_CHARS) -> str:
    """`value` as Python writes a string (quoted, control characters escaped), cut after `limit` characters."""
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({formatting.number(len(text))} characters)"


def shown(value: object) -> str:
    """Any value read from a file (a JSON list, a number) as Python writes it, cut short."""
    return quoted(value) if isinstance(value, str) else _SHORT.repr(value)


def listed(values: Sequence[object], what: str) -> str:
    """The first few of `values`, quoted, and how many more: ``'a', 'b', 'c' … and 47 more cells``."""
    head = ", ".join(quoted(v) for v in values[:LISTED])
    return head if len(values) <= LISTED else f"{head} {and_more(len(values) - LISTED, what)}"


def cause(exc: BaseException, limit: int = 120) -> str:
    """An exception as one short line: its kind and its message."""
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return text if len(text) <= limit else text[:limit] + "…"


def and_more(count: int, what: str) -> str:
    """The end of a list cut short: ``… and 1.999.900 more problems``."""
    return f"… and {formatting.number(count)} more {what}"
