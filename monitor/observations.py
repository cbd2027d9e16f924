"""Reading stored figures: the current one per target, breakdown and period, or the whole history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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
    return [
        StoredFigure(
            id=row["id"],
            target_id=row["target_id"],
            breakdown=row["breakdown"],
            period=row["period"],
            period_start=row["period_start"],
            period_end=row["period_end"],
            basis=row["basis"],
            value=Decimal(row["value"]),
            unit=row["unit"],
            reported_value=Decimal(row["reported_value"]),
            reported_unit=row["reported_unit"],
            status=row["status"],
            note=row["note"],
            file_name=row["file_name"],
            source_row=row["source_row"],
            submitter=row["submitter"],
            received_at=row["received_at"],
            is_current=bool(row["is_current"]),
        )
        for row in rows
    ]
