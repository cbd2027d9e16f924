"""Telling people: rendering alert digests and delivering them.

This package knows alerts and figures only as the plain values of `notifiers.digest`; it imports
nothing of the rest of the project. These are the names other packages use. Rendering (jinja2),
delivery (aiosmtplib), charts (matplotlib) and the formatting of numbers and dates (Babel) are
imported when first used, so that a program that only delivers queued messages does not pay for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from notifiers.digest import STATUS_NAMES, ChartData, Digest, Explanation, Item, TrajectoryChart
from notifiers.errors import DeliveryError, PermanentError, RecoverableError, ServerUnavailableError
from notifiers.report import ASSESSMENT_NAMES, SECTION_NAMES, LaggingItem, ProgressReport, ReportRow, ReportSection

if TYPE_CHECKING:
    from notifiers import formatting
    from notifiers.chart import render_chart, render_trajectory_svg
    from notifiers.delivery import EmailNotifier, FileNotifier, Notifier, SmtpSettings
    from notifiers.drawing import draw_chart
    from notifiers.render import Templates, message_bytes, render_digest, render_notice, render_test, subject
    from notifiers.report_files import (
        REPORT_CONTENT_TYPES,
        PdfUnavailableError,
        render_report_html,
        render_report_pdf,
        render_report_xlsx,
        report_file,
        report_file_name,
    )

_LATER = {
    "render_chart": "notifiers.chart",
    "draw_chart": "notifiers.drawing",
    "render_trajectory_svg": "notifiers.chart",
    "EmailNotifier": "notifiers.delivery",
    "FileNotifier": "notifiers.delivery",
    "Notifier": "notifiers.delivery",
    "SmtpSettings": "notifiers.delivery",
    "Templates": "notifiers.render",
    "render_digest": "notifiers.render",
    "message_bytes": "notifiers.render",
    "render_notice": "notifiers.render",
    "render_test": "notifiers.render",
    "subject": "notifiers.render",
    "render_report_html": "notifiers.report_files",
    "render_report_pdf": "notifiers.report_files",
    "render_report_xlsx": "notifiers.report_files",
    "report_file": "notifiers.report_files",
    "report_file_name": "notifiers.report_files",
    "REPORT_CONTENT_TYPES": "notifiers.report_files",
    "PdfUnavailableError": "notifiers.report_files",
}


def __getattr__(name: str) -> Any:
    if name == "formatting":  # the module itself
        return importlib.import_module("notifiers.formatting")
    module = _LATER.get(name)
    if module is None:
        raise AttributeError(f"module 'notifiers' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


__all__ = [
    "ASSESSMENT_NAMES",
    "REPORT_CONTENT_TYPES",
    "SECTION_NAMES",
    "STATUS_NAMES",
    "ChartData",
    "DeliveryError",
    "Digest",
    "EmailNotifier",
    "Explanation",
    "FileNotifier",
    "Item",
    "LaggingItem",
    "Notifier",
    "PdfUnavailableError",
    "PermanentError",
    "ProgressReport",
    "RecoverableError",
    "ReportRow",
    "ReportSection",
    "ServerUnavailableError",
    "SmtpSettings",
    "Templates",
    "TrajectoryChart",
    "draw_chart",
    "formatting",
    "message_bytes",
    "render_chart",
    "render_digest",
    "render_notice",
    "render_report_html",
    "render_report_pdf",
    "render_report_xlsx",
    "render_test",
    "render_trajectory_svg",
    "report_file",
    "report_file_name",
    "subject",
]
