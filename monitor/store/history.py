"""A target's history as its page shows it: every transition of its alerts, oldest first."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import col

from monitor.store.database import as_utc
from monitor.store.schema import Alert, AlertTransition


@dataclass(frozen=True)
class TransitionRecord:
    breakdown: str
    kind: str  # performance, overdue
    as_of: dt.date
    before: str
    after: str
    escalated: bool
    status: str
    reason: str
    at: dt.datetime


def transitions_of(engine: sa.Engine, target_id: str, *, plan: str) -> list[TransitionRecord]:
    """The transitions of a target's alerts (and its parts'), in the order they happened."""
    t, a = AlertTransition, Alert
    query = (
        sa.select(
            col(a.breakdown),
            col(a.kind),
            col(t.as_of),
            col(t.from_state),
            col(t.to_state),
            col(t.escalated),
            col(t.status),
            col(t.reason),
            col(t.created_at),
        )
        .join(a, col(a.id) == col(t.alert_id))
        .where(col(a.plan) == plan, col(a.target_id) == target_id)
        .order_by(col(t.id))
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        TransitionRecord(
            r.breakdown,
            r.kind,
            r.as_of,
            r.from_state,
            r.to_state,
            bool(r.escalated),
            r.status,
            r.reason,
            as_utc(r.created_at),
        )
        for r in rows
    ]
