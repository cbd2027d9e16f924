"""The home page: the visitor's own series (all of them for leaders and the admin), their latest
figures, statuses and alerts, and what it may do next."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from monitor.rights import ACCESS_NAMES, Access
from monitor.web.overview import series_rows
from monitor.web.visitors import Visitor, csrf_token, members_only


@members_only
async def home(request: Request, visitor: Visitor) -> Response:
    portal = visitor.portal
    own_only = visitor.person.access == Access.DEPARTMENT
    rows = await run_in_threadpool(series_rows, portal, visitor.department_id, own_only=own_only)
    return portal.pages.render(
        "home.html", visitor=visitor, csrf=csrf_token(request), rows=rows, own_only=own_only, today=portal.today(),
        access_name=ACCESS_NAMES[visitor.person.access], plan=portal.plan.info,
    )  # fmt: skip


routes = [Route("/", home, methods=["GET"])]
