"""Which daemon is active: exactly one per store, the others stand by and take over when it goes.

On PostgreSQL the active daemon holds a session-level advisory lock on a dedicated connection;
on SQLite, an exclusive lock on a file beside the database. Either is released by the operating
system or the server when the process dies, so a standby takes over without any clean-up. Both
say who holds them (host and process id), so a second daemon can name the first.

Losing the database does not crash a daemon: `acquire` raises `LeadershipUnavailableError`
while the store is unreachable, and `still_held` answers False once the lock's session is gone,
so the daemon stops its jobs and tries to become active again.
"""

from __future__ import annotations

import fcntl
import os
import socket
from pathlib import Path
from typing import IO

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from monitor.store.database import database_cause

LOCK_KEY = 0x706C616E  # "plan": the project's own advisory lock


def identity() -> str:
    """This process, as another daemon names it: host and process id."""
    return f"{socket.gethostname()} pid {os.getpid()}"


class Leadership:
    def __init__(self, engine: sa.Engine) -> None:
        self.shared = engine.dialect.name == "postgresql"
        self.holder: str | None = None  # who holds the lock when this daemon could not take it
        self._engine: sa.Engine | None = None
        self._connection: sa.Connection | None = None
        self._file: IO[str] | None = None
        self._path: Path | None = None
        if self.shared:
            self._engine = sa.create_engine(
                engine.url, poolclass=NullPool, connect_args={"application_name": f"plan-monitor {identity()}"}
            )
        elif engine.url.database and engine.url.database != ":memory:":
            self._path = Path(engine.url.database).with_name(Path(engine.url.database).name + ".daemon.lock")

    def acquire(self) -> bool:
        """Try once to become the active daemon; True if it is, False (with `holder` set when it
        is known) if another daemon is. `LeadershipUnavailableError` if the database cannot be asked."""
        if self._engine is not None:
            return self._acquire_advisory()
        if self._path is not None:
            return self._acquire_file(self._path)
        return True

    def _acquire_advisory(self) -> bool:
        assert self._engine is not None
        try:
            if self._connection is None:
                self._connection = self._engine.connect()
            held = self._connection.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}).scalar()
            self._connection.commit()
            if held:
                return True
            self.holder = self._connection.execute(
                sa.text(
                    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    "WHERE l.locktype = 'advisory' AND l.objid = :key AND l.granted"
                ),
                {"key": LOCK_KEY},
            ).scalar()
            self._connection.commit()
        except sa.exc.DBAPIError as exc:
            self.holder = None
            self._drop_connection()
            raise LeadershipUnavailableError(database_cause(exc)) from exc
        return False

    def _acquire_file(self, path: Path) -> bool:
        handle = path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            self.holder = handle.read().strip() or None
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(identity())
        handle.flush()
        self._file = handle
        return True

    def still_held(self) -> bool:
        """Whether this daemon is still the active one (a lost session means a lost lock)."""
        if self._engine is None:
            return self._file is not None or self._path is None
        if self._connection is None:
            return False
        try:
            self._connection.execute(sa.text("SELECT 1"))
            self._connection.commit()
        except sa.exc.DBAPIError:
            self._drop_connection()
            return False
        return True

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
                self._connection.commit()
            except sa.exc.SQLAlchemyError:
                pass  # the session is gone, and its lock with it
            self._drop_connection()
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None

    def dispose(self) -> None:
        """Release, and close the dedicated engine."""
        self.release()
        if self._engine is not None:
            self._engine.dispose()

    def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.invalidate()
                connection.close()
            except sa.exc.SQLAlchemyError:
                pass


class LeadershipUnavailableError(RuntimeError):
    """The database could not be asked who is active (it is down or restarting)."""
