"""What the inbox tests share: a SQLite store, a small plan, good and bad data, what was stored."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa

from monitor.store.database import create_engine, upgrade
from monitor.store.schema import Ingestion, ObservationRecord
from rules import Plan, load_plan
from tests.conftest import BASE_PLAN, revenue_target

T0 = dt.datetime(2022, 8, 1, 8, 0, tzinfo=dt.UTC)
DEPARTMENTS = ("finance", "leader", "office")  # the small plan's, sorted
GOOD = "target,period,value\nrevenue,2022-03,900\n"
BAD = "target,period,value\nrevenue,2022-03,many\n"


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


def sqlite_store(folder: Path) -> sa.Engine:
    engine = create_engine(f"sqlite:///{folder / 'plan-monitor.db'}")
    upgrade(engine)
    return engine


def small_plan(folder: Path) -> Plan:
    """The base plan of the shared fixtures (departments leader, office, finance) and its target 'revenue'."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plan.yaml").write_text(BASE_PLAN, encoding="utf-8")
    (folder / "revenue.yaml").write_text(revenue_target(), encoding="utf-8")
    return load_plan([folder])


def stored(engine: sa.Engine) -> list[tuple[str, str | None, str]]:
    """Each stored figure's file name, submitter and period."""
    query = (
        sa.select(Ingestion.file_name, Ingestion.submitter, ObservationRecord.period)  # type: ignore[call-overload]
        .join_from(ObservationRecord, Ingestion, ObservationRecord.ingestion_id == Ingestion.id)
        .order_by(Ingestion.id)
    )
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]
