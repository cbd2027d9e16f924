"""Signing in by an emailed link, and out.

A department types its address; if it is one of the plan's, a link goes out through the outbox.
Whatever the address, the page says the same, so the page tells no one which addresses exist.
Requests are limited per address and per client. The link shows a page with a button: only that
button's form spends it (a mail scanner that opens links spends nothing), once, before it expires,
and opens a session.
"""

from __future__ import annotations

import datetime as dt
import secrets

from itsdangerous import BadSignature, URLSafeSerializer
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from monitor import rights
from monitor.mail.portal import queue_sign_in_link
from monitor.mail.sending import drain, mail_context, notifier_from
from monitor.store import signin as store
from monitor.web.app import Portal, portal_of
from monitor.web.visitors import (
    SESSION_COOKIE,
    SIGN_IN,
    Visitor,
    checked_form,
    client_of,
    csrf_token,
    members_only,
    new_session_token,
    session_cookie,
    session_token,
    visitor_of,
    with_cookies,
)

WINDOW = dt.timedelta(minutes=15)  # the rate limits count requests this far back
PER_ADDRESS = 5  # links asked for one address in the window
PER_CLIENT = 20  # links asked from one network address in the window
SESSION_HOURS = 12
MAX_ADDRESS_CHARS = 254
TOO_MANY = 429


def _links(portal: Portal) -> URLSafeSerializer:
    return URLSafeSerializer(portal.secret, salt="plan-monitor.sign-in")


def issue_link(portal: Portal, department_id: str, *, minutes: int | None = None) -> str:
    """Record a new link for a department and return its address (also for the demo)."""
    nonce = secrets.token_urlsafe(32)
    now = portal.now()
    lifetime = dt.timedelta(minutes=minutes or portal.settings.sign_in_minutes)
    store.add_link(portal.engine, nonce, department_id, now=now, expires=now + lifetime)
    return portal.url(f"{SIGN_IN}/{_links(portal).dumps(nonce)}")


async def form(request: Request) -> Response:
    if await visitor_of(request):
        return RedirectResponse("/", status_code=303)
    page = portal_of(request).pages.render("signin.html", visitor=None, csrf=csrf_token(request), address="")
    return with_cookies(request, page)


async def ask(request: Request) -> Response:
    portal = portal_of(request)
    sent = await checked_form(request)
    address = str(sent.get("address") or "").strip()[:MAX_ADDRESS_CHARS]
    client = client_of(request)
    if not address:
        page = portal.pages.render("signin.html", status=400, visitor=None, csrf=csrf_token(request), address="",
                                   problem="Hãy nhập địa chỉ thư điện tử của đơn vị.")  # fmt: skip
        return with_cookies(request, page)
    counts = await run_in_threadpool(store.recent_requests, portal.engine, address, client, portal.now() - WINDOW)
    if counts.address >= PER_ADDRESS or counts.client >= PER_CLIENT:
        return portal.pages.render("error.html", status=TOO_MANY, visitor=None, title="Quá nhiều yêu cầu",
                                   text="Đã có nhiều yêu cầu liên kết đăng nhập trong ít phút qua. "
                                   f"Hãy thử lại sau {WINDOW.seconds // 60} phút.")  # fmt: skip
    message_id = await run_in_threadpool(_request_link, portal, address, client)
    task = BackgroundTask(_deliver, portal, message_id) if message_id else None
    page = portal.pages.render("signin_sent.html", visitor=None, minutes=portal.settings.sign_in_minutes)
    page.background = task
    return page


def _request_link(portal: Portal, address: str, client: str) -> str | None:
    """Record the request; for a known address, queue its link. The Message-ID, if one was queued."""
    now = portal.now()
    store.add_request(portal.engine, address, client, now)
    store.forget_requests(portal.engine, now - WINDOW)  # the addresses typed are kept no longer than counted
    found = rights.by_address(portal.plan, address)
    if found is None:
        return None
    department = portal.plan.departments[found.department_id]
    link = issue_link(portal, department.id)
    mail = mail_context(portal.settings)
    return queue_sign_in_link(portal.engine, portal.plan, mail, department, link, portal.settings.sign_in_minutes, now)


def _deliver(portal: Portal, message_id: str) -> None:
    """Deliver the link now; if it cannot go, it stays in the outbox, retried like any message."""
    drain(portal.engine, notifier_from(portal.settings), portal.settings.mail_from, only={message_id})


def _nonce(portal: Portal, token: str) -> str | None:
    try:
        nonce = _links(portal).loads(token)
    except BadSignature:
        return None
    return nonce if isinstance(nonce, str) else None


LINK_PROBLEMS = {
    store.LinkState.UNKNOWN: "Liên kết đăng nhập không hợp lệ.",
    store.LinkState.USED: "Liên kết đăng nhập này đã được dùng. Mỗi liên kết chỉ dùng được một lần.",
    store.LinkState.EXPIRED: "Liên kết đăng nhập này đã hết hạn.",
}


def _bad_link(request: Request, state: str) -> Response:
    return portal_of(request).pages.render(
        "error.html", status=400, visitor=None, title="Không đăng nhập được",
        text=LINK_PROBLEMS[state] + " Hãy yêu cầu một liên kết mới.", again=True,
    )  # fmt: skip


async def confirm(request: Request) -> Response:
    """The page a link opens: a button that signs in (opening a link spends nothing)."""
    portal = portal_of(request)
    if _nonce(portal, request.path_params["token"]) is None:
        return _bad_link(request, store.LinkState.UNKNOWN)
    page = portal.pages.render("signin_confirm.html", visitor=None, csrf=csrf_token(request))
    return with_cookies(request, page)


async def enter(request: Request) -> Response:
    portal = portal_of(request)
    await checked_form(request)
    nonce = _nonce(portal, request.path_params["token"])
    if nonce is None:
        return _bad_link(request, store.LinkState.UNKNOWN)
    used = await run_in_threadpool(store.use_link, portal.engine, nonce, portal.now())
    if used.state != store.LinkState.OK or used.department_id is None:
        return _bad_link(request, used.state)
    if rights.person(portal.plan, used.department_id) is None:  # a department since taken out of the plan
        return _bad_link(request, store.LinkState.UNKNOWN)
    token = new_session_token()
    now = portal.now()
    expires = now + dt.timedelta(hours=SESSION_HOURS)
    previous = session_token(request)
    if previous is not None:  # the browser's session until now ends: none stays open behind the new one
        await run_in_threadpool(store.end_session, portal.engine, previous, now)
    await run_in_threadpool(store.add_session, portal.engine, token, used.department_id, client_of(request),
                            now=now, expires=expires)  # fmt: skip
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, session_cookie(portal, token), max_age=SESSION_HOURS * 3600, httponly=True,
                        samesite="lax", secure=portal.secure_cookies)  # fmt: skip
    return response


@members_only
async def leave(request: Request, visitor: Visitor) -> Response:
    portal = portal_of(request)
    await run_in_threadpool(store.end_session, portal.engine, visitor.token, portal.now())
    response = RedirectResponse(SIGN_IN, status_code=303)
    response.delete_cookie(SESSION_COOKIE, httponly=True, samesite="lax", secure=portal.secure_cookies)
    return response


routes = [
    Route(SIGN_IN, form, methods=["GET"]),
    Route(SIGN_IN, ask, methods=["POST"]),
    Route(SIGN_IN + "/{token}", confirm, methods=["GET"]),
    Route(SIGN_IN + "/{token}", enter, methods=["POST"]),
    Route("/dang-xuat", leave, methods=["POST"]),
]
PUBLIC = frozenset({SIGN_IN, SIGN_IN + "/{token}"})  # the only routes open without a session
