"""Opening the configured store for a command, or saying plainly why it cannot be opened."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

import monitor
from monitor.commands.common import fail, settings
from monitor.settings import Settings
from monitor.store.database import (
    DatabaseURLError,
    SchemaError,
    create_engine,
    database_cause,
    is_locked,
    open_database,
)


def database() -> sa.Engine:
    """The configured database, its schema checked (a new SQLite file is created)."""
    url = settings().effective_database_url()
    try:
        return open_database(url)
    except SchemaError as exc:
        fail(str(exc), status=2)
    except (sa.exc.DBAPIError, sa.exc.ArgumentError, DatabaseURLError) as exc:
        fail(database_problem(url, exc), status=2)


def database_checked_apart() -> sa.Engine:
    """The configured database as `database()` opens it, its schema checked (a new SQLite file
    created) by a short-lived process of this program, which says why if it cannot: Alembic then
    stays out of a long-running process's memory (about 8 MB of the daemon's)."""
    root = str(Path(monitor.__file__).resolve().parent.parent)
    env = os.environ | {"PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
    code = "from monitor.commands.store import database; database()"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)  # its message, as `database()` says it
        raise SystemExit(done.returncode)
    return create_engine(settings().effective_database_url())


def database_problem(url: str, exc: Exception, *, opening: bool = True) -> str:
    """What to tell a person whose database cannot be opened (or, `opening` False, failed under a
    command: what that command was writing was rolled back)."""
    if isinstance(exc, DatabaseURLError):
        return str(exc)
    if isinstance(exc, sa.exc.ArgumentError):
        return f"invalid database URL: {exc}"
    shown = _shown_url(url)
    if is_locked(exc):
        return f"the database {shown} is busy: another process has held it for writing for too long; try again"
    cause = database_cause(exc)
    if isinstance(exc, sa.exc.DatabaseError) and not isinstance(exc, sa.exc.OperationalError):
        return (
            f"the database {shown} cannot be read ({cause}); restore it from a backup, or move it aside to start anew"
        )
    if not opening:
        full = " (is its disk full?)" if "disk" in cause or "full" in cause else ""
        return f"the database {shown} failed: {cause}{full}; what this command was writing was not kept"
    return f"cannot open the database {shown}: {cause}"


def _shown_url(url: str) -> str:
    return str(Settings(database_url=url).shown()["database_url"])
