"""Logging: one line per event, ``time level event key=value …``, so a log can be read and grepped.

Every value is escaped here, whatever it holds (a file name may hold a line break or a terminal's
escape sequence), and cut after a thousand characters: one event is always one short line.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from typing import Any
from zoneinfo import ZoneInfo

from notifiers import formatting

LOGGER = logging.getLogger("plan_monitor")
MAX_VALUE_CHARS = 1_000  # of a value in a line: a 20 MB cell in a message never makes a 20 MB line


class _LineFormatter(logging.Formatter):
    """``time level event=… key=value``; records of other libraries become ``event=<logger>``."""

    def __init__(self, zone: ZoneInfo | None) -> None:
        super().__init__()
        self.zone = zone

    def format(self, record: logging.LogRecord) -> str:
        at = dt.datetime.fromtimestamp(record.created, tz=self.zone).isoformat(timespec="seconds")
        message = record.getMessage()
        if record.name != LOGGER.name:
            message = f"event={record.name} message={_value(message)}"
        line = f"{at} {record.levelname} {message}"
        if record.exc_info:
            line += " cause=" + _value(repr(record.exc_info[1]))
        return line


def setup(level: str = "INFO", timezone: str | None = None) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LineFormatter(ZoneInfo(timezone) if timezone else None))
    for logger, floor in ((LOGGER, level), (logging.getLogger("apscheduler"), "WARNING")):
        logger.handlers[:] = [handler]
        logger.setLevel(floor)
        logger.propagate = False


def _value(value: Any) -> str:
    """`value` as one token of the line: quoted when it holds a space, '=' or a quote, and with
    every character that is not printable (line breaks, escape sequences, a name's
    undecodable bytes) escaped as Python writes it, so that no value can break or forge a line."""
    text = str(value)
    if len(text) > MAX_VALUE_CHARS:
        text = f"{text[:MAX_VALUE_CHARS]}…({formatting.number(len(text))} characters)"
    if text and text.isprintable() and not any(c in text for c in ' ="'):
        return text
    return '"' + "".join(_ESCAPED.get(c) or (c if c.isprintable() else repr(c)[1:-1]) for c in text) + '"'


_ESCAPED = {"\\": "\\\\", '"': '\\"'}


def event(name: str, level: int = logging.INFO, *, exc_info: bool = False, **fields: Any) -> None:
    """Log one event: its name and its fields as key=value."""
    parts = [f"event={name}", *(f"{key}={_value(value)}" for key, value in fields.items())]
    LOGGER.log(level, " ".join(parts), exc_info=exc_info)
