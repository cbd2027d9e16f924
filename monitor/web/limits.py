"""The request body's size limit: a request that says it is too big is refused unread, and one
that grows beyond the limit while it streams in is cut off (413), before a form parser sees it."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOO_LARGE = 413


class BodyLimit:
    """Refuse request bodies over `largest` bytes."""

    def __init__(self, app: ASGIApp, largest: int) -> None:
        self.app = app
        self.largest = largest

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.largest):
            scope["plan_monitor.too_large"] = True  # answered by the route, before it reads the body
        seen = 0

        async def receiving() -> Message:
            nonlocal seen
            if scope.get("plan_monitor.too_large"):
                raise HTTPException(TOO_LARGE)
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.largest:
                    raise HTTPException(TOO_LARGE)
            return message

        await self.app(scope, receiving, send)
