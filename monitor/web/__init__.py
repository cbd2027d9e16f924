"""The web front door (`plan-monitor web`): the departments' portal, server-rendered pages.

As thin as a command: a route parses the request, asks `monitor.rights` whether the signed-in
department may, calls the store API and the engine, and renders the answer. No SQL here.

- `app`: `create_app(settings)`, the ASGI application, and `Portal`, what every route shares.
- `pages`: the Jinja2 pages (Vietnamese), escaped, with the security headers.
- `visitors`: sessions, the signed-in visitor, CSRF; `members_only` guards every page but sign-in.
- `limits`: the request body's size limit.
- one module of routes per concern: `signin`, `home`, …; each exports `routes`.
"""

from monitor.web.app import Portal, create_app

__all__ = ["Portal", "create_app"]
