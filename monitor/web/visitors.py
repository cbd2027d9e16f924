"""Who is asking: the session cookie, the signed-in visitor, and the CSRF check of every form.

A route gets its visitor one way only: it is declared with `members_only`, which sends anyone
without an open session to the sign-in page, checks the CSRF token of every form sent, and hands
the route the `Visitor`, whose rights are `monitor.rights`' rule.

The session cookie holds a random token, signed; the store keeps its hash. The CSRF cookie holds
another random value; a form carries the HMAC, under the secret key, of that value and the session
cookie the page was made for: a page of another site can neither read nor make it, and a token
made for no session (or another) does not pass in a session, even with its CSRF cookie planted.
"""

from __future__ import annotations

import functools
import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from itsdangerous import BadSignature, Signer
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from monitor import rights
from monitor.store import signin as store
from monitor.web.app import Portal, portal_of
from rules import Target

SESSION_COOKIE = "pm_session"
CSRF_COOKIE = "pm_csrf"
CSRF_FIELD = "csrf"
SIGN_IN = "/dang-nhap"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORBIDDEN = 403


@dataclass(frozen=True)
class Visitor:
    """The signed-in department, and what the rule lets it do."""

    person: rights.Person
    portal: Portal
    token: str  # the session's token, to sign out

    @property
    def department_id(self) -> str:
        return self.person.department_id

    def may_write_figure(self, target: Target, breakdown: str = "") -> bool:
        return rights.may_write_figure(self.portal.plan, self.department_id, target, breakdown)

    def may_explain(self, target: Target, breakdown: str = "") -> bool:
        return rights.may_explain(self.portal.plan, self.department_id, target, breakdown)

    @property
    def may_comment(self) -> bool:
        return rights.may_comment(self.portal.plan, self.department_id)


def _signer(portal: Portal, purpose: str) -> Signer:
    return Signer(portal.secret, salt=f"plan-monitor.{purpose}")


def session_cookie(portal: Portal, token: str) -> str:
    return _signer(portal, "session").sign(token).decode()


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def session_token(request: Request) -> str | None:
    """The session token of the request's cookie, if it has one the portal signed (open or not)."""
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        return None
    try:
        return _signer(portal_of(request), "session").unsign(cookie).decode()
    except BadSignature:
        return None


async def visitor_of(request: Request) -> Visitor | None:
    """The signed-in visitor, or None (no cookie, a forged one, a session ended or expired)."""
    portal = portal_of(request)
    token = session_token(request)
    if token is None:
        return None
    department = await run_in_threadpool(store.session_department, portal.engine, token, portal.now())
    found = rights.person(portal.plan, department) if department else None
    return Visitor(found, portal, token) if found else None


def client_of(request: Request) -> str:
    """The sender's network address (the proxy's forwarded one when uvicorn trusts the proxy)."""
    return request.client.host if request.client else "unknown"


def csrf_token(request: Request) -> str:
    """The token a form of this page carries; a CSRF cookie is set with the page if there is none."""
    value = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if not value:
        value = request.state.new_csrf = secrets.token_urlsafe(24)
    return _csrf_mac(request, value)


def _csrf_mac(request: Request, value: str) -> str:
    """The token of a CSRF cookie's value, for the session cookie the request carries (or none)."""
    session = request.cookies.get(SESSION_COOKIE, "")
    return _signer(portal_of(request), "csrf").get_signature(f"{value}\n{session}").decode()


def with_cookies(request: Request, response: Response) -> Response:
    """The response, with the CSRF cookie its forms need if the visitor had none."""
    new = getattr(request.state, "new_csrf", None)
    if new:
        portal = portal_of(request)
        response.set_cookie(CSRF_COOKIE, new, httponly=True, samesite="strict", secure=portal.secure_cookies)
    return response


UPLOAD_FIELDS = 12  # a form of the portal has a few fields; no more are parsed
BAD = 400


async def checked_form(request: Request) -> FormData:
    """The form sent, once its CSRF token is checked (403 otherwise); at most one file; none with a
    NUL character in a field or a file's name (400: no browser sends one, and PostgreSQL cannot
    store one, so it would fail half way through a submission)."""
    form = await request.form(max_files=1, max_fields=UPLOAD_FIELDS)
    cookie = request.cookies.get(CSRF_COOKIE)
    sent = form.get(CSRF_FIELD)
    if not cookie or not isinstance(sent, str) or not hmac.compare_digest(sent, _csrf_mac(request, cookie)):
        raise HTTPException(FORBIDDEN, "csrf")
    texts = [(value.filename or "") if isinstance(value, UploadFile) else value for _, value in form.multi_items()]
    if any("\x00" in text for text in texts):
        raise HTTPException(BAD, "nul")
    return form


Handler = Callable[[Request, Visitor], Awaitable[Response]]


def members_only(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """A route for signed-in visitors: others go to the sign-in page; every form is CSRF-checked."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        visitor = await visitor_of(request)
        if visitor is None:
            if request.method not in SAFE_METHODS:
                raise HTTPException(FORBIDDEN, "session")
            return RedirectResponse(SIGN_IN, status_code=303)
        if request.method not in SAFE_METHODS:
            await checked_form(request)
        return with_cookies(request, await handler(request, visitor))

    endpoint.members_only = True  # type: ignore[attr-defined]  # the security tests list the guarded routes
    return endpoint
