"""The dashboard: the whole plan as of a date, in the source's sections and numbering, filtered by
department and status; and the progress report downloaded from it. Readable by every signed-in
visitor."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from monitor.evaluation import evaluate_stored
from monitor.progress import SECTIONS, Line, build_report, lines
from monitor.store.muting import acknowledgements
from monitor.web.app import Portal
from monitor.web.visitors import Visitor, csrf_token, members_only
from notifiers import (
    REPORT_CONTENT_TYPES,
    SECTION_NAMES,
    STATUS_NAMES,
    Explanation,
    PdfUnavailableError,
    report_file,
    report_file_name,
)
from rules import SeriesKey, Status

GOOD = frozenset({Status.ACHIEVED, Status.ON_TRACK})


@dataclass(frozen=True)
class Choice:
    """What the visitor asked to see: a date, a department, a status; and what was wrong with it."""

    day: dt.date
    department: str | None
    status: Status | None
    problems: tuple[str, ...]

    def query(self) -> str:
        from urllib.parse import urlencode

        asked = {"ngay": self.day.isoformat(), "don-vi": self.department or "", "tinh-trang": self.status or ""}
        return urlencode({k: v for k, v in asked.items() if v})


def choice(request: Request, portal: Portal) -> Choice:
    """The filters from the query string; a wrong one is said and left out, never an error page."""
    problems = []
    day = portal.today()
    asked = request.query_params.get("ngay", "").strip()
    if asked:
        try:
            day = dt.date.fromisoformat(asked)
        except ValueError:
            problems.append(
                f"Ngày «{asked[:20]}» không hợp lệ (cần dạng 2022-07-31); đang hiển thị ngày {day:%d/%m/%Y}."
            )
    department = request.query_params.get("don-vi", "").strip() or None
    if department is not None and department not in portal.plan.departments:
        problems.append("Không có đơn vị này; đang hiển thị mọi đơn vị.")
        department = None
    status: Status | None = None
    wanted = request.query_params.get("tinh-trang", "").strip()
    if wanted:
        try:
            status = Status(wanted)
        except ValueError:
            problems.append("Không có tình trạng này; đang hiển thị mọi tình trạng.")
    return Choice(day, department, status, tuple(problems))


def _explanations(portal: Portal) -> dict[SeriesKey, Explanation]:
    latest: dict[SeriesKey, Explanation] = {}
    for record in acknowledgements(portal.engine, plan=portal.plan.info.key):
        latest[SeriesKey(record.target_id, record.breakdown)] = Explanation(
            record.period, record.cause, record.remedy, record.expected_date, record.created_by
        )
    return latest


def dashboard_view(portal: Portal, asked: Choice) -> dict[str, Any]:
    """The page's values: sections of lines, the counts at the top."""
    judged = evaluate_stored(portal.engine, portal.plan, asked.day)
    shown = [
        line
        for line in lines(portal.plan, judged, owner=asked.department)
        if asked.status is None or line.evaluation.status == asked.status
    ]
    targets = [line for line in shown if not line.evaluation.breakdown]
    counts = Counter(line.evaluation.status for line in targets)
    by_section: dict[str, list[Line]] = {key: [] for key in SECTIONS}
    for line in shown:
        by_section[line.target.section].append(line)
    return {
        "sections": [(key, SECTION_NAMES[key], found) for key, found in by_section.items() if found],
        "good": sum(n for status, n in counts.items() if status in GOOD),
        "total": len(targets),
        "counts": sorted(counts.items(), key=lambda item: -item[0].severity),
        "series": len(shown),
    }


@members_only
async def dashboard(request: Request, visitor: Visitor) -> Response:
    portal = visitor.portal
    asked = choice(request, portal)
    view = await run_in_threadpool(dashboard_view, portal, asked)
    departments = sorted(portal.plan.departments.values(), key=lambda d: d.name)
    return portal.pages.render(
        "dashboard.html", visitor=visitor, csrf=csrf_token(request), plan=portal.plan.info, asked=asked,
        departments=departments, statuses=sorted(Status, key=lambda s: -s.severity), status_names=STATUS_NAMES,
        formats=[("pdf", "PDF"), ("xlsx", "Excel"), ("html", "HTML")], **view,
    )  # fmt: skip


@members_only
async def report_download(request: Request, visitor: Visitor) -> Response:
    portal = visitor.portal
    asked = choice(request, portal)
    fmt = request.path_params["format"]
    if fmt not in REPORT_CONTENT_TYPES:
        raise HTTPException(404)

    def made() -> tuple[bytes, str]:
        judged = evaluate_stored(portal.engine, portal.plan, asked.day)
        built = build_report(portal.plan, judged, asked.day, _explanations(portal), owner=asked.department)
        return report_file(built, fmt), report_file_name(built, fmt, asked.department)

    try:
        data, name = await run_in_threadpool(made)
    except PdfUnavailableError:
        return PlainTextResponse("Máy chủ chưa cài thư viện Pango để tạo bản PDF; hãy tải bản Excel hoặc HTML.", 503)
    headers = {
        "Content-Disposition": f'attachment; filename="{name}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",  # the report's own style
    }
    return Response(data, media_type=REPORT_CONTENT_TYPES[fmt], headers=headers)


routes = [
    Route("/bang-tin", dashboard, methods=["GET"]),
    Route("/bang-tin/bao-cao.{format:str}", report_download, methods=["GET"]),
]
