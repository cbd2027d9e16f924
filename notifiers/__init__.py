"""Telling people: rendering alert digests and delivering them.

This package knows alerts and figures only as the plain values of `notifiers.digest`; it imports
nothing of the rest of the project. These are the names other packages use. Rendering (jinja2),
delivery (aiosmtplib) and charts (matplotlib) are imported when first used, so that a program
that only formats a number does not pay for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from notifiers import formatting
from notifiers.digest import STATUS_NAMES, ChartData, Digest, Explanation, Item
from notifiers.errors import DeliveryError, PermanentError, RecoverableError, ServerUnavailableError

if TYPE_CHECKING:
    from notifiers.chart import render_chart
    from notifiers.delivery import EmailNotifier, FileNotifier, Notifier, SmtpSettings
    from notifiers.drawing import draw_chart
    from notifiers.render import Templates, render_digest, render_notice, render_test, subject

_LATER = {
    "render_chart": "notifiers.chart",
    "draw_chart": "notifiers.drawing",
    "EmailNotifier": "notifiers.delivery",
    "FileNotifier": "notifiers.delivery",
    "Notifier": "notifiers.delivery",
    "SmtpSettings": "notifiers.delivery",
    "Templates": "notifiers.render",
    "render_digest": "notifiers.render",
    "render_notice": "notifiers.render",
    "render_test": "notifiers.render",
    "subject": "notifiers.render",
}


def __getattr__(name: str) -> Any:
    module = _LATER.get(name)
    if module is None:
        raise AttributeError(f"module 'notifiers' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "STATUS_NAMES",
    "ChartData",
    "DeliveryError",
    "Digest",
    "EmailNotifier",
    "Explanation",
    "FileNotifier",
    "Item",
    "Notifier",
    "PermanentError",
    "RecoverableError",
    "ServerUnavailableError",
    "SmtpSettings",
    "Templates",
    "draw_chart",
    "formatting",
    "render_chart",
    "render_digest",
    "render_notice",
    "render_test",
    "subject",
]
