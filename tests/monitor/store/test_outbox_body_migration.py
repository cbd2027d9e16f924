"""Migration 0009 on a store made at revision 0008 with messages queued, sent and failed: every body
moves to its own table unchanged, the program sends from there, and going back down restores them."""

from __future__ import annotations

import datetime as dt
import os

import sqlalchemy as sa
from alembic import command
from sqlmodel import col

from monitor.store import outbox
from monitor.store.database import _config, connect_writer, current_revision, head_revision, upgrade
from monitor.store.schema import OutboxMessage
from tests.monitor.store.migrating import Rows, old_store, rows_of

NOW = dt.datetime(2022, 7, 31, 7, tzinfo=dt.UTC)
PLAN = "bac-giang-2022"
BIG = os.urandom(200_000)  # a digest's size, every byte value in it

# Three messages at revision 0008: one sent (with its attempt), one failed, one queued and claimed
# by a sender whose claim has expired.
OLD_ROWS: Rows = {
    "outbox": [
        {"id": 1, "plan": PLAN, "message_id": "<digest.1@x>", "run_id": None, "recipient": "so-tai-chinh",
         "address": "stc@bacgiang.example", "subject": "Báo cáo", "message": b"sent body\r\n", "state": "sent",
         "attempts": 1, "next_attempt_at": NOW, "last_error": None, "created_at": NOW, "sent_at": NOW,
         "claimed_by": None, "claimed_until": None},
        {"id": 2, "plan": PLAN, "message_id": "<digest.2@x>", "run_id": None, "recipient": "so-khdt",
         "address": "khdt@bacgiang.example", "subject": "Báo cáo", "message": BIG, "state": "failed",
         "attempts": 1, "next_attempt_at": NOW, "last_error": "550 no such user", "created_at": NOW,
         "sent_at": None, "claimed_by": None, "claimed_until": None},
        {"id": 3, "plan": PLAN, "message_id": "<digest.3@x>", "run_id": None, "recipient": "kho-bac",
         "address": "kb@bacgiang.example", "subject": "Nhắc hạn", "message": "Tiếng Việt".encode() + BIG,
         "state": "queued", "attempts": 0, "next_attempt_at": NOW, "last_error": None, "created_at": NOW,
         "sent_at": None, "claimed_by": "elsewhere:1:ab", "claimed_until": NOW - dt.timedelta(minutes=1)},
    ],
    "outbox_attempt": [
        {"id": 1, "outbox_id": 1, "at": NOW, "outcome": "sent", "error": None},
        {"id": 2, "outbox_id": 2, "at": NOW, "outcome": "failed", "error": "550 no such user"},
    ],
}  # fmt: skip


def _downgrade(engine: sa.Engine, revision: str) -> None:
    """Alembic's downgrade, as `upgrade` runs the migrations (SQLite's foreign keys off meanwhile)."""
    sqlite = engine.dialect.name == "sqlite"
    with connect_writer(engine) as connection:
        driver = connection.connection.driver_connection
        if sqlite:
            driver.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        with connection.begin():
            command.downgrade(_config(connection), revision)
        if sqlite:
            driver.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def _as_stored(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """Moments as the store hands them back (SQLite: naive, in UTC)."""
    return [{k: v.replace(tzinfo=None) if isinstance(v, dt.datetime) else v for k, v in r.items()} for r in rows]


def _same(found: list[dict[str, object]], expected: list[dict[str, object]]) -> bool:
    return found == expected or found == _as_stored(expected)


def test_every_body_moves_to_its_table_and_back(database_url: str) -> None:
    engine = old_store(database_url, "0008", OLD_ROWS)
    before = rows_of(engine, "outbox", "outbox_attempt")
    assert _same(before["outbox"], OLD_ROWS["outbox"])

    upgrade(engine)
    assert current_revision(engine) == head_revision()
    after = rows_of(engine, "outbox", "outbox_attempt", "outbox_body")
    assert after["outbox"] == [{k: v for k, v in r.items() if k != "message"} for r in before["outbox"]]
    assert after["outbox_attempt"] == before["outbox_attempt"]
    assert after["outbox_body"] == [{"outbox_id": r["id"], "message": r["message"]} for r in before["outbox"]]

    # The program reads them where they are now: the list, each body, the queued one claimed and sent.
    assert [(m.id, m.state) for m in outbox.messages(engine)] == [(1, "sent"), (2, "failed"), (3, "queued")]
    with engine.connect() as connection:
        rows = connection.execute(sa.select(col(OutboxMessage.id), col(OutboxMessage.message))).all()
    bodies = {row.id: row.message for row in rows}
    assert bodies == {r["id"]: r["message"] for r in OLD_ROWS["outbox"]}
    [due] = outbox.due(engine, NOW)
    assert (due.id, due.message_id) == (3, "<digest.3@x>")
    assert outbox.claim(engine, 3, "here:2:cd", NOW, dt.timedelta(minutes=15)) == "Tiếng Việt".encode() + BIG
    outbox.mark(engine, 3, 1, "sent", None, NOW)
    assert outbox.purge_sent(engine, sent_before=NOW) == 2
    assert rows_of(engine, "outbox_body")["outbox_body"] == [{"outbox_id": 2, "message": BIG}]
    engine.dispose()


def test_going_back_down_puts_every_body_back_in_its_row(database_url: str) -> None:
    engine = old_store(database_url, "0008", OLD_ROWS)
    before = rows_of(engine, "outbox", "outbox_attempt")
    upgrade(engine)
    _downgrade(engine, "0008")
    assert current_revision(engine) == "0008"
    assert rows_of(engine, "outbox", "outbox_attempt") == before
    assert "outbox_body" not in sa.inspect(engine).get_table_names()
    engine.dispose()
