"""Explanations ("giải trình") of a shortfall, at `/giai-trinh/{target_id}?part=…&period=…`: the
department whose alert it is records cause, remedy and the date it expects to be back on track
(the acknowledgement of DESIGN §6: reminders for that period are held back); leaders and the
admin read them and may comment. The emails' items link here."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from monitor.mail.compose import part_name
from monitor.store.alerts import is_firing
from monitor.store.muting import acknowledgements, add_acknowledgement
from monitor.store.submissions import add_comment, comments
from monitor.web.visitors import Visitor, checked_form, csrf_token, members_only
from rules import Period, SeriesKey, Target

TEXT_CHARS = 2000
NOT_FOUND, FORBIDDEN, BAD, CONFLICT = 404, 403, 400, 409
NOT_FIRING = (
    "Chỉ tiêu này hiện không có cảnh báo: chỉ giải trình khi có cảnh báo đang hoạt động "
    "(chậm tiến độ, không đạt hoặc báo cáo chưa gửi)."
)


@dataclass(frozen=True)
class Asked:
    """The series and period a page is about, checked against the plan."""

    target: Target
    part: str
    period: str


def _asked(request: Request, visitor: Visitor) -> Asked:
    target = visitor.portal.plan.targets.get(request.path_params["target_id"])
    if target is None:
        raise HTTPException(NOT_FOUND)
    part = request.query_params.get("part", "")
    if part and part not in target.part_keys() and part not in [p.key for p in target.parts]:
        raise HTTPException(NOT_FOUND)
    try:
        period = Period.parse(request.query_params.get("period", "")).label
    except ValueError:
        raise HTTPException(BAD) from None
    return Asked(target, part, period)


def _page(request: Request, visitor: Visitor, asked: Asked, *, status: int = 200, problem: str = "") -> Response:
    portal = visitor.portal
    firing = is_firing(portal.engine, asked.target.id, asked.part, plan=portal.plan.info.key)
    explained = [
        a
        for a in acknowledgements(portal.engine, asked.target.id, plan=portal.plan.info.key)
        if a.breakdown == asked.part
    ]
    said = [c for c in comments(portal.engine, asked.target.id, plan=portal.plan.info.key) if c.breakdown == asked.part]
    return portal.pages.render(
        "explanation.html", status=status, visitor=visitor, csrf=csrf_token(request), target=asked.target,
        part=asked.part, part_name=part_name(asked.target, asked.part) if asked.part else "", period_code=asked.period,
        explained=explained, comments=said, may_explain=firing and visitor.may_explain(asked.target, asked.part),
        not_firing=NOT_FIRING if not firing and visitor.may_explain(asked.target, asked.part) else "",
        may_comment=visitor.may_comment, problem=problem, names=portal.plan.departments,
    )  # fmt: skip


def _back(request: Request) -> Response:
    """Back to the page the form was sent from, by its path: the browser keeps the address it
    reached the portal by (behind a proxy, the Host the portal is sent may be the proxy's own)."""
    query = request.url.query
    return RedirectResponse(f"{request.url.path}?{query}" if query else request.url.path, status_code=303)


@members_only
async def show(request: Request, visitor: Visitor) -> Response:
    asked = _asked(request, visitor)
    return await run_in_threadpool(_page, request, visitor, asked)


@members_only
async def record(request: Request, visitor: Visitor) -> Response:
    asked = _asked(request, visitor)
    sent = await checked_form(request)
    fields = {k: str(sent.get(k) or "").strip()[:TEXT_CHARS] for k in ("kind", "cause", "remedy", "expected", "text")}
    portal = visitor.portal
    if fields["kind"] == "comment":
        if not visitor.may_comment:
            raise HTTPException(FORBIDDEN)
        if not fields["text"]:
            return await run_in_threadpool(_page, request, visitor, asked, status=BAD, problem="Hãy nhập ý kiến.")
        await run_in_threadpool(add_comment, portal.engine, asked.target.id, asked.part, asked.period, fields["text"],
                                plan=portal.plan.info.key, by=visitor.department_id, now=portal.now())  # fmt: skip
        return _back(request)
    if not visitor.may_explain(asked.target, asked.part):
        raise HTTPException(FORBIDDEN)
    if not await run_in_threadpool(is_firing, portal.engine, asked.target.id, asked.part, plan=portal.plan.info.key):
        # An explanation holds back the reminders of a firing alert; with none, it would explain nothing.
        return await run_in_threadpool(_page, request, visitor, asked, status=CONFLICT)
    if not fields["cause"] or not fields["remedy"]:
        problem = "Hãy nêu nguyên nhân và giải pháp khắc phục."
        return await run_in_threadpool(_page, request, visitor, asked, status=BAD, problem=problem)
    expected = None
    if fields["expected"]:
        try:
            expected = dt.date.fromisoformat(fields["expected"])
        except ValueError:
            problem = "Ngày dự kiến không hợp lệ; hãy chọn một ngày."
            return await run_in_threadpool(_page, request, visitor, asked, status=BAD, problem=problem)
    series = SeriesKey(asked.target.id, asked.part)
    await run_in_threadpool(add_acknowledgement, portal.engine, series, asked.period, fields["cause"],
                            fields["remedy"], expected, plan=portal.plan.info.key, by=visitor.department_id,
                            now=portal.now())  # fmt: skip
    return _back(request)


routes = [
    Route("/giai-trinh/{target_id}", show, methods=["GET"]),
    Route("/giai-trinh/{target_id}", record, methods=["POST"]),
]
