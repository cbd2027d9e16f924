"""Logging: one line per event, ``time level event key=value …``, so a log can be read and grepped."""

from __future__ import annotations

import datetime as dt
import logging
import sys
from typing import Any

LOGGER = logging.getLogger("plan_monitor")


class _LineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        at = dt.datetime.fromtimestamp(record.created).astimezone().isoformat(timespec="seconds")
        line = f"{at} {record.levelname} {record.getMessage()}"
        if record.exc_info:
            line += " cause=" + _value(repr(record.exc_info[1]))
        return line


def setup(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LineFormatter())
    LOGGER.handlers[:] = [handler]
    LOGGER.setLevel(level)
    LOGGER.propagate = False
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def _value(value: Any) -> str:
    text = str(value)
    if not text or any(c in text for c in ' ="\n'):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    return text


def event(name: str, level: int = logging.INFO, *, exc_info: bool = False, **fields: Any) -> None:
    """Log one event: its name and its fields as key=value."""
    parts = [f"event={name}", *(f"{key}={_value(value)}" for key, value in fields.items())]
    LOGGER.log(level, " ".join(parts), exc_info=exc_info)
