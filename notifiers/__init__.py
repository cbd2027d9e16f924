"""Telling people: rendering alert digests and delivering them.

This package knows alerts and figures only as the plain values of `notifiers.digest`; it imports
nothing of the rest of the project. These are the names other packages use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from notifiers import formatting
from notifiers.delivery import EmailNotifier, FileNotifier, Notifier, SmtpSettings
from notifiers.digest import STATUS_NAMES, ChartData, Digest, Explanation, Item
from notifiers.errors import DeliveryError, PermanentError, RecoverableError, ServerUnavailableError
from notifiers.render import Templates, render_digest, render_notice, render_test, subject

if TYPE_CHECKING:
    from notifiers.chart import render_chart


def __getattr__(name: str) -> Any:
    # Charts need matplotlib, which takes a while to import: only the code that draws pays for it.
    if name == "render_chart":
        from notifiers.chart import render_chart

        return render_chart
    raise AttributeError(f"module 'notifiers' has no attribute {name!r}")


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
    "formatting",
    "render_chart",
    "render_digest",
    "render_notice",
    "render_test",
    "subject",
]
