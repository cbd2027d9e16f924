"""Reading stored figures: the current one per target, breakdown and period, or the whole history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal

import sqlalchemy as sa

from monitor.tables import INGESTION, OBSERVATION


@dataclass(frozen=True)
class StoredFigure:
    """A stored figure with where it came from."""

    id: int
    target_id: str
    breakdown: str
    period: str
    period_start: dt.date
    period_end: dt.date
    basis: str
    value: Decimal
    unit: str
    reported_value: Decimal
    reported_unit: str
    status: str
    note: str | None
    file_name: str
    source_row: int
    submitter: str | None
    received_at: dt.datetime
    is_current: bool


def figures(engine: sa.Engine, target_id: str | None = None, *, history: bool = False) -> list[StoredFigure]:
    """Current figures (or every revision with `history`), by target, breakdown, period, arrival."""
    o, i = OBSERVATION, INGESTION
    query = (
        sa.select(o, i.c.file_name, i.c.submitter)
        .join(i, i.c.id == o.c.ingestion_id)
        .order_by(o.c.target_id, o.c.breakdown, o.c.period_end, o.c.period, o.c.id)
    )
    if target_id is not None:
        query = query.where(o.c.target_id == target_id)
    if not history:
        query = query.where(o.c.is_current)
    with engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    names = [f.name for f in fields(StoredFigure)]
    return [
        StoredFigure(
            **{
                **{name: row[name] for name in names},
                "value": Decimal(row["value"]),
                "reported_value": Decimal(row["reported_value"]),
                "is_current": bool(row["is_current"]),
            }
        )
        for row in rows
    ]
