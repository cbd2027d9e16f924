"""The alert lifecycle, step by step, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from monitor.lifecycle import AlertKind, AlertMemory, AlertState, MessageKind, Muting, Rules, advance
from rules.judging import Evaluation, Status
from rules.periods import Period

RULES = Rules(for_periods=2, escalate_after=3, repeat_every=dt.timedelta(days=7))
PERF, OVERDUE = AlertKind.PERFORMANCE, AlertKind.OVERDUE


def verdict(
    status: Status, period: str | None = "2022-06", overdue: str | None = None, *, material: bool = True
) -> Evaluation:
    return Evaluation(
        "t", "", dt.date(2022, 7, 20), status, "test",
        actual_period=Period.parse(period) if period else None,
        overdue_period=Period.parse(overdue) if overdue else None, material=material,
    )  # fmt: skip


UNMUTED = Muting()


def run(memory: AlertMemory, evaluation: Evaluation, day: str, *, kind: AlertKind = PERF, rules: Rules = RULES,
        muting: Muting = UNMUTED):  # fmt: skip
    return advance(kind, memory, evaluation, dt.date.fromisoformat(day), rules, muting)


def test_pending_then_firing_after_for_periods_counted_by_data_period() -> None:
    first = run(AlertMemory(), verdict(Status.BEHIND, "2022-05"), "2022-06-10")
    assert first.memory.state == AlertState.PENDING
    assert first.transition is not None
    assert first.transition[:2] == (AlertState.INACTIVE, AlertState.PENDING)
    assert first.message is None
    again = run(first.memory, verdict(Status.BEHIND, "2022-05"), "2022-06-11")  # same data, next day
    assert (again.memory.state, again.memory.periods_held, again.transition) == (AlertState.PENDING, 1, None)
    fired = run(again.memory, verdict(Status.BEHIND, "2022-06"), "2022-07-10")
    assert fired.memory.state == AlertState.FIRING
    assert fired.transition is not None
    assert fired.transition[:2] == (AlertState.PENDING, AlertState.FIRING)
    assert fired.message == MessageKind.FIRING


def test_evaluating_the_same_date_twice_changes_nothing() -> None:
    fired = run(AlertMemory(), verdict(Status.BEHIND), "2022-07-10", rules=Rules(1, 3, dt.timedelta(days=7)))
    assert (fired.memory.state, fired.memory.periods_held, fired.message) == (AlertState.FIRING, 1, MessageKind.FIRING)
    twice = run(fired.memory, verdict(Status.BEHIND), "2022-07-10", rules=Rules(1, 3, dt.timedelta(days=7)))
    assert twice.memory == fired.memory
    assert (twice.transition, twice.message) == (None, None)


def test_critical_escalates_at_once() -> None:
    step = run(AlertMemory(), verdict(Status.CRITICAL), "2022-07-10", rules=Rules(1, 3, dt.timedelta(days=7)))
    assert (step.memory.state, step.memory.escalated, step.escalated_now) == (AlertState.FIRING, True, True)


def test_escalation_after_n_periods_behind() -> None:
    rules = Rules(1, 3, dt.timedelta(days=30))
    memory = run(AlertMemory(), verdict(Status.BEHIND, "2022-04"), "2022-05-10", rules=rules).memory
    memory = run(memory, verdict(Status.BEHIND, "2022-05"), "2022-06-10", rules=rules).memory
    assert not memory.escalated
    third = run(memory, verdict(Status.BEHIND, "2022-06"), "2022-07-10", rules=rules)
    assert third.memory.escalated
    assert third.message == MessageKind.ESCALATED
    assert third.transition is not None
    assert third.transition[:2] == (AlertState.FIRING, AlertState.FIRING)


def test_a_shortfall_small_in_absolute_terms_does_not_escalate() -> None:
    rules = Rules(1, 2, dt.timedelta(days=30))
    memory = run(AlertMemory(), verdict(Status.BEHIND, "2022-01", material=False), "2022-02-10", rules=rules).memory
    second = run(memory, verdict(Status.BEHIND, "2022-02", material=False), "2022-03-10", rules=rules)
    assert (second.memory.escalated, second.message) == (False, None)
    third = run(second.memory, verdict(Status.BEHIND, "2022-03"), "2022-04-10", rules=rules)
    assert (third.memory.escalated, third.message) == (True, MessageKind.ESCALATED)


def test_a_missed_target_fires_and_escalates_at_once() -> None:
    step = run(AlertMemory(), verdict(Status.MISSED, "2022"), "2023-01-20", rules=Rules(2, 3, dt.timedelta(days=7)))
    assert (step.memory.state, step.escalated_now, step.message) == (AlertState.FIRING, True, MessageKind.FIRING)


@pytest.mark.parametrize("status", [Status.NO_DATA, Status.OVERDUE])
def test_missing_data_is_never_recovery(status: Status) -> None:
    fired = run(AlertMemory(), verdict(Status.BEHIND), "2022-07-10", rules=Rules(1, 3, dt.timedelta(days=7)))
    later = run(fired.memory, verdict(status, None), "2022-07-12", rules=Rules(1, 3, dt.timedelta(days=7)))
    assert later.memory.state == AlertState.FIRING
    assert later.transition is None


def test_a_figure_hovering_at_the_line_does_not_flap() -> None:
    rules = Rules(1, 9, dt.timedelta(days=30))
    memory = run(AlertMemory(), verdict(Status.BEHIND, "2022-05"), "2022-06-10", rules=rules).memory
    states = []
    for status, period, day in [(Status.AT_RISK, "2022-06", "2022-07-10"), (Status.BEHIND, "2022-07", "2022-08-10"),
                                (Status.AT_RISK, "2022-07", "2022-08-12")]:  # fmt: skip
        step = run(memory, verdict(status, period), day, rules=rules)
        states.append((step.memory.state, step.transition))
        memory = step.memory
    assert states == [(AlertState.FIRING, None)] * 3
    resolved = run(memory, verdict(Status.ON_TRACK, "2022-08"), "2022-09-10", rules=rules)
    assert resolved.memory.state == AlertState.RESOLVED
    assert resolved.message == MessageKind.RESOLVED


def test_pending_clears_without_a_message() -> None:
    pending = run(AlertMemory(), verdict(Status.BEHIND, "2022-05"), "2022-06-10")
    cleared = run(pending.memory, verdict(Status.AT_RISK, "2022-06"), "2022-07-10")
    assert cleared.memory.state == AlertState.INACTIVE
    assert cleared.transition is not None
    assert cleared.transition[:2] == (AlertState.PENDING, AlertState.INACTIVE)
    assert cleared.message is None


def test_repeat_only_after_the_interval() -> None:
    rules = Rules(1, 9, dt.timedelta(days=7))
    fired = run(AlertMemory(), verdict(Status.BEHIND), "2022-07-10", rules=rules)
    assert run(fired.memory, verdict(Status.BEHIND), "2022-07-16", rules=rules).message is None
    repeat = run(fired.memory, verdict(Status.BEHIND), "2022-07-17", rules=rules)
    assert repeat.message == MessageKind.REPEAT
    assert repeat.memory.last_notified_as_of == dt.date(2022, 7, 17)


def test_a_silence_holds_messages_but_not_transitions() -> None:
    rules = Rules(1, 9, dt.timedelta(days=7))
    step = run(AlertMemory(), verdict(Status.BEHIND), "2022-07-10", rules=rules, muting=Muting(silenced=True))
    assert step.memory.state == AlertState.FIRING
    assert step.transition is not None
    assert step.message is None
    after = run(step.memory, verdict(Status.BEHIND), "2022-07-11", rules=rules)  # the silence has ended
    assert after.message == MessageKind.REPEAT


def test_an_acknowledgement_holds_repeats_for_its_period_only() -> None:
    rules = Rules(1, 9, dt.timedelta(days=7))
    fired = run(AlertMemory(), verdict(Status.BEHIND, "2022-06"), "2022-07-10", rules=rules)
    explained = Muting(acknowledged_period="2022-06")
    assert (
        run(fired.memory, verdict(Status.BEHIND, "2022-06"), "2022-07-20", rules=rules, muting=explained).message
        is None
    )
    next_period = run(fired.memory, verdict(Status.BEHIND, "2022-07"), "2022-08-10", rules=rules, muting=explained)
    assert next_period.message == MessageKind.REPEAT


def test_an_overdue_report_fires_at_once_and_resolves_when_it_comes() -> None:
    missing = run(AlertMemory(), verdict(Status.OVERDUE, None, overdue="2022-06"), "2022-07-10", kind=OVERDUE)
    assert (missing.memory.state, missing.message) == (AlertState.FIRING, MessageKind.FIRING)
    came = run(missing.memory, verdict(Status.BEHIND, "2022-06"), "2022-07-12", kind=OVERDUE)
    assert (came.memory.state, came.message) == (AlertState.RESOLVED, MessageKind.RESOLVED)
    assert came.transition is not None
    assert came.transition[2] == "report received"
