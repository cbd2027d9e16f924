"""The outbox in the store: messages owed, written in the transaction that decided them, and
each try at delivering them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from monitor.store.schema import OutboxAttempt, OutboxMessage


@dataclass(frozen=True)
class Outgoing:
    """A rendered message for the outbox."""

    message_id: str
    recipient: str  # a department id
    address: str
    subject: str
    message: bytes


@dataclass(frozen=True)
class Due:
    """A queued message whose time has come."""

    id: int
    message_id: str
    address: str
    message: bytes
    attempts: int


def enqueue(connection: sa.Connection, outgoing: Outgoing, *, run_id: int | None, now: dt.datetime) -> bool:
    """Queue a message, due now, unless one with its Message-ID is already there; True if queued."""
    exists = sa.select(col(OutboxMessage.id)).where(col(OutboxMessage.message_id) == outgoing.message_id)
    if connection.execute(exists).first():
        return False
    connection.execute(
        sa.insert(OutboxMessage).values(
            message_id=outgoing.message_id, run_id=run_id, recipient=outgoing.recipient, address=outgoing.address,
            subject=outgoing.subject, message=outgoing.message, state="queued", attempts=0, next_attempt_at=now,
            created_at=now,
        )
    )  # fmt: skip
    return True


def due(engine: sa.Engine, now: dt.datetime) -> list[Due]:
    """The queued messages due by `now`, oldest first."""
    o = OutboxMessage
    query = (
        sa.select(col(o.id), col(o.message_id), col(o.address), col(o.message), col(o.attempts))
        .where(col(o.state) == "queued", col(o.next_attempt_at) <= now)
        .order_by(col(o.id))
    )
    with engine.connect() as connection:
        return [
            Due(row.id, row.message_id, row.address, row.message, row.attempts) for row in connection.execute(query)
        ]


def mark(
    engine: sa.Engine,
    outbox_id: int,
    attempts: int,
    outcome: str,
    error: str | None,
    at: dt.datetime,
    *,
    retry_at: dt.datetime | None = None,
) -> None:
    """Record a try at delivering a message: sent, failed for good, or to retry at `retry_at`."""
    values: dict[str, object] = {"attempts": attempts, "last_error": error}
    if outcome == "sent":
        values |= {"state": "sent", "sent_at": at}
    elif outcome == "failed":
        values |= {"state": "failed"}
    else:
        assert retry_at is not None
        values |= {"next_attempt_at": retry_at}
    with engine.begin() as connection:
        connection.execute(sa.update(OutboxMessage).where(col(OutboxMessage.id) == outbox_id).values(**values))
        connection.execute(sa.insert(OutboxAttempt).values(outbox_id=outbox_id, at=at, outcome=outcome, error=error))


def messages(engine: sa.Engine, state: str | None = None) -> list[OutboxMessage]:
    """The outbox (only the messages in `state`), oldest first, without their bodies."""
    query = select(OutboxMessage).options(defer(OutboxMessage.message)).order_by(col(OutboxMessage.id))  # type: ignore[arg-type]
    if state is not None:
        query = query.where(col(OutboxMessage.state) == state)
    with Session(engine) as session:
        return list(session.exec(query).all())


def requeue_failed(engine: sa.Engine, ids: Sequence[int] = (), *, now: dt.datetime) -> int:
    """Queue failed messages again (all of them, or those of `ids`), due now; how many."""
    query = sa.update(OutboxMessage).where(col(OutboxMessage.state) == "failed")
    if ids:
        query = query.where(col(OutboxMessage.id).in_(ids))
    with engine.begin() as connection:
        return connection.execute(query.values(state="queued", next_attempt_at=now)).rowcount


def purge_sent(engine: sa.Engine, *, sent_before: dt.datetime) -> int:
    """Delete the messages sent before a moment, with their attempts; how many."""
    old = sa.select(col(OutboxMessage.id)).where(
        col(OutboxMessage.state) == "sent", col(OutboxMessage.sent_at) <= sent_before
    )
    with engine.begin() as connection:
        connection.execute(sa.delete(OutboxAttempt).where(col(OutboxAttempt.outbox_id).in_(old)))
        return connection.execute(sa.delete(OutboxMessage).where(col(OutboxMessage.id).in_(old))).rowcount
