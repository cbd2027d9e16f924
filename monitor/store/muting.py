"""Silences (a target muted until a date) and acknowledgements (a department's explanation,
"giải trình", of a shortfall in one period) in the store."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Session, col, select

from monitor.store.database import writing
from monitor.store.schema import AcknowledgementRecord, Silence
from rules import SeriesKey


def add_silence(
    engine: sa.Engine,
    target_id: str,
    breakdown: str | None,
    until: dt.date,
    reason: str,
    *,
    plan: str,
    by: str,
    now: dt.datetime,
) -> int:
    """Mute a target (or one breakdown part; None: the target and all its parts) until a date; its id."""
    silence = Silence(plan=plan, target_id=target_id, breakdown=breakdown, until=until, reason=reason, created_by=by,
                      created_at=now)  # fmt: skip
    with Session(engine) as session:
        session.add(silence)
        session.commit()
        assert silence.id is not None
        return silence.id


def silences(engine: sa.Engine, *, plan: str, in_force_on: dt.date | None = None) -> list[Silence]:
    """Every silence of the plan, or only those in force on a date (not expired, not removed)."""
    query = select(Silence).where(col(Silence.plan) == plan).order_by(col(Silence.id))
    if in_force_on is not None:
        query = query.where(col(Silence.until) >= in_force_on, col(Silence.removed_at).is_(None))
    with Session(engine) as session:
        return list(session.exec(query).all())


def remove_silence(engine: sa.Engine, silence_id: int, *, plan: str, by: str, now: dt.datetime) -> bool:
    """End a silence of the plan before its date; False if no such silence is in force."""
    with writing(engine) as connection:
        done = connection.execute(
            sa.update(Silence)
            .where(col(Silence.id) == silence_id, col(Silence.plan) == plan, col(Silence.removed_at).is_(None))
            .values(removed_by=by, removed_at=now)
        )
    return done.rowcount > 0


def silenced(connection: sa.Connection, as_of: dt.date, *, plan: str) -> set[tuple[str, str | None]]:
    """The plan's series silenced on a date: (target id, part key), the part None for a whole target."""
    query = sa.select(col(Silence.target_id), col(Silence.breakdown)).where(
        col(Silence.plan) == plan, col(Silence.until) >= as_of, col(Silence.removed_at).is_(None)
    )
    return {(row.target_id, row.breakdown) for row in connection.execute(query)}


def add_acknowledgement(
    engine: sa.Engine,
    series: SeriesKey,
    period: str,
    cause: str,
    remedy: str,
    expected: dt.date | None,
    *,
    plan: str,
    by: str,
    now: dt.datetime,
) -> None:
    """Record a department's explanation of a series' shortfall in one period."""
    with Session(engine) as session:
        session.add(
            AcknowledgementRecord(
                plan=plan, target_id=series.target_id, breakdown=series.breakdown, period=period, cause=cause,
                remedy=remedy, expected_date=expected, created_by=by, created_at=now,
            )
        )  # fmt: skip
        session.commit()


def acknowledgements(
    engine: sa.Engine | sa.Connection, target_id: str | None = None, *, plan: str
) -> list[AcknowledgementRecord]:
    """The plan's explanations recorded (of one target), oldest first."""
    query = (
        select(AcknowledgementRecord)
        .where(col(AcknowledgementRecord.plan) == plan)
        .order_by(col(AcknowledgementRecord.id))
    )
    if target_id is not None:
        query = query.where(col(AcknowledgementRecord.target_id) == target_id)
    with Session(engine) as session:
        return list(session.exec(query).all())


def latest_acknowledgements(connection: sa.Connection, *, plan: str) -> dict[SeriesKey, AcknowledgementRecord]:
    """The latest explanation of each series of the plan."""
    latest = {}
    for record in acknowledgements(connection, plan=plan):
        latest[SeriesKey(record.target_id, record.breakdown)] = record
    return latest
