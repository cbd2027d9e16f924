"""The alert lifecycle: from one evaluation and an alert's previous state, its next state.

Pure: no database, no clock. `advance` is given what the alert was, the new evaluation, the date
and the rules, and returns what the alert becomes, the transition (if any) and who is owed a
message. Modelled on Prometheus alerting rules and Alertmanager:

- ``inactive`` → ``pending`` when the condition first holds; → ``firing`` once it has held for
  the target's ``for`` reporting periods (counted by the figures' periods, so evaluating the
  same data twice counts once);
- ``firing`` → escalated (the escalation contact is told as well as the owners) after
  ``escalate_after`` periods of a shortfall that is large in absolute terms, or at once when
  critical or missed (a final figure short of the target);
- ``firing`` → ``resolved`` only when fresh data shows the target back on track. Missing data is
  never recovery, and a figure that merely moves from "behind" to "at risk" does not resolve it
  either: the gap between the firing and the resolving line keeps a figure that hovers at the
  line, or an estimate revised by a little, from flapping;
- a firing alert is repeated after the repeat interval, unless silenced or acknowledged for the
  period it is about.

Two kinds of alert exist per series: ``performance`` (behind or critical) and ``overdue`` (a
report that was due has not come); each has its own life.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import NamedTuple

from rules import Evaluation, Status


class AlertKind(StrEnum):
    PERFORMANCE = "performance"
    OVERDUE = "overdue"


class AlertState(StrEnum):
    INACTIVE = "inactive"
    PENDING = "pending"
    FIRING = "firing"
    RESOLVED = "resolved"


class MessageKind(StrEnum):
    FIRING = "firing"
    ESCALATED = "escalated"
    RESOLVED = "resolved"
    REPEAT = "repeat"


class AlertKey(NamedTuple):
    """Which alert: a series (target id, breakdown part's key or "") and the kind of alert."""

    target_id: str
    breakdown: str
    kind: AlertKind


class Transition(NamedTuple):
    """A change of an alert's state, with why."""

    before: AlertState
    after: AlertState
    reason: str


FIRES = frozenset({Status.BEHIND, Status.CRITICAL, Status.MISSED})
RECOVERS = frozenset({Status.ON_TRACK, Status.ACHIEVED})


@dataclass(frozen=True, slots=True)
class AlertMemory:
    """What an alert remembers between runs."""

    state: AlertState = AlertState.INACTIVE
    status: str = ""
    periods_held: int = 0
    last_period: str | None = None
    escalated: bool = False
    since: dt.date | None = None
    last_as_of: dt.date | None = None
    last_notified_as_of: dt.date | None = None


@dataclass(frozen=True)
class Rules:
    """The target's settings that drive its alerts, and the deployment's repeat interval."""

    for_periods: int
    escalate_after: int
    repeat_every: dt.timedelta


@dataclass(frozen=True)
class Muting:
    """Whether messages are held back this run: a silence, or an acknowledged period."""

    silenced: bool = False
    acknowledged_period: str | None = None


@dataclass(frozen=True, slots=True)
class AlertStep:
    """The outcome of one evaluation for one alert."""

    memory: AlertMemory
    transition: Transition | None
    escalated_now: bool
    message: MessageKind | None  # what the recipients are owed this run, if anything


def condition(kind: AlertKind, evaluation: Evaluation) -> tuple[bool | None, str | None]:
    """Whether the alert's condition holds (None: no fresh evidence either way) and the period it is about."""
    if kind == AlertKind.OVERDUE:
        overdue = evaluation.overdue_period
        return (overdue is not None), (overdue.label if overdue else None)
    period = evaluation.actual_period.label if evaluation.actual_period else None
    if evaluation.status in FIRES:
        return True, period
    if evaluation.status in RECOVERS:
        return False, period
    if evaluation.status == Status.AT_RISK:
        return False, period  # below the firing line, above the resolving one
    return None, period  # no data, overdue: nothing to judge performance on


def advance(
    kind: AlertKind, memory: AlertMemory, evaluation: Evaluation, as_of: dt.date, rules: Rules, muting: Muting
) -> AlertStep:
    """The alert's next state after `evaluation` as of `as_of`."""
    holds, period = condition(kind, evaluation)
    status = evaluation.status.value
    new = replace(memory, status=status, last_as_of=as_of)
    state = memory.state
    if holds:
        counted = period is not None and period != memory.last_period
        held = memory.periods_held + 1 if counted or memory.periods_held == 0 else memory.periods_held
        new = replace(new, periods_held=held, last_period=period or memory.last_period)
        if state in (AlertState.INACTIVE, AlertState.RESOLVED):
            new = replace(new, since=as_of, escalated=False)
            state = AlertState.INACTIVE
        # A report that has not come, and a final figure that misses, have no later period to wait for.
        at_once = kind == AlertKind.OVERDUE or evaluation.status == Status.MISSED
        if state != AlertState.FIRING and held >= (1 if at_once else rules.for_periods):
            escalate = _escalates(kind, evaluation, held, rules)
            new = replace(new, state=AlertState.FIRING, escalated=escalate)
            reason = _why(kind, evaluation, held)
            return _told(
                new, Transition(memory.state, AlertState.FIRING, reason), escalate, MessageKind.FIRING, as_of, muting
            )
        if state != AlertState.FIRING:
            new = replace(new, state=AlertState.PENDING)
            if memory.state == AlertState.PENDING:
                return AlertStep(new, None, False, None)
            reason = f"{_why(kind, evaluation, held)}; fires after {rules.for_periods} periods"
            return AlertStep(new, Transition(memory.state, AlertState.PENDING, reason), False, None)
        if not memory.escalated and _escalates(kind, evaluation, held, rules):
            new = replace(new, escalated=True)
            reason = f"still firing after {held} periods ({status})"
            return _told(
                new,
                Transition(AlertState.FIRING, AlertState.FIRING, reason),
                True,
                MessageKind.ESCALATED,
                as_of,
                muting,
            )
        return _repeat(new, period, as_of, rules, muting)
    if holds is None or state in (AlertState.INACTIVE, AlertState.RESOLVED):
        if state == AlertState.FIRING:
            return _repeat(new, period, as_of, rules, muting)
        return AlertStep(new, None, False, None)
    # The condition no longer holds on fresh evidence.
    cleared = replace(new, periods_held=0, last_period=period)
    if state == AlertState.PENDING:
        return AlertStep(
            replace(cleared, state=AlertState.INACTIVE),
            Transition(state, AlertState.INACTIVE, "condition cleared"),
            False,
            None,
        )
    if kind == AlertKind.PERFORMANCE and evaluation.status not in RECOVERS:
        return _repeat(new, period, as_of, rules, muting)  # at risk: not yet recovered
    reason = "report received" if kind == AlertKind.OVERDUE else f"back on track ({status})"
    resolved = replace(cleared, state=AlertState.RESOLVED)
    return _told(
        resolved, Transition(AlertState.FIRING, AlertState.RESOLVED, reason), False, MessageKind.RESOLVED, as_of, muting
    )


def _escalates(kind: AlertKind, evaluation: Evaluation, held: int, rules: Rules) -> bool:
    if kind == AlertKind.OVERDUE:
        return held >= rules.escalate_after
    if evaluation.status in (Status.CRITICAL, Status.MISSED):
        return True
    # A small shortfall early in the year is a large percentage: it escalates only once it is
    # large in absolute terms too.
    return held >= rules.escalate_after and evaluation.material


def _why(kind: AlertKind, evaluation: Evaluation, held: int) -> str:
    if kind == AlertKind.OVERDUE:
        return f"report for {evaluation.overdue_period} not received"
    return f"{evaluation.status.value} for {held} period{'s' if held != 1 else ''}: {evaluation.reason}"


def _told(
    memory: AlertMemory,
    transition: Transition,
    escalated_now: bool,
    message: MessageKind,
    as_of: dt.date,
    muting: Muting,
) -> AlertStep:
    if muting.silenced:
        return AlertStep(memory, transition, escalated_now, None)
    return AlertStep(replace(memory, last_notified_as_of=as_of), transition, escalated_now, message)


def _repeat(memory: AlertMemory, period: str | None, as_of: dt.date, rules: Rules, muting: Muting) -> AlertStep:
    """A firing alert with nothing new: a reminder once the repeat interval has passed."""
    last = memory.last_notified_as_of
    due = last is None or as_of - last >= rules.repeat_every
    acknowledged = muting.acknowledged_period is not None and muting.acknowledged_period == period
    if memory.state != AlertState.FIRING or not due or muting.silenced or acknowledged:
        return AlertStep(memory, None, False, None)
    return AlertStep(replace(memory, last_notified_as_of=as_of), None, False, MessageKind.REPEAT)
