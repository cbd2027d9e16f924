"""The outbox in the store: messages owed, written in the transaction that decided them, and
each try at delivering them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from monitor.store.database import writing
from monitor.store.schema import EvaluationRun, OutboxAttempt, OutboxBody, OutboxMessage


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
    """A queued message whose time has come (its body is read when a sender claims it)."""

    id: int
    message_id: str
    address: str
    attempts: int


def enqueue(connection: sa.Connection, outgoing: Outgoing, *, plan: str, run_id: int | None, now: dt.datetime) -> bool:
    """Queue a message, due now, unless one with its Message-ID is already there; True if queued."""
    exists = sa.select(col(OutboxMessage.id)).where(col(OutboxMessage.message_id) == outgoing.message_id)
    if connection.execute(exists).first():
        return False
    queued = connection.execute(
        sa.insert(OutboxMessage).values(
            plan=plan, message_id=outgoing.message_id, run_id=run_id, recipient=outgoing.recipient,
            address=outgoing.address, subject=outgoing.subject, state="queued", attempts=0,
            next_attempt_at=now, created_at=now,
        )
    )  # fmt: skip
    key = queued.inserted_primary_key
    assert key is not None
    connection.execute(sa.insert(OutboxBody).values(outbox_id=key[0], message=outgoing.message))
    return True


def _unclaimed(now: dt.datetime) -> sa.ColumnElement[bool]:
    """Not held by a sender: never claimed, released, or claimed by one whose claim has expired."""
    return sa.or_(col(OutboxMessage.claimed_until).is_(None), col(OutboxMessage.claimed_until) <= now)


def recipients_told_on(connection: sa.Connection, as_of: dt.date, *, plan: str) -> set[str]:
    """The recipients already owed a digest by a run of the plan as of `as_of`."""
    query = (
        sa.select(col(OutboxMessage.recipient))
        .join(EvaluationRun, col(EvaluationRun.id) == col(OutboxMessage.run_id))
        .where(col(EvaluationRun.as_of) == as_of, col(EvaluationRun.plan) == plan)
    )
    return set(connection.execute(query).scalars())


def due(engine: sa.Engine, now: dt.datetime) -> list[Due]:
    """The queued messages due by `now` and held by no sender, oldest first."""
    o = OutboxMessage
    query = (
        sa.select(col(o.id), col(o.message_id), col(o.address), col(o.attempts))
        .where(col(o.state) == "queued", col(o.next_attempt_at) <= now, _unclaimed(now))
        .order_by(col(o.id))
    )
    with engine.connect() as connection:
        return [Due(row.id, row.message_id, row.address, row.attempts) for row in connection.execute(query)]


# The drain's statements, built once: a sender runs them for every message, and building one
# (with its cache key) costs more than SQLite's work on the small rows they touch. Each takes its
# values from the parameters it is executed with (a column's name sets that column).
_OUTBOX: sa.Table = OutboxMessage.__table__  # type: ignore[attr-defined]
_BODIES: sa.Table = OutboxBody.__table__  # type: ignore[attr-defined]
_ATTEMPTS: sa.Table = OutboxAttempt.__table__  # type: ignore[attr-defined]
_TAKE = sa.update(_OUTBOX).where(
    _OUTBOX.c.id == sa.bindparam("taken_id"),
    _OUTBOX.c.state == "queued",
    sa.or_(_OUTBOX.c.claimed_until.is_(None), _OUTBOX.c.claimed_until <= sa.bindparam("taken_at")),
)
_BODY = sa.select(_BODIES.c.message).where(_BODIES.c.outbox_id == sa.bindparam("taken_id"))
_SETTLE = sa.update(_OUTBOX).where(_OUTBOX.c.id == sa.bindparam("settled_id"))
_ATTEMPT = sa.insert(_ATTEMPTS)


def claim(
    engine: sa.Engine,
    outbox_id: int,
    sender: str,
    now: dt.datetime,
    lease: dt.timedelta,
    *,
    settle: Outcome | None = None,
) -> bytes | None:
    """Take a queued message for `sender` until `now + lease`, and return its body; None if it is
    sent, failed, or held by another sender. One statement decides: of two senders, one wins.
    With `settle`, the outcome of the sender's previous message is recorded in the same
    transaction, first (a sender writes once a message, not twice)."""
    with writing(engine) as connection:
        if settle is not None:
            _mark(connection, settle)
        taken = connection.execute(
            _TAKE, {"taken_id": outbox_id, "taken_at": now, "claimed_by": sender, "claimed_until": now + lease}
        )
        if taken.rowcount != 1:
            return None
        return bytes(connection.execute(_BODY, {"taken_id": outbox_id}).scalar_one())


def claimants(engine: sa.Engine, now: dt.datetime) -> set[str]:
    """The senders holding claims now."""
    query = sa.select(col(OutboxMessage.claimed_by)).where(
        col(OutboxMessage.state) == "queued", col(OutboxMessage.claimed_until) > now
    )
    with engine.connect() as connection:
        return {claimant for claimant in connection.execute(query).scalars() if claimant}


def release_claims(engine: sa.Engine, claimant: str) -> int:
    """End the claims of a sender known to be dead; how many."""
    with writing(engine) as connection:
        released = connection.execute(
            sa.update(OutboxMessage)
            .where(col(OutboxMessage.claimed_by) == claimant, col(OutboxMessage.state) == "queued")
            .values(claimed_by=None, claimed_until=None)
        )
    return released.rowcount


@dataclass(frozen=True)
class Outcome:
    """A try at delivering a message: sent, failed for good, or to retry at `retry_at`."""

    outbox_id: int
    attempts: int
    outcome: str
    error: str | None
    at: dt.datetime
    retry_at: dt.datetime | None = None


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
    """Record a try at delivering a message: sent, failed for good, or to retry at `retry_at`;
    the sender's claim ends."""
    with writing(engine) as connection:
        _mark(connection, Outcome(outbox_id, attempts, outcome, error, at, retry_at))


def _mark(connection: sa.Connection, done: Outcome) -> None:
    values: dict[str, object] = {
        "settled_id": done.outbox_id, "attempts": done.attempts, "last_error": done.error, "claimed_by": None,
        "claimed_until": None,
    }  # fmt: skip
    if done.outcome == "sent":
        values |= {"state": "sent", "sent_at": done.at}
    elif done.outcome == "failed":
        values |= {"state": "failed"}
    else:
        assert done.retry_at is not None
        values |= {"next_attempt_at": done.retry_at}
    connection.execute(_SETTLE, values)
    connection.execute(
        _ATTEMPT, {"outbox_id": done.outbox_id, "at": done.at, "outcome": done.outcome, "error": done.error}
    )


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
    with writing(engine) as connection:
        return connection.execute(query.values(state="queued", next_attempt_at=now)).rowcount


def purge_sent(engine: sa.Engine, *, sent_before: dt.datetime) -> int:
    """Delete the messages sent before a moment, with their attempts (and their bodies, which go
    with them); how many."""
    old = sa.select(col(OutboxMessage.id)).where(
        col(OutboxMessage.state) == "sent", col(OutboxMessage.sent_at) <= sent_before
    )
    with writing(engine) as connection:
        connection.execute(sa.delete(OutboxAttempt).where(col(OutboxAttempt.outbox_id).in_(old)))
        return connection.execute(sa.delete(OutboxMessage).where(col(OutboxMessage.id).in_(old))).rowcount
