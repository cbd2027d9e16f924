"""A run decided before its transaction (`draft_run`) is recorded as decided while the store is as
the draft read it, and decided again when it changed meanwhile: the same rows either way."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from monitor.recording import draft_run, record_run
from monitor.store.database import as_utc
from monitor.store.schema import Alert, AlertTransition, Notification, Silence
from rules import Plan, load_plan
from rules.judging import Status
from tests.monitor.test_recorder import DEPARTMENTS, JULY_10, NOW, TARGETS, WEEK, verdict

LATER = dt.date(2022, 8, 10)


@pytest.fixture
def plan(rule_dir: Callable[..., Path]) -> Plan:
    return load_plan([rule_dir(departments=DEPARTMENTS, targets=TARGETS)])


def _rows(engine: sa.Engine, table: type[SQLModel], *skip: str) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(sa.select(table).order_by(sa.text("id"))).mappings()
        return [{k: as_utc(v) if isinstance(v, dt.datetime) else v for k, v in row.items() if k not in ("id", *skip)}
                for row in rows]  # fmt: skip


def _record(engine: sa.Engine, plan: Plan, evaluations: list[Any], as_of: dt.date, *, drafted: bool) -> Any:
    draft = draft_run(engine, plan, evaluations, as_of, repeat_every=WEEK, now=NOW) if drafted else None
    return record_run(engine, plan, evaluations, as_of, trigger="test", repeat_every=WEEK, now=NOW, draft=draft)


def test_a_draft_of_an_unchanged_store_is_recorded_as_decided(engine: sa.Engine, plan: Plan) -> None:
    first = [verdict("investment", Status.BEHIND), verdict("roads", Status.BEHIND)]
    _record(engine, plan, first, JULY_10, drafted=False)
    evaluations = [verdict("investment", Status.ON_TRACK, as_of=LATER),
                   verdict("roads", Status.BEHIND, period="2022-07", as_of=LATER)]  # fmt: skip
    draft = draft_run(engine, plan, evaluations, LATER, repeat_every=WEEK, now=NOW)
    result = record_run(engine, plan, evaluations, LATER, trigger="test", repeat_every=WEEK, now=NOW, draft=draft)
    assert result.run_id == 2
    assert result.queued == draft.result.queued
    assert result.queued
    assert {q.message.value for q in result.queued} == {"resolved", "repeat"}
    assert {r["run_id"] for r in _rows(engine, AlertTransition)} == {1, 2}  # investment resolved in run 2
    assert {(n["run_id"], n["kind"]) for n in _rows(engine, Notification)} >= {(2, "resolved"), (2, "repeat")}


def test_a_draft_the_store_changed_under_is_decided_again(engine: sa.Engine, plan: Plan) -> None:
    evaluations = [verdict("investment", Status.BEHIND), verdict("roads", Status.BEHIND)]
    draft = draft_run(engine, plan, evaluations, JULY_10, repeat_every=WEEK, now=NOW)
    assert {q.target_id for q in draft.result.queued} == {"investment", "roads"}
    with engine.begin() as connection:  # meanwhile, an operator silences one of them
        silence = {"plan": plan.info.key, "target_id": "roads", "breakdown": None, "until": dt.date(2022, 12, 31),
                   "reason": "rà soát", "created_by": "admin", "created_at": NOW}  # fmt: skip
        connection.execute(sa.insert(Silence).values(**silence))
    result = record_run(engine, plan, evaluations, JULY_10, trigger="test", repeat_every=WEEK, now=NOW, draft=draft)
    assert {q.target_id for q in result.queued} == {"investment"}  # the silence is heard


def test_drafted_or_not_a_run_writes_the_same_rows(engine: sa.Engine, plan: Plan, tmp_path: Path) -> None:
    evaluations = [verdict("investment", Status.CRITICAL), verdict("jobs", Status.BEHIND),
                   verdict("investment", Status.BEHIND, breakdown="source/local")]  # fmt: skip
    _record(engine, plan, evaluations, JULY_10, drafted=True)
    drafted = [_rows(engine, t) for t in (Alert, AlertTransition, Notification)]
    other = sa.create_engine(f"sqlite:///{tmp_path / 'other.db'}")
    from monitor.store.database import upgrade

    upgrade(other)
    _record(other, plan, evaluations, JULY_10, drafted=False)
    assert drafted == [_rows(other, t) for t in (Alert, AlertTransition, Notification)]
