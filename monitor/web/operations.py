"""The operators' routes: `/healthz` (the store answers, the daemon's last job is recent) and
`/metrics` (Prometheus's exposition format). Neither needs a session, so a load balancer and a
Prometheus server can ask; neither says anything a department's page does not."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from monitor.metrics import CONTENT_TYPE, exposition, health
from monitor.web.app import portal_of

NO_CACHE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


async def healthz(request: Request) -> Response:
    portal = portal_of(request)
    found = await run_in_threadpool(health, portal.engine, portal.settings, portal.now())
    return JSONResponse(found.record(), status_code=200 if found.ok else 503, headers=NO_CACHE)


async def metrics(request: Request) -> Response:
    portal = portal_of(request)
    text = await run_in_threadpool(exposition, portal.engine, portal.plan, portal.now())
    return Response(text, media_type=CONTENT_TYPE, headers=NO_CACHE)


routes = [Route("/healthz", healthz, methods=["GET"]), Route("/metrics", metrics, methods=["GET"])]
OPEN = frozenset(route.path for route in routes)  # for machines: open without a session, by design
