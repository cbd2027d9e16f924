"""The portal's pages: Jinja2 templates (Vietnamese), autoescaped, sent with headers that keep a
page from being framed, sniffed, cached or running any script but its own."""

from __future__ import annotations

from typing import Any

import jinja2
from starlette.responses import HTMLResponse

from notifiers import STATUS_NAMES, formatting

HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",  # a sign-in link's token never leaves in a Referer
    "Cache-Control": "no-store",
}


class Pages:
    """The templates under `monitor/web/templates`, escaped everywhere."""

    def __init__(self) -> None:
        self.environment = jinja2.Environment(
            loader=jinja2.PackageLoader("monitor.web", "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.environment.globals.update(
            number=formatting.number,
            rounded=formatting.rounded,
            day=formatting.day,
            period=formatting.period,
            status_name=STATUS_NAMES.get,
        )

    def render(self, name: str, *, status: int = 200, **context: Any) -> HTMLResponse:
        text = self.environment.get_template(name).render(**context)
        return HTMLResponse(text, status_code=status, headers=HEADERS)
