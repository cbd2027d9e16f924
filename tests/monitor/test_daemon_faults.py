"""The real daemon, as subprocesses, when operators and servers misbehave: a second daemon on the
same SQLite store, a PostgreSQL server restarted under two daemons, an SMTP server that hangs."""

from __future__ import annotations

import re
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import col

from monitor.store.database import create_engine, upgrade
from monitor.store.schema import OutboxMessage
from tests.monitor.daemons import (
    DISBURSEMENT,
    Daemon,
    drop,
    environment,
    wait_until,
    waiting,
)
from tests.notifiers.smtp import Mailbox, hung_server
from tests.pg_server import PostgresServer


def _outbox_states(url: str) -> list[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(sa.select(col(OutboxMessage.state))).scalars())
    finally:
        engine.dispose()


def _all_sent(url: str) -> bool:
    states = _outbox_states(url)
    return bool(states) and set(states) == {"sent"}


def _received_once(mailbox: Mailbox) -> list[str]:
    ids = [str(m["Message-ID"]) for m in mailbox.messages()]
    assert sorted(ids) == sorted(set(ids)), "a message was delivered twice"
    return ids


def test_a_second_daemon_on_one_sqlite_store_stands_by_and_names_the_first(
    home: Path, smtp: tuple[Mailbox, int]
) -> None:
    mailbox, port = smtp
    env = environment(home, port)
    first = Daemon(env, home / "a.log")
    first.wait_for("event=daemon.active")
    second = Daemon(env, home / "b.log")
    standby = second.wait_for(r"event=daemon.standby [^\n]*")
    assert f"pid {first.process.pid}" in standby
    assert socket.gethostname() in standby
    drop(home, DISBURSEMENT)
    url = f"sqlite:///{home / 'var' / 'plan-monitor.db'}"
    wait_until(lambda: not waiting(home) and _all_sent(url), timeout=120)
    assert len(_received_once(mailbox)) == len(_outbox_states(url))
    assert "event=file.ingested" not in second.text()  # the standby did nothing
    assert first.stop() == 0
    second.wait_for("event=daemon.takeover", timeout=60)  # and it leads once the first has gone
    assert second.stop() == 0


@pytest.fixture
def own_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        upgrade(create_engine(server.url))
        yield server
    finally:
        server.remove()


def test_two_daemons_live_through_a_postgresql_restart(
    home: Path, smtp: tuple[Mailbox, int], own_server: PostgresServer
) -> None:
    mailbox, port = smtp
    env = environment(home, port, database_url=own_server.url)
    first = Daemon(env, home / "a.log")
    first.wait_for("event=daemon.active")
    second = Daemon(env, home / "b.log")
    second.wait_for("event=daemon.standby")
    drop(home, DISBURSEMENT)
    wait_until(lambda: _all_sent(own_server.url), timeout=120)
    before = len(_received_once(mailbox))
    own_server.restart()
    grain = home / "grain.csv"  # the missing grain report at last: its overdue alert resolves, an email goes
    grain.write_text("target,period,value\ngrain-output,2022-12,700\n", encoding="utf-8")
    drop(home, grain, "so-nnptnt")  # the department that owns the grain target
    wait_until(lambda: not waiting(home), timeout=120)
    # Two messages: the department's file is confirmed, and the evaluation that follows tells of the grain.
    wait_until(lambda: len(mailbox.received) > before + 1 and _all_sent(own_server.url), timeout=120)
    assert first.process.poll() is None  # both still running
    assert second.process.poll() is None
    assert len(_received_once(mailbox)) == len(_outbox_states(own_server.url))
    logs = first.text() + second.text()
    assert "Traceback" not in logs
    assert len(re.findall(r"event=daemon\.(?:active|takeover)", logs)) >= 2  # leadership taken again
    assert first.stop() == 0
    assert second.stop() == 0


@pytest.fixture
def hung_smtp() -> Iterator[int]:
    with hung_server() as port:
        yield port


def test_the_inbox_goes_on_while_the_outbox_waits_on_a_hung_server(home: Path, hung_smtp: int) -> None:
    """The outbox waits out its SMTP timeout; the inbox is polled every second meanwhile."""
    env = environment(home, hung_smtp, smtp_timeout="30")
    daemon = Daemon(env, home / "daemon.log")
    daemon.wait_for("event=daemon.active")
    drop(home, DISBURSEMENT)
    daemon.wait_for("event=evaluation.run")  # messages are queued: the outbox job now hangs on the server
    grain = home / "grain.csv"
    grain.write_text("target,period,value\ngrain-output,2022-12,700\n", encoding="utf-8")
    drop(home, grain, "so-nnptnt")  # the department that owns the grain target
    daemon.wait_for(r"event=file.ingested file=\S*grain\.csv", timeout=60)
    log = daemon.text()
    assert "event=email.retry" not in log  # the second file was taken while the first delivery still waited
    daemon.stop(signal.SIGKILL)  # not worth waiting out the delivery's timeout: SIGTERM lets it finish
