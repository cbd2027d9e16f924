"""Reading stored figures: the current one per target, breakdown and period, or the whole history;
and the same figures as evaluation's observations."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import col

from monitor.store.database import as_utc
from monitor.store.schema import Ingestion, ObservationRecord, decimal_value
from rules import Basis, FigureStatus, Observation, Period


@dataclass(frozen=True)
class StoredFigure:
    """A stored figure with where it came from."""

    id: int
    target_id: str
    breakdown: str
    period: str
    period_start: dt.date
    period_end: dt.date
    basis: Basis
    value: Decimal
    unit: str
    reported_value: Decimal
    reported_unit: str
    status: FigureStatus
    note: str | None
    file_name: str
    source_row: int
    submitter: str | None
    received_at: dt.datetime
    is_current: bool

    @property
    def source(self) -> str:
        """Where it came from, for people: "giai-ngan.xlsx:14"."""
        return f"{self.file_name}:{self.source_row}"


def _sent(figure: StoredFigure) -> str:
    """Where a figure came from and who sent it: "giai-ngan.xlsx:14 (so-khdt)"."""
    return f"{figure.source} ({figure.submitter})" if figure.submitter else figure.source


def figures(engine: sa.Engine, target_id: str | None = None, *, plan: str, history: bool = False) -> list[StoredFigure]:
    """The plan's current figures (or every revision with `history`), by target, breakdown, period,
    arrival."""
    o = ObservationRecord
    query = (
        sa.select(o, col(Ingestion.file_name), col(Ingestion.submitter))
        .join(Ingestion, col(Ingestion.id) == col(o.ingestion_id))
        .where(col(o.plan) == plan)
        .order_by(col(o.target_id), col(o.breakdown), col(o.period_end), col(o.period), col(o.id))
    )
    if target_id is not None:
        query = query.where(col(o.target_id) == target_id)
    if not history:
        query = query.where(col(o.is_current))
    with engine.connect() as connection:
        rows = connection.execute(query).mappings().all()
    names = [f.name for f in fields(StoredFigure)]
    return [
        StoredFigure(
            **{
                **{name: row[name] for name in names},
                "basis": Basis(row["basis"]),
                "value": decimal_value(row["value"]),
                "reported_value": decimal_value(row["reported_value"]),
                "status": FigureStatus(row["status"]),
                "is_current": bool(row["is_current"]),
            }
        )
        for row in rows
    ]


def as_observations(stored: Iterable[StoredFigure]) -> dict[str, list[Observation]]:
    """The stored figures as evaluation's observations, by target id."""
    periods: dict[str, Period] = {}
    by_target: dict[str, list[Observation]] = defaultdict(list)
    for f in stored:
        period = periods.get(f.period)
        if period is None:
            period = periods[f.period] = Period.parse(f.period)
        by_target[f.target_id].append(
            Observation(period, f.value, f.basis, f.breakdown, f.status, f.received_at, _sent(f))
        )
    return by_target


def observations(engine: sa.Engine, *, plan: str) -> dict[str, list[Observation]]:
    """The plan's current stored figures as evaluation's observations, by target id: the same as
    `as_observations(figures(engine, plan=plan))`, read in batches with only the columns evaluation needs and
    the texts and times that recur (breakdowns, periods, a file's arrival) shared, so that a
    national plan's million figures are not held three times over."""
    o = ObservationRecord
    query = (
        sa.select(col(o.target_id), col(o.breakdown), col(o.period), col(o.basis), col(o.value), col(o.status),
                  col(o.received_at), col(o.source_row), col(Ingestion.file_name))
        .join(Ingestion, col(Ingestion.id) == col(o.ingestion_id))
        .where(col(o.plan) == plan, col(o.is_current))
        .order_by(col(o.target_id), col(o.breakdown), col(o.period_end), col(o.period), col(o.id))
    )  # fmt: skip
    periods: dict[str, Period] = {}
    texts: dict[str, str] = {}
    times: dict[object, object] = {}
    bases = {b.value: b for b in Basis}
    statuses = {s.value: s for s in FigureStatus}
    by_target: dict[str, list[Observation]] = defaultdict(list)
    with engine.connect() as connection:
        for target_id, breakdown, label, basis, value, status, received, row, file_name in connection.execute(
            query.execution_options(yield_per=20_000)
        ):
            period = periods.get(label)
            if period is None:
                period = periods[label] = Period.parse(label)
            by_target[texts.setdefault(target_id, target_id)].append(
                Observation(period, decimal_value(value), bases[basis], texts.setdefault(breakdown, breakdown),
                            statuses[status], times.setdefault(received, received), f"{file_name}:{row}")  # type: ignore[arg-type]
            )  # fmt: skip
    return by_target


def last_arrival(engine: sa.Engine, *, plan: str) -> dt.datetime | None:
    """When the plan's latest data file was taken in, if any."""
    query = sa.select(sa.func.max(col(Ingestion.received_at))).where(col(Ingestion.plan) == plan)
    with engine.connect() as connection:
        arrived = connection.execute(query).scalar()
    return None if arrived is None else as_utc(arrived)
