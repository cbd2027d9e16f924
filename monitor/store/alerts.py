"""Evaluation runs and alerts in the store: the run and its verdicts, each alert's memory, its
transitions and the notifications owed.

The recorder (monitor.recording) calls the writing functions inside one transaction, so a run is
stored whole or not at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from monitor.lifecycle import AlertKey, AlertKind, AlertMemory, AlertState, Transition
from monitor.store.database import as_utc
from monitor.store.schema import (
    Alert,
    AlertTransition,
    EvaluationRecord,
    EvaluationRun,
    Notification,
    decimal_text,
)
from rules import Evaluation

_MEMORY_FIELDS = [f.name for f in fields(AlertMemory)]


RUN_LOCK_KEY = 0x706C616F  # PostgreSQL's advisory lock that serialises evaluation runs


class EarlierThanLastRunError(Exception):
    """An evaluation of a date before the last recorded run's: it would mix alert states of two
    moments (a firing alert beside targets with no data yet). Looking back is `backtest`'s work."""

    def __init__(self, as_of: dt.date, last: dt.date) -> None:
        self.as_of, self.last = as_of, last
        super().__init__(
            f"cannot evaluate as of {as_of:%Y-%m-%d}: the last recorded run is as of {last:%Y-%m-%d}, and "
            f"evaluating an earlier date would mix alert states; to look back, use "
            f"'plan-monitor backtest --from DATE --to DATE', which records nothing"
        )


def start_run(connection: sa.Connection, as_of: dt.date, trigger: str, now: dt.datetime, *, plan: str) -> int:
    """A new evaluation run; its id. Runs are recorded one at a time: a second run waits for the
    first to commit, then finds the alerts it left (so the same date twice changes nothing). On
    SQLite the transaction's write lock does this (store.database.writing); on PostgreSQL an
    advisory lock held until the transaction ends."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": RUN_LOCK_KEY})
    last = connection.execute(
        sa.select(sa.func.max(col(EvaluationRun.as_of))).where(col(EvaluationRun.plan) == plan)
    ).scalar()
    if last is not None and as_of < last:
        raise EarlierThanLastRunError(as_of, last)
    inserted = connection.execute(
        sa.insert(EvaluationRun).values(plan=plan, as_of=as_of, trigger=trigger, started_at=now)
    )
    return _new_id(inserted)


def finish_run(connection: sa.Connection, run_id: int, at: dt.datetime) -> None:
    connection.execute(sa.update(EvaluationRun).where(col(EvaluationRun.id) == run_id).values(finished_at=at))


def last_run_started(engine: sa.Engine, *, plan: str) -> dt.datetime | None:
    """When the plan's latest evaluation run started, if any."""
    query = sa.select(sa.func.max(col(EvaluationRun.started_at))).where(col(EvaluationRun.plan) == plan)
    with engine.connect() as connection:
        started = connection.execute(query).scalar()
    return None if started is None else as_utc(started)


def save_evaluations(connection: sa.Connection, run_id: int, evaluations: list[Evaluation]) -> None:
    """The run's verdicts, one row per series."""
    if evaluations:
        connection.execute(sa.insert(EvaluationRecord), [_evaluation_row(run_id, e) for e in evaluations])


def alert_memories(connection: sa.Connection, *, plan: str) -> dict[AlertKey, tuple[int, AlertMemory]]:
    """Every alert of the plan: its id and memory, by its key."""
    found = {}
    for row in connection.execute(sa.select(Alert).where(col(Alert.plan) == plan)).mappings():
        values = {name: row[name] for name in _MEMORY_FIELDS} | {"state": AlertState(row["state"])}
        found[AlertKey(row["target_id"], row["breakdown"], AlertKind(row["kind"]))] = (row["id"], AlertMemory(**values))
    return found


def alert_states(engine: sa.Engine, *, plan: str) -> dict[AlertKey, AlertState]:
    """Every alert of the plan: its current state, by its key."""
    query = sa.select(col(Alert.target_id), col(Alert.breakdown), col(Alert.kind), col(Alert.state)).where(
        col(Alert.plan) == plan
    )
    with engine.connect() as connection:
        return {
            AlertKey(r.target_id, r.breakdown, AlertKind(r.kind)): AlertState(r.state)
            for r in connection.execute(query)
        }


def is_firing(engine: sa.Engine, target_id: str, breakdown: str = "", *, plan: str) -> bool:
    """Whether an alert of the plan's series (either kind) is firing now."""
    query = sa.select(col(Alert.id)).where(
        col(Alert.plan) == plan, col(Alert.target_id) == target_id, col(Alert.breakdown) == breakdown,
        col(Alert.state) == AlertState.FIRING,
    )  # fmt: skip
    with engine.connect() as connection:
        return connection.execute(query.limit(1)).first() is not None


def insert_alerts(connection: sa.Connection, alerts: list[tuple[AlertKey, AlertMemory]], *, plan: str) -> list[int]:
    """Store new alerts of the plan, in one statement; their ids, in the order given."""
    if not alerts:
        return []
    rows = [
        {
            "plan": plan,
            "target_id": key.target_id,
            "breakdown": key.breakdown,
            "kind": key.kind.value,
            **_memory_values(memory),
        }
        for key, memory in alerts
    ]
    inserted = connection.execute(sa.insert(Alert).returning(col(Alert.id), sort_by_parameter_order=True), rows)
    return [int(alert_id) for (alert_id,) in inserted if alert_id is not None]


def update_alerts(connection: sa.Connection, alerts: list[tuple[int, AlertMemory]]) -> None:
    """Store the new memory of alerts already stored, by id, in one statement."""
    if alerts:
        query = sa.update(Alert).where(col(Alert.id) == sa.bindparam("alert_id"))
        connection.execute(query, [{"alert_id": alert_id, **_memory_values(memory)} for alert_id, memory in alerts])


@dataclass(frozen=True)
class TransitionRow:
    """A change of an alert's state, to be stored."""

    alert_id: int
    transition: Transition
    escalated: bool
    status: str


def insert_transitions(
    connection: sa.Connection, run_id: int, as_of: dt.date, rows: list[TransitionRow], now: dt.datetime
) -> list[int]:
    """Store changes of alerts' states, in one statement; their ids, in the order given."""
    if not rows:
        return []
    values = [
        {"alert_id": r.alert_id, "run_id": run_id, "as_of": as_of, "from_state": r.transition.before.value,
         "to_state": r.transition.after.value, "escalated": r.escalated, "status": r.status,
         "reason": r.transition.reason, "created_at": now}
        for r in rows
    ]  # fmt: skip
    query = sa.insert(AlertTransition).returning(col(AlertTransition.id), sort_by_parameter_order=True)
    return [int(found) for (found,) in connection.execute(query, values) if found is not None]


@dataclass(frozen=True)
class NotificationRow:
    """A message owed to one recipient about one alert."""

    alert_id: int
    transition_id: int | None
    recipient: str
    role: str
    kind: str


def insert_notifications(
    connection: sa.Connection, run_id: int, as_of: dt.date, rows: list[NotificationRow], now: dt.datetime
) -> None:
    """Record that recipients are owed messages about alerts in this run, in one statement."""
    if rows:
        values = [
            {"alert_id": r.alert_id, "run_id": run_id, "transition_id": r.transition_id, "as_of": as_of,
             "recipient": r.recipient, "role": r.role, "kind": r.kind, "created_at": now}
            for r in rows
        ]  # fmt: skip
        connection.execute(sa.insert(Notification), values)


def _memory_values(memory: AlertMemory) -> dict[str, Any]:
    return {name: getattr(memory, name) for name in _MEMORY_FIELDS} | {"state": memory.state.value}


def _new_id(inserted: sa.CursorResult[Any]) -> int:
    key = inserted.inserted_primary_key
    assert key is not None
    return int(key[0])


def _text(value: Any) -> str | None:
    return None if value is None else decimal_text(value)


def _evaluation_row(run_id: int, e: Evaluation) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "target_id": e.target_id,
        "breakdown": e.breakdown,
        "status": e.status.value,
        "reason": e.reason,
        "actual": _text(e.actual),
        "actual_period": e.actual_period.label if e.actual_period else None,
        "actual_source": e.actual_source or None,
        "required": _text(e.required),
        "gap": _text(e.gap),
        "gap_points": _text(e.gap_points),
        "projected": _text(e.projected),
        "projected_pct": _text(e.projected_pct),
        "pace_per_month": _text(e.pace_per_month),
        "overdue_period": e.overdue_period.label if e.overdue_period else None,
    }
