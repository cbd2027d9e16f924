"""Recording an evaluation run: the verdicts, the alerts' new states, their transitions, and the
messages owed, all in one transaction, so a crash leaves the run whole or absent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from monitor.digests import MailContext, compose
from monitor.lifecycle import AlertKind, AlertMemory, AlertState, MessageKind, Muting, Rules, advance
from monitor.tables import (
    ACKNOWLEDGEMENT,
    ALERT,
    ALERT_TRANSITION,
    EVALUATION,
    EVALUATION_RUN,
    NOTIFICATION,
    OUTBOX,
    SILENCE,
)
from notifiers.digest import Acknowledgement
from rules import Plan, Target
from rules.evaluate import Evaluation
from rules.observation import Observation

DEFAULT_REPEAT = dt.timedelta(days=7)


@dataclass(frozen=True)
class Recipient:
    department: str
    role: str  # owner, notify, escalation


@dataclass(frozen=True)
class Queued:
    """A message owed, as decided by a run."""

    target_id: str
    breakdown: str
    kind: AlertKind
    message: MessageKind
    recipient: Recipient
    previous_status: str = ""


@dataclass(frozen=True)
class RunResult:
    run_id: int | None
    as_of: dt.date
    evaluations: list[Evaluation]
    alert_states: dict[tuple[str, str, AlertKind], AlertState]
    transitions: list[tuple[str, str, AlertKind, AlertState, AlertState, str]]
    queued: list[Queued]


def recipients(plan: Plan, target: Target, breakdown: str) -> tuple[list[Recipient], Recipient | None]:
    """Who owns a series (and who else is told), and its escalation contact."""
    found = target.part(breakdown) if breakdown else None
    owner = (found[1].owner if found else None) or target.owner
    told = [Recipient(owner, "owner")] + [Recipient(d, "notify") for d in target.notify if d != owner]
    contact = target.escalation or plan.departments[owner].escalation
    return told, (Recipient(contact, "escalation") if contact else None)


def rules_of(target: Target, repeat_every: dt.timedelta) -> Rules:
    return Rules(target.for_periods, target.escalate_after, repeat_every)


def who_is_told(
    message: MessageKind, escalated: bool, owners: list[Recipient], contact: Recipient | None
) -> list[Recipient]:
    """Owners hear of everything; the escalation contact of what is escalated."""
    if message == MessageKind.ESCALATED:
        return [contact] if contact else []
    return owners + ([contact] if contact and escalated else [])


def _memory(row: Any) -> AlertMemory:
    names = {f.name for f in fields(AlertMemory)}
    values = {k: row[k] for k in names}
    values["state"] = AlertState(values["state"])
    return AlertMemory(**values)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def record_run(
    engine: sa.Engine,
    plan: Plan,
    evaluations: list[Evaluation],
    as_of: dt.date,
    *,
    trigger: str,
    repeat_every: dt.timedelta = DEFAULT_REPEAT,
    now: dt.datetime | None = None,
    known: dict[str, list[Observation]] | None = None,
    mail: MailContext | None = None,
) -> RunResult:
    """Store a run: verdicts, alert states and transitions, and the messages owed.

    With `mail`, the messages are rendered and written to the outbox in the same transaction.
    """
    now = now or dt.datetime.now(dt.UTC)
    with engine.begin() as connection:
        inserted = connection.execute(sa.insert(EVALUATION_RUN).values(as_of=as_of, trigger=trigger, started_at=now))
        run_id = int(inserted.inserted_primary_key[0])  # type: ignore[index]
        connection.execute(sa.insert(EVALUATION), [_evaluation_row(run_id, e) for e in evaluations])
        recorder = _Recorder(connection, plan, run_id, as_of, now, repeat_every)
        for evaluation in evaluations:
            recorder.record(evaluation)
        if mail is not None and recorder.result.queued:
            _write_outbox(connection, plan, recorder.result, known or {}, mail, now)
        finished = dt.datetime.now(dt.UTC)
        connection.execute(sa.update(EVALUATION_RUN).where(EVALUATION_RUN.c.id == run_id).values(finished_at=finished))
    return recorder.result


class _Recorder:
    """Advances each series' alerts within one run's transaction."""

    def __init__(
        self, connection: sa.Connection, plan: Plan, run_id: int, as_of: dt.date, now: dt.datetime, repeat: dt.timedelta
    ) -> None:
        self.connection, self.plan, self.run_id, self.as_of, self.now = connection, plan, run_id, as_of, now
        self.repeat = repeat
        self.memories = {
            (row["target_id"], row["breakdown"], AlertKind(row["kind"])): (row["id"], _memory(row))
            for row in connection.execute(sa.select(ALERT)).mappings()
        }
        self.silenced = _silenced(connection, as_of)
        self.acknowledged = _acknowledged(connection)
        self.result = RunResult(run_id, as_of, [], {}, [], [])

    def record(self, evaluation: Evaluation) -> None:
        target = self.plan.targets[evaluation.target_id]
        self.result.evaluations.append(evaluation)
        series = (target.id, evaluation.breakdown)
        muting = Muting(
            silenced=series in self.silenced or (target.id, None) in self.silenced,
            acknowledged_period=self.acknowledged.get(series),
        )
        for kind in AlertKind:
            key = (target.id, evaluation.breakdown, kind)
            alert_id, memory = self.memories.get(key, (None, AlertMemory()))
            step = advance(kind, memory, evaluation, self.as_of, rules_of(target, self.repeat), muting)
            if alert_id is None and step.memory.state == AlertState.INACTIVE and step.transition is None:
                continue  # nothing to remember about a series that never alerted
            alert_id = _save(self.connection, alert_id, key, step.memory)
            self.result.alert_states[key] = step.memory.state
            transition_id = self._transition(alert_id, key, evaluation, step.transition, step.memory.escalated)
            if step.message:
                owners, contact = recipients(self.plan, target, evaluation.breakdown)
                told = who_is_told(step.message, step.memory.escalated or step.escalated_now, owners, contact)
                for recipient in _unique(told):
                    self._queue(alert_id, transition_id, key, step.message, recipient, memory.status)

    def _transition(
        self,
        alert_id: int,
        key: tuple[str, str, AlertKind],
        evaluation: Evaluation,
        transition: tuple[AlertState, AlertState, str] | None,
        escalated: bool,
    ) -> int | None:
        if transition is None:
            return None
        before, after, reason = transition
        inserted = self.connection.execute(
            sa.insert(ALERT_TRANSITION).values(
                alert_id=alert_id, run_id=self.run_id, as_of=self.as_of, from_state=before.value,
                to_state=after.value, escalated=escalated, status=evaluation.status.value, reason=reason,
                created_at=self.now,
            )
        )  # fmt: skip
        self.result.transitions.append((*key, before, after, reason))
        return int(inserted.inserted_primary_key[0])  # type: ignore[index]

    def _queue(
        self,
        alert_id: int,
        transition_id: int | None,
        key: tuple[str, str, AlertKind],
        message: MessageKind,
        recipient: Recipient,
        previous_status: str,
    ) -> None:
        self.connection.execute(
            sa.insert(NOTIFICATION).values(
                alert_id=alert_id, run_id=self.run_id, transition_id=transition_id, as_of=self.as_of,
                recipient=recipient.department, role=recipient.role, kind=message.value, created_at=self.now,
            )
        )  # fmt: skip
        self.result.queued.append(Queued(key[0], key[1], key[2], message, recipient, previous_status))


def _write_outbox(
    connection: sa.Connection,
    plan: Plan,
    result: RunResult,
    known: dict[str, list[Observation]],
    mail: MailContext,
    now: dt.datetime,
) -> None:
    evaluations = {(e.target_id, e.breakdown): e for e in result.evaluations}
    acknowledgements = {
        (row.target_id, row.breakdown): Acknowledgement(
            row.period, row.cause, row.remedy, row.expected_date, row.created_by
        )
        for row in connection.execute(sa.select(ACKNOWLEDGEMENT).order_by(ACKNOWLEDGEMENT.c.id))
    }
    assert result.run_id is not None
    for message in compose(
        plan, result.run_id, result.as_of, result.queued, evaluations, known, acknowledgements, mail, now
    ):
        connection.execute(
            sa.insert(OUTBOX).values(
                message_id=message.message_id, run_id=result.run_id, recipient=message.recipient,
                address=message.address, subject=message.subject, message=message.message, state="queued",
                attempts=0, next_attempt_at=now, created_at=now,
            )
        )  # fmt: skip


def _unique(told: list[Recipient]) -> list[Recipient]:
    seen: set[str] = set()
    unique = []
    for recipient in told:
        if recipient.department not in seen:
            seen.add(recipient.department)
            unique.append(recipient)
    return unique


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


def _save(connection: sa.Connection, alert_id: int | None, key: tuple[str, str, AlertKind], memory: AlertMemory) -> int:
    values = {f.name: getattr(memory, f.name) for f in fields(AlertMemory)}
    values["state"] = memory.state.value
    if alert_id is None:
        target_id, breakdown, kind = key
        inserted = connection.execute(
            sa.insert(ALERT).values(target_id=target_id, breakdown=breakdown, kind=kind.value, **values)
        )
        return int(inserted.inserted_primary_key[0])  # type: ignore[index]
    connection.execute(sa.update(ALERT).where(ALERT.c.id == alert_id).values(**values))
    return alert_id


def _silenced(connection: sa.Connection, as_of: dt.date) -> set[tuple[str, str | None]]:
    query = sa.select(SILENCE.c.target_id, SILENCE.c.breakdown).where(
        SILENCE.c.until >= as_of, SILENCE.c.removed_at.is_(None)
    )
    return {(row.target_id, row.breakdown) for row in connection.execute(query)}


def _acknowledged(connection: sa.Connection) -> dict[tuple[str, str], str]:
    """The latest acknowledged period per series."""
    query = sa.select(ACKNOWLEDGEMENT.c.target_id, ACKNOWLEDGEMENT.c.breakdown, ACKNOWLEDGEMENT.c.period).order_by(
        ACKNOWLEDGEMENT.c.id
    )
    return {(row.target_id, row.breakdown): row.period for row in connection.execute(query)}
