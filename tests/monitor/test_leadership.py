"""Which daemon is active: on SQLite, any, at once; on PostgreSQL, one at a time, by an advisory lock."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from monitor.leadership import LOCK_KEY, Leadership
from monitor.store.database import create_engine
from tests.conftest import empty_postgresql


@pytest.fixture
def two_engines() -> Iterator[tuple[sa.Engine, sa.Engine]]:
    """Two engines on the test PostgreSQL server, as two daemons would have."""
    url = empty_postgresql()
    first, second = create_engine(url), create_engine(url)
    yield first, second
    first.dispose()
    second.dispose()


@pytest.fixture
def leaders(two_engines: tuple[sa.Engine, sa.Engine]) -> Iterator[tuple[Leadership, Leadership]]:
    first, second = Leadership(two_engines[0]), Leadership(two_engines[1])
    yield first, second
    first.release()
    second.release()


def test_on_sqlite_one_daemon_is_active_and_a_second_names_it(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'plan-monitor.db'}")
    first, second = Leadership(engine), Leadership(engine)
    assert (first.shared, second.shared) == (False, False)
    assert first.acquire()
    assert not second.acquire()
    assert second.holder == f"{socket.gethostname()} pid {os.getpid()}"
    assert first.still_held()
    assert not second.still_held()
    first.release()
    assert second.acquire()  # the lock file is free once the first has gone
    second.release()
    engine.dispose()


def test_on_postgresql_one_holds_and_the_other_waits(leaders: tuple[Leadership, Leadership]) -> None:
    first, second = leaders
    assert (first.shared, second.shared) == (True, True)
    assert first.acquire()
    assert not second.acquire()
    assert first.still_held()
    assert not second.acquire()  # trying again changes nothing while the first holds
    assert first.still_held()
    first.release()
    assert second.acquire()
    assert second.still_held()
    assert not first.acquire()  # and now the first is the one that waits


def _end_the_holders_session(engine: sa.Engine) -> None:
    """End the session holding the lock, as if its daemon died; wait until it has ended."""
    with engine.connect() as connection:
        [holder] = connection.execute(
            sa.text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND objid::bigint = :key"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            ),
            {"key": LOCK_KEY},
        ).scalars()
        assert connection.execute(sa.text("SELECT pg_terminate_backend(:pid, 10000)"), {"pid": holder}).scalar()


def test_a_lost_session_is_a_lost_lock(two_engines: tuple[sa.Engine, sa.Engine]) -> None:
    first, second = Leadership(two_engines[0]), Leadership(two_engines[1])
    try:
        assert first.acquire()
        assert not second.acquire()
        _end_the_holders_session(two_engines[1])
        assert not first.still_held()
        assert second.acquire()
    finally:
        second.release()  # the first's release after a lost session is the known failure below


def test_a_daemon_that_lost_its_session_releases_quietly(two_engines: tuple[sa.Engine, sa.Engine]) -> None:
    """The daemon's path: its check finds the lock lost, it stops, and releases on the way out."""
    first = Leadership(two_engines[0])
    assert first.acquire()
    _end_the_holders_session(two_engines[1])
    assert not first.still_held()
    first.release()
