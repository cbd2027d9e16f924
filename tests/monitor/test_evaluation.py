"""Recorded evaluation runs on every store: alerts, transitions, messages owed; replays change nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from sqlmodel import SQLModel, col

from monitor.evaluation import replay, run_evaluation, steps
from monitor.ingest.batch import ingest_file
from monitor.lifecycle import AlertKey, AlertKind, AlertState, MessageKind
from monitor.store.schema import AcknowledgementRecord, Alert, AlertTransition, EvaluationRecord, Notification, Silence
from rules import Plan
from tests.conftest import PLAN

WEEK = dt.timedelta(days=7)
DISBURSEMENT = "public-investment-disbursement"


def _send(engine: sa.Engine, plan: Plan, tmp_path: Path, name: str, rows: str) -> None:
    path = tmp_path / name
    path.write_text("target,period,value,breakdown,status\n" + rows, encoding="utf-8")
    report = ingest_file(engine, plan, path)
    assert not report.errors, report.errors


def _count(engine: sa.Engine, table: type[SQLModel]) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _run(engine: sa.Engine, plan: Plan, day: str):
    return run_evaluation(engine, plan, dt.date.fromisoformat(day), trigger="test", repeat_every=WEEK)


def test_a_critical_shortfall_fires_and_tells_owner_notified_and_escalation(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path
) -> None:
    _send(engine, shipped_plan, tmp_path, "june.csv", f"{DISBURSEMENT},2022-06,1500,,\n")  # 21 % where 40 % is due
    result = _run(engine, shipped_plan, "2022-07-10")
    assert result.alert_states[(DISBURSEMENT, "", AlertKind.PERFORMANCE)] == AlertState.FIRING
    told = {
        (q.recipient.department, q.recipient.role, q.message)
        for q in result.queued
        if q.target_id == DISBURSEMENT and not q.breakdown
    }
    assert told == {
        ("so-khdt", "owner", MessageKind.FIRING),
        ("kho-bac", "notify", MessageKind.FIRING),
        ("pct-kinh-te", "escalation", MessageKind.FIRING),  # critical: escalated at once
    }
    assert _count(engine, EvaluationRecord) == len(result.evaluations)
    with engine.connect() as connection:
        reasons = connection.execute(sa.select(col(AlertTransition.reason))).scalars().all()
    assert any("critical for 1 period" in r for r in reasons)


def test_the_same_date_twice_changes_nothing(engine: sa.Engine, shipped_plan: Plan, tmp_path: Path) -> None:
    _send(engine, shipped_plan, tmp_path, "june.csv", f"{DISBURSEMENT},2022-06,1500,,\n")
    first = _run(engine, shipped_plan, "2022-07-10")
    assert first.alert_states[AlertKey(DISBURSEMENT, "", AlertKind.PERFORMANCE)] == AlertState.FIRING
    with engine.connect() as connection:
        before = connection.execute(sa.select(Alert).order_by(col(Alert.id))).all()
    counts = (_count(engine, AlertTransition), _count(engine, Notification))
    assert counts == (len(first.transitions), len(first.queued))
    assert all(counts)  # the first run changed something for the second to leave alone
    again = _run(engine, shipped_plan, "2022-07-10")
    assert (again.transitions, again.queued) == ([], [])
    assert (_count(engine, AlertTransition), _count(engine, Notification)) == counts
    with engine.connect() as connection:
        assert connection.execute(sa.select(Alert).order_by(col(Alert.id))).all() == before


def test_revisions_do_not_flap_and_recovery_resolves(engine: sa.Engine, shipped_plan: Plan, tmp_path: Path) -> None:
    revenue = "budget-revenue"  # 72.6 % due by 30 June: 7832 of 10788
    _send(engine, shipped_plan, tmp_path, "a.csv", f"{revenue},2022-06,7300,,estimate\n")  # 6.8 % short: behind
    assert (
        _run(engine, shipped_plan, "2022-07-05").alert_states[(revenue, "", AlertKind.PERFORMANCE)] == AlertState.FIRING
    )
    _send(engine, shipped_plan, tmp_path, "b.csv", f"{revenue},2022-06,7500,,official\n")  # 4.2 % short: at risk
    revised = _run(engine, shipped_plan, "2022-07-06")
    assert revised.alert_states[(revenue, "", AlertKind.PERFORMANCE)] == AlertState.FIRING
    assert not [t for t in revised.transitions if t[0] == revenue]
    _send(engine, shipped_plan, tmp_path, "c.csv", f"{revenue},2022-07,8400,,\n")  # ahead of July's requirement
    recovered = _run(engine, shipped_plan, "2022-08-05")
    assert recovered.alert_states[(revenue, "", AlertKind.PERFORMANCE)] == AlertState.RESOLVED
    assert {q.message for q in recovered.queued if q.target_id == revenue} == {MessageKind.RESOLVED}


def test_silence_and_acknowledgement_hold_messages(engine: sa.Engine, shipped_plan: Plan, tmp_path: Path) -> None:
    now = dt.datetime(2022, 7, 1, tzinfo=dt.UTC)
    _send(engine, shipped_plan, tmp_path, "jobs.csv", "new-jobs,2022-Q2,10000,,\ntourist-arrivals,2022-06,400000,,\n")
    with engine.begin() as connection:
        silence = {"plan": PLAN, "target_id": "new-jobs", "breakdown": None, "until": dt.date(2022, 7, 31),
                   "reason": "chờ số liệu quý", "created_by": "test", "created_at": now}  # fmt: skip
        connection.execute(sa.insert(Silence).values(**silence))
    first = _run(engine, shipped_plan, "2022-07-15")
    assert first.alert_states[("new-jobs", "", AlertKind.PERFORMANCE)] == AlertState.FIRING
    assert not [q for q in first.queued if q.target_id == "new-jobs"]
    assert [q for q in first.queued if q.target_id == "tourist-arrivals"]
    with engine.begin() as connection:
        ack = {"plan": PLAN, "target_id": "tourist-arrivals", "breakdown": "", "period": "2022-06", "cause": "mưa lũ",
               "remedy": "kích cầu", "created_by": "test", "created_at": now}  # fmt: skip
        connection.execute(sa.insert(AcknowledgementRecord).values(**ack))
    later = _run(engine, shipped_plan, "2022-08-02")  # past the repeat interval and past the silence
    assert not [q for q in later.queued if q.target_id == "tourist-arrivals"]  # explained for June
    assert [q for q in later.queued if q.target_id == "new-jobs" and q.message == MessageKind.REPEAT]


def test_a_replay_changes_no_real_alert(engine: sa.Engine, shipped_plan: Plan, tmp_path: Path) -> None:
    _send(engine, shipped_plan, tmp_path, "june.csv", f"{DISBURSEMENT},2022-06,1500,,\n")
    results = list(
        replay(engine, shipped_plan, steps(dt.date(2022, 1, 1), dt.date(2022, 8, 31), "month"), repeat_every=WEEK)
    )
    assert (len(results), results[-1].as_of) == (8, dt.date(2022, 8, 31))
    june = results[5]
    assert june.as_of == dt.date(2022, 6, 30)
    assert june.alert_states[AlertKey(DISBURSEMENT, "", AlertKind.PERFORMANCE)] == AlertState.FIRING
    assert (_count(engine, Alert), _count(engine, Notification), _count(engine, EvaluationRecord)) == (0, 0, 0)


def test_month_steps() -> None:
    assert steps(dt.date(2022, 1, 15), dt.date(2022, 4, 30), "month") == [
        dt.date(2022, 1, 31), dt.date(2022, 2, 28), dt.date(2022, 3, 31), dt.date(2022, 4, 30),
    ]  # fmt: skip
