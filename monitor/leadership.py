"""Which daemon is active: on PostgreSQL, the one holding a session-level advisory lock on a
dedicated connection. When it dies, its session ends, the lock is free, and a standby takes it.
On SQLite there is one daemon, and it is always active."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

LOCK_KEY = 0x706C616E  # "plan": the project's own advisory lock


class Leadership:
    def __init__(self, engine: sa.Engine) -> None:
        self.shared = engine.dialect.name == "postgresql"
        self._engine = sa.create_engine(engine.url, poolclass=NullPool) if self.shared else None
        self._connection: sa.Connection | None = None

    def acquire(self) -> bool:
        """Try once to become the active daemon; True if it is."""
        if self._engine is None:
            return True
        if self._connection is None:
            self._connection = self._engine.connect()
        held = self._connection.execute(sa.text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}).scalar()
        self._connection.commit()
        return bool(held)

    def still_held(self) -> bool:
        """Whether the lock's connection is alive (a lost session means a lost lock)."""
        if self._connection is None:
            return self._engine is None
        try:
            self._connection.execute(sa.text("SELECT 1"))
            self._connection.commit()
        except sa.exc.DBAPIError:
            return False
        return True

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(sa.text("SELECT pg_advisory_unlock(:key)"), {"key": LOCK_KEY})
                self._connection.commit()
                self._connection.close()
            except sa.exc.DBAPIError:
                pass
            self._connection = None
        if self._engine is not None:
            self._engine.dispose()
