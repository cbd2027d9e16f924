"""The portal's ASGI application: what every route shares, and the routes of each concern."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from monitor.logs import event
from monitor.rulewatch import RuleWatch
from monitor.settings import Settings
from monitor.web.limits import BodyLimit
from monitor.web.pages import Pages
from rules import Plan

STATIC = Path(__file__).parent / "static"
MIN_SECRET_CHARS = 32


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Portal:
    """What every route shares: the settings, the store, the plan, the pages, the clock."""

    settings: Settings
    engine: sa.Engine
    loaded: Plan  # the plan as loaded at start; `plan` is the one in force
    secret: str
    watch: RuleWatch | None = None  # the rule files, looked at again for edits; None: `loaded` stays
    as_of: dt.date | None = None  # the day the plan is shown as of: today unless given (the demo's 31/07/2022)
    clock: Callable[[], dt.datetime] = _utc_now
    pages: Pages = field(default_factory=Pages)

    @property
    def secure_cookies(self) -> bool:
        """Cookies are sent only over HTTPS when people reach the portal by https://."""
        return self.settings.effective_public_url().startswith("https://")

    @property
    def plan(self) -> Plan:
        """The plan in force: the rule files' latest valid edit when they are watched."""
        return self.watch.current() if self.watch is not None else self.loaded

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        return self.as_of or self.settings.today()

    def url(self, path: str) -> str:
        """An absolute address of the portal, for links in emails."""
        return self.settings.effective_public_url() + path


def portal_of(request: Request) -> Portal:
    found = request.app.state.portal
    assert isinstance(found, Portal)
    return found


class SecretKeyError(ValueError):
    """The portal cannot start without a secret key of its own."""


def checked_secret(settings: Settings) -> str:
    """The secret key, refused when missing or short: it signs links and sessions."""
    if settings.secret_key is None:
        raise SecretKeyError(
            "PLAN_MONITOR_SECRET_KEY is not set; the portal signs sign-in links and sessions with it: set it to a "
            "long random text, e.g. the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
        )
    secret = settings.secret_key.get_secret_value()
    if len(secret) < MIN_SECRET_CHARS:
        raise SecretKeyError(
            f"PLAN_MONITOR_SECRET_KEY has {len(secret)} characters; expected at least {MIN_SECRET_CHARS} random ones"
        )
    return secret


# The modules of routes, one per concern; each has `routes`. A new concern adds its module here.
CONCERNS = ("signin", "home", "uploads", "workbook", "explanations", "dashboard", "target_page", "operations")


def all_routes() -> list[BaseRoute]:
    """Every concern's routes, in one list, and the stylesheet."""
    import importlib

    routes: list[BaseRoute] = []
    for name in CONCERNS:
        routes += importlib.import_module(f"monitor.web.{name}").routes
    return [*routes, Mount("/static", app=StaticFiles(directory=STATIC), name="static")]


def create_app(
    settings: Settings,
    *,
    engine: sa.Engine | None = None,
    plan: Plan | None = None,
    as_of: dt.date | None = None,
    clock: Callable[[], dt.datetime] = _utc_now,
    watch: RuleWatch | None = None,
) -> Starlette:
    """The portal over the settings' store and plan (or those given), taking up the rule files'
    edits when they are watched; `SecretKeyError` without a key."""
    from monitor.store.database import open_database
    from rules import load_plan

    secret = checked_secret(settings)
    portal = Portal(
        settings=settings, engine=engine or open_database(settings.effective_database_url()),
        loaded=plan or load_plan(list(settings.targets)), secret=secret, as_of=as_of, clock=clock, watch=watch,
    )  # fmt: skip
    from monitor.web.errors import exception_handlers

    app = Starlette(
        routes=all_routes(),
        middleware=[Middleware(AccessLog), Middleware(BodyLimit, largest=int(settings.max_upload_mb * (1 << 20)))],
        exception_handlers=exception_handlers(),
    )
    app.state.portal = portal
    return app


class AccessLog:
    """One log line per request: method, the route's pattern (never its path, which may hold a
    sign-in link's token), status and time. Query strings and cookies are never logged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = scope.get("route")
            pattern = getattr(route, "path", None) or "(no route)"
            level = logging.WARNING if status >= 500 else logging.INFO
            event("web.request", level, method=scope["method"], route=pattern, status=status,
                  ms=round((time.perf_counter() - started) * 1000))  # fmt: skip


__all__ = ["HTTPException", "Portal", "Response", "create_app", "portal_of"]
