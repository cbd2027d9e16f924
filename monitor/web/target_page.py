"""A page per target: its verdict as of a date, the trajectory chart (the emails' chart data, as
SVG), each breakdown part, the history of its figures with revisions and senders, its alerts'
transitions, silences and explanations. Readable by every signed-in visitor."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from monitor.charts import trajectory_chart
from monitor.evaluation import evaluate_stored
from monitor.lifecycle import AlertKind
from monitor.mail.compose import explain, part_name
from monitor.progress import gap_text
from monitor.store.figures import figures, observations
from monitor.store.history import transitions_of
from monitor.store.muting import acknowledgements, silences
from monitor.web.app import Portal
from monitor.web.dashboard import choice
from monitor.web.visitors import Visitor, csrf_token, members_only
from notifiers import STATUS_NAMES, render_trajectory_svg
from rules import Target

STATE_NAMES = {"inactive": "không cảnh báo", "pending": "chờ xác nhận", "firing": "đang cảnh báo",
               "resolved": "đã khắc phục"}  # fmt: skip
KIND_NAMES = {"performance": "tiến độ", "overdue": "báo cáo"}


def _target(portal: Portal, request: Request) -> Target:
    found = portal.plan.targets.get(request.path_params["target_id"])
    if found is None:
        raise HTTPException(404)
    return found


def target_view(portal: Portal, target: Target, day: Any) -> dict[str, Any]:
    judged = [e for e in evaluate_stored(portal.engine, portal.plan, day) if e.target_id == target.id]
    own = next(e for e in judged if not e.breakdown)
    parts = [*own.parts, *(e for e in judged if e.breakdown)]
    departments, key = portal.plan.departments, portal.plan.info.key
    return {
        "own": own,
        "reason": explain(target, own, AlertKind.PERFORMANCE),
        "gap": gap_text(own, target.unit),
        "parts": [(part_name(target, e.breakdown), e, gap_text(e, target.unit)) for e in parts],
        "history": figures(portal.engine, target.id, plan=key, history=True),
        "transitions": transitions_of(portal.engine, target.id, plan=key),
        "silences": [s for s in silences(portal.engine, plan=key) if s.target_id == target.id],
        "explanations": acknowledgements(portal.engine, target.id, plan=key),
        "owner": departments[target.owner].name,
        "sender_names": {d.id: d.name for d in departments.values()},
        "part_names": {key: part_name(target, key) for key in [*target.part_keys(), *(p.key for p in target.parts)]},
    }


@members_only
async def target_page(request: Request, visitor: Visitor) -> Response:
    portal = visitor.portal
    target = _target(portal, request)
    asked = choice(request, portal)
    view = await run_in_threadpool(target_view, portal, target, asked.day)
    return portal.pages.render(
        "target.html", visitor=visitor, csrf=csrf_token(request), target=target, asked=asked,
        status_names=STATUS_NAMES, state_names=STATE_NAMES, kind_names=KIND_NAMES, **view,
    )  # fmt: skip


@members_only
async def chart(request: Request, visitor: Visitor) -> Response:
    portal = visitor.portal
    target = _target(portal, request)
    asked = choice(request, portal)

    def drawn() -> str:
        known = observations(portal.engine, plan=portal.plan.info.key).get(target.id, [])
        data = trajectory_chart(target, known, asked.day, portal.plan.info.year)
        return render_trajectory_svg(data, f"{target.label} {target.name}"[:90])

    svg = await run_in_threadpool(drawn)
    headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
               "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"}  # fmt: skip
    return Response(svg, media_type="image/svg+xml", headers=headers)


routes = [
    Route("/chi-tieu/{target_id}", target_page, methods=["GET"]),
    Route("/chi-tieu/{target_id}/bieu-do.svg", chart, methods=["GET"]),
]
