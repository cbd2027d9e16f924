"""Which daemon is active: exactly one per plan, the others stand by and take over when it goes.

On PostgreSQL the daemon active for a plan holds a session-level advisory lock of that plan on a
dedicated connection; on SQLite, one daemon runs every plan, holding an exclusive lock on a file
beside the database. Either is released by the operating
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
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from monitor.store.database import database_cause

LOCK_KEY = 0x706C616E  # "plan": the project's own advisory lock


def identity() -> str:
    """This process, as another daemon names it: host and process id."""
    return f"{socket.gethostname()} pid {os.getpid()}"


def plan_lock_key(plan: str) -> int:
    """The second half of a plan's advisory lock (the first is LOCK_KEY): a 31-bit hash of its key."""
    return zlib.crc32(plan.encode()) & 0x7FFFFFFF


class Leadership:
    """The lock of the store (`plan` None), or of one plan on PostgreSQL."""

    def __init__(self, engine: sa.Engine, plan: str | None = None) -> None:
        self.shared = engine.dialect.name == "postgresql"
        self.plan = plan
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
            held = self._connection.execute(sa.text(f"SELECT pg_try_advisory_lock({self._key})"), self._keys).scalar()
            self._connection.commit()
            if held:
                return True
            self.holder = self._connection.execute(
                sa.text(
                    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    f"WHERE l.locktype = 'advisory' AND {self._where} AND l.granted"
                ),
                self._keys,
            ).scalar()
            self._connection.commit()
        except sa.exc.DBAPIError as exc:
            self.holder = None
            self._drop_connection()
            raise LeadershipUnavailableError(database_cause(exc)) from exc
        return False

    @property
    def _key(self) -> str:
        return ":key" if self.plan is None else ":key, :plan"

    @property
    def _where(self) -> str:
        return "l.objid = :key" if self.plan is None else "l.classid = :key AND l.objid = :plan AND l.objsubid = 2"

    @property
    def _keys(self) -> dict[str, int]:
        return {"key": LOCK_KEY} | ({} if self.plan is None else {"plan": plan_lock_key(self.plan)})

    def daemons(self) -> int:
        """How many daemons are at work on the store: those whose lock connections are open
        (each names its daemon, `identity`). `LeadershipUnavailableError` if the database cannot say."""
        assert self._engine is not None
        try:
            if self._connection is None:
                self._connection = self._engine.connect()
            count = self._connection.execute(
                sa.text(
                    "SELECT count(DISTINCT application_name) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND application_name LIKE 'plan-monitor %'"
                )
            ).scalar_one()
            self._connection.commit()
        except sa.exc.DBAPIError as exc:
            self._drop_connection()
            raise LeadershipUnavailableError(database_cause(exc)) from exc
        return max(1, int(count))

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
                self._connection.execute(sa.text(f"SELECT pg_advisory_unlock({self._key})"), self._keys)
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


class Sharing:
    """Which plans this daemon runs. On PostgreSQL the daemons share the plans: each takes its fair
    share (the plans over the daemons at work, rounded up) of the plans no daemon holds, and hands
    back what is over its share when another daemon comes, so that adding a daemon spreads the
    work and the plans of a daemon that goes are taken by the others. On SQLite one daemon runs
    them all."""

    def __init__(self, engine: sa.Engine, plans: Sequence[str]) -> None:
        self.shared = engine.dialect.name == "postgresql"
        self.plans = tuple(plans)
        self.held: frozenset[str] = frozenset()
        self.holder: str | None = None  # who holds a plan this daemon could not take
        self.lost: frozenset[str] = frozenset()  # plans whose lock went with its session, at the last rebalance
        self._store = None if self.shared else Leadership(engine)
        self._locks = {plan: Leadership(engine, plan) for plan in self.plans} if self.shared else {}

    def rebalance(self) -> bool:
        """Take this daemon's share of the free plans and hand back what is over it; whether the
        plans it runs changed. `LeadershipUnavailableError` while the database cannot be asked."""
        before = self.held
        if self._store is not None:
            if not self.held and self._store.acquire():
                self.held = frozenset(self.plans)
            self.holder = self._store.holder
            return self.held != before
        held = {plan for plan in self.held if self._locks[plan].still_held()}
        self.lost = frozenset(self.held - held)
        for plan in self.lost:
            self._locks[plan].release()
        try:
            share = -(-len(self.plans) // self._locks[self.plans[0]].daemons())
            for plan in sorted(held, reverse=True)[: max(0, len(held) - share)]:
                self._locks[plan].release()
                held.discard(plan)
            for plan in self.plans:
                if len(held) >= share:
                    break
                if plan not in held:
                    if self._locks[plan].acquire():
                        held.add(plan)
                    else:
                        self.holder = self._locks[plan].holder
        finally:  # what is held is known even when the database fails half-way
            self.held = frozenset(held)
        return self.held != before

    def release(self) -> None:
        """Hand back every plan."""
        if self._store is not None:
            self._store.release()
        for plan in self.held & self._locks.keys():
            self._locks[plan].release()
        self.held = frozenset()

    def dispose(self) -> None:
        self.release()
        for lock in [*self._locks.values(), *([self._store] if self._store else [])]:
            lock.dispose()


class LeadershipUnavailableError(RuntimeError):
    """The database could not be asked who is active (it is down or restarting)."""
