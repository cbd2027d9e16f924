"""Error pages: in Vietnamese, without a traceback or anything of the server's insides."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from monitor.logs import event
from notifiers import formatting

MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Trang không hiểu được yêu cầu này."),
    403: ("Không được phép", "Phiên làm việc hoặc biểu mẫu không hợp lệ, hoặc bạn không có quyền thực hiện việc này. "
          "Hãy tải lại trang và thử lại."),
    404: ("Không tìm thấy", "Không có trang này."),
    405: ("Không được phép", "Trang này không nhận yêu cầu kiểu này."),
    413: ("Tệp quá lớn", "Tệp hoặc biểu mẫu gửi lên vượt quá giới hạn cho phép ({limit} MB). "
          "Hãy chia số liệu thành nhiều tệp nhỏ hơn."),
    429: ("Quá nhiều yêu cầu", "Bạn đã yêu cầu quá nhiều lần. Hãy thử lại sau ít phút."),
    500: ("Lỗi hệ thống", "Đã có lỗi trong hệ thống; quản trị viên đã được ghi nhận. Hãy thử lại sau."),
}  # fmt: skip


async def http_error(request: Request, exc: Exception) -> Response:
    from monitor.web.app import portal_of

    portal = portal_of(request)
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    title, text = MESSAGES.get(status, (f"Lỗi {status}", ""))
    limit = formatting.rounded(Decimal(str(portal.settings.max_upload_mb)))  # the largest request, said with 413
    return portal.pages.render("error.html", status=status, title=title, text=text.format(limit=limit), visitor=None)


async def server_error(request: Request, exc: Exception) -> Response:
    event("web.error", logging.ERROR, method=request.method, route=getattr(request.scope.get("route"), "path", ""),
          error=type(exc).__name__)  # fmt: skip
    return await http_error(request, exc)


def exception_handlers() -> Mapping[Any, Callable[[Request, Exception], Awaitable[Response]]]:
    return {HTTPException: http_error, Exception: server_error}
