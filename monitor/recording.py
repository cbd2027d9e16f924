"""Recording an evaluation run: the verdicts, the alerts' new states, their transitions, and the
notifications owed, all in one transaction, so a crash leaves the run whole or absent.

The recorder renders nothing: what the run owes is handed, inside the same transaction, to the
`on_owed` callback (monitor.mail.queue composes the digests and puts them in the outbox there).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import NamedTuple

import sqlalchemy as sa

from monitor.lifecycle import (
    AlertKey,
    AlertKind,
    AlertMemory,
    AlertState,
    AlertStep,
    MessageKind,
    Muting,
    Rules,
    advance,
)
from monitor.store import alerts as store
from monitor.store.database import writing
from monitor.store.muting import latest_acknowledgements, silenced
from rules import Evaluation, Plan, SeriesKey, Target

DEFAULT_REPEAT = dt.timedelta(days=7)


@dataclass(frozen=True)
class Recipient:
    department: str
    role: str  # owner, notify, escalation


@dataclass(frozen=True, slots=True)
class Queued:
    """A message owed, as decided by a run."""

    key: AlertKey
    message: MessageKind
    recipient: Recipient
    previous_status: str = ""

    @property
    def target_id(self) -> str:
        return self.key.target_id

    @property
    def breakdown(self) -> str:
        return self.key.breakdown

    @property
    def kind(self) -> AlertKind:
        return self.key.kind

    @property
    def series(self) -> SeriesKey:
        return SeriesKey(self.key.target_id, self.key.breakdown)


class AlertChange(NamedTuple):
    """A transition a run recorded: which alert, and how its state changed."""

    target_id: str
    breakdown: str
    kind: AlertKind
    before: AlertState
    after: AlertState
    reason: str

    @property
    def key(self) -> AlertKey:
        return AlertKey(self.target_id, self.breakdown, self.kind)


@dataclass(frozen=True)
class RunResult:
    run_id: int
    as_of: dt.date
    evaluations: list[Evaluation] = field(default_factory=list)
    alert_states: dict[AlertKey, AlertState] = field(default_factory=dict)
    transitions: list[AlertChange] = field(default_factory=list)
    queued: list[Queued] = field(default_factory=list)
    reminders: int = 0  # reminders of reports falling due, queued after the run (monitor.mail.reminders)


OnOwed = Callable[[sa.Connection, RunResult], None]
"""Called in the run's transaction once the run is recorded, when it owes messages."""


def recipients(plan: Plan, target: Target, breakdown: str) -> tuple[list[Recipient], Recipient | None]:
    """Who owns a series (and who else is told), and its escalation contact."""
    owner = target.owner_of(breakdown)
    told = [Recipient(owner, "owner")] + [Recipient(d, "notify") for d in target.notify if d != owner]
    contact = plan.escalation_contact(target, breakdown)
    return told, (Recipient(contact.id, "escalation") if contact else None)


def who_is_told(
    message: MessageKind, escalated: bool, owners: list[Recipient], contact: Recipient | None
) -> list[Recipient]:
    """Owners hear of everything; the escalation contact of what is escalated. Escalation adds
    the contact: it never takes the owner or the `notify` departments off the message."""
    if message == MessageKind.ESCALATED:
        return owners + ([contact] if contact else [])
    return owners + ([contact] if contact and escalated else [])


def record_run(
    engine: sa.Engine,
    plan: Plan,
    evaluations: list[Evaluation],
    as_of: dt.date,
    *,
    trigger: str,
    repeat_every: dt.timedelta = DEFAULT_REPEAT,
    now: dt.datetime | None = None,
    on_owed: OnOwed | None = None,
    draft: Draft | None = None,
) -> RunResult:
    """Store a run: verdicts, alert states and transitions, and the notifications owed; then hand
    what is owed to `on_owed`, in the same transaction.

    With a `draft` of these evaluations (`draft_run`), its decisions are taken as they are when
    the store still holds what the draft read (the alerts, silences and acknowledgements); else,
    or when they changed meanwhile, the run decides again here."""
    now = now or dt.datetime.now(dt.UTC)
    with writing(engine) as connection:
        run_id = store.start_run(connection, as_of, trigger, now, plan=plan.info.key)
        store.save_evaluations(connection, run_id, evaluations)
        seen = _Seen.read(connection, as_of, plan.info.key)
        if draft is not None and draft.fits(seen, evaluations, as_of, now, repeat_every):
            recorder = draft.recorder
            recorder.connection, recorder.result = connection, replace(recorder.result, run_id=run_id)
        else:
            recorder = _Recorder(connection, plan, seen, RunResult(run_id, as_of), now, repeat_every)
            for evaluation in evaluations:
                recorder.record(evaluation)
        recorder.flush()
        if on_owed is not None and recorder.result.queued:
            on_owed(connection, recorder.result)
        store.finish_run(connection, run_id, dt.datetime.now(dt.UTC))
    return recorder.result


@dataclass(frozen=True)
class _Seen:
    """What a run's decisions depend on in the store, besides the evaluations."""

    memories: dict[AlertKey, tuple[int, AlertMemory]]
    silenced: set[tuple[str, str | None]]
    acknowledged: dict[SeriesKey, str]

    @classmethod
    def read(cls, connection: sa.Connection, as_of: dt.date, plan: str) -> _Seen:
        acknowledged = {key: record.period for key, record in latest_acknowledgements(connection, plan=plan).items()}
        return cls(store.alert_memories(connection, plan=plan), silenced(connection, as_of, plan=plan), acknowledged)


@dataclass
class Draft:
    """A run decided before its transaction (`draft_run`): `result` says the messages it will
    owe (run id 0), so that their charts are drawn first; `record_run` then takes it as it is
    when nothing it read has changed."""

    result: RunResult
    recorder: _Recorder
    evaluations: list[Evaluation]
    repeat: dt.timedelta

    def fits(
        self, seen: _Seen, evaluations: list[Evaluation], as_of: dt.date, now: dt.datetime, repeat: dt.timedelta
    ) -> bool:
        recorder = self.recorder
        return (
            evaluations is self.evaluations and as_of == self.result.as_of and now == recorder.now
            and repeat == self.repeat and seen == recorder.seen
        )  # fmt: skip


def draft_run(
    engine: sa.Engine,
    plan: Plan,
    evaluations: list[Evaluation],
    as_of: dt.date,
    *,
    repeat_every: dt.timedelta = DEFAULT_REPEAT,
    now: dt.datetime | None = None,
) -> Draft:
    """What `record_run` would decide now, read from the store and written nowhere (run id 0):
    the messages a run will owe, known before its transaction (to draw their charts first)."""
    with engine.connect() as connection:
        seen = _Seen.read(connection, as_of, plan.info.key)
        connection.rollback()
    recorder = _Recorder(None, plan, seen, RunResult(0, as_of), now or dt.datetime.now(dt.UTC), repeat_every)
    for evaluation in evaluations:
        recorder.record(evaluation)
    return Draft(recorder.result, recorder, evaluations, repeat_every)


class _Recorder:
    """Advances each series' alerts within one run's transaction; the rows are written together by
    `flush` (a few statements for a whole plan, not several per series)."""

    def __init__(
        self,
        connection: sa.Connection | None,
        plan: Plan,
        seen: _Seen,
        result: RunResult,
        now: dt.datetime,
        repeat: dt.timedelta,
    ) -> None:
        self.connection, self.plan, self.result, self.now, self.repeat = connection, plan, result, now, repeat
        self.seen = seen
        self.memories, self.silenced, self.acknowledged = seen.memories, seen.silenced, seen.acknowledged
        self.steps: list[_Step] = []

    def record(self, evaluation: Evaluation) -> None:
        target = self.plan.targets[evaluation.target_id]
        self.result.evaluations.append(evaluation)
        series = SeriesKey(target.id, evaluation.breakdown)
        muting = Muting(
            silenced=series in self.silenced or (target.id, None) in self.silenced,
            acknowledged_period=self.acknowledged.get(series),
        )
        rules = Rules(target.for_periods, target.escalate_after, self.repeat)
        for kind in AlertKind:
            key = AlertKey(target.id, evaluation.breakdown, kind)
            alert_id, memory = self.memories.get(key, (None, AlertMemory()))
            step = advance(kind, memory, evaluation, self.result.as_of, rules, muting)
            if alert_id is None and step.memory.state == AlertState.INACTIVE and step.transition is None:
                continue  # nothing to remember about a series that never alerted
            self.result.alert_states[key] = step.memory.state
            told: list[Recipient] = []
            if step.transition is not None:
                self.result.transitions.append(AlertChange(*key, *step.transition))
            if step.message:
                owners, contact = recipients(self.plan, target, evaluation.breakdown)
                told = _unique(who_is_told(step.message, step.memory.escalated or step.escalated_now, owners, contact))
                self.result.queued.extend(Queued(key, step.message, r, memory.status) for r in told)
            self.steps.append(_Step(key, alert_id, step, evaluation.status.value, told))

    def flush(self) -> None:
        """Write the alerts' memories, their transitions and the notifications owed."""
        assert self.connection is not None, "a draft is written by record_run"
        new = [s for s in self.steps if s.alert_id is None]
        stored = [(s.alert_id, s.step.memory) for s in self.steps if s.alert_id is not None]
        for s, alert_id in zip(new, store.insert_alerts(self.connection, [(s.key, s.step.memory) for s in new],
                                                               plan=self.plan.info.key),
                               strict=True):  # fmt: skip
            s.alert_id = alert_id
        store.update_alerts(self.connection, stored)
        run_id, as_of = self.result.run_id, self.result.as_of
        changed = [s for s in self.steps if s.step.transition is not None]
        rows = [store.TransitionRow(s.id, s.step.transition, s.step.memory.escalated, s.status) for s in changed
                if s.step.transition is not None]  # fmt: skip
        for s, transition_id in zip(changed, store.insert_transitions(self.connection, run_id, as_of, rows, self.now),
                                    strict=True):  # fmt: skip
            s.transition_id = transition_id
        owed = [
            store.NotificationRow(s.id, s.transition_id, r.department, r.role, s.step.message.value)
            for s in self.steps
            if s.step.message
            for r in s.told
        ]
        store.insert_notifications(self.connection, run_id, as_of, owed, self.now)


@dataclass(eq=False, slots=True)
class _Step:
    """One alert's step in a run, until it is written."""

    key: AlertKey
    alert_id: int | None
    step: AlertStep
    status: str
    told: list[Recipient]
    transition_id: int | None = None

    @property
    def id(self) -> int:
        assert self.alert_id is not None
        return self.alert_id


def _unique(told: list[Recipient]) -> list[Recipient]:
    seen: set[str] = set()
    unique = []
    for recipient in told:
        if recipient.department not in seen:
            seen.add(recipient.department)
            unique.append(recipient)
    return unique
