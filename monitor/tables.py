"""The database tables. Schema changes go through Alembic migrations (monitor/migrations)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class Ingestion(SQLModel, table=True):
    """One data file taken in: what it was, who sent it, when. The hash makes a re-send a no-op."""

    __tablename__ = "ingestion"

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, unique=True)
    file_name: str = Field(max_length=255)
    format: str = Field(max_length=8)
    rows: int
    submitter: str | None = Field(default=None, max_length=64)
    received_at: dt.datetime = Field(sa_type=sa.DateTime(timezone=True))


class Observation(SQLModel, table=True):
    """A figure for a target (and breakdown part) in a period. Revisions are kept: one row is current.

    `value` is kept as exact decimal text in the target's unit; `reported_value` and
    `reported_unit` are what the file said, before any conversion.
    """

    __tablename__ = "observation"
    __table_args__ = (
        sa.Index(
            "observation_current_key",
            "target_id",
            "breakdown",
            "period",
            unique=True,
            sqlite_where=sa.text("is_current = 1"),
            postgresql_where=sa.text("is_current"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    ingestion_id: int = Field(foreign_key="ingestion.id")
    target_id: str = Field(max_length=64)
    breakdown: str = Field(default="", max_length=130)
    period: str = Field(max_length=16)
    period_start: dt.date
    period_end: dt.date
    basis: str = Field(max_length=16)
    value: str = Field(max_length=64)
    unit: str = Field(max_length=32)
    reported_value: str = Field(max_length=64)
    reported_unit: str = Field(max_length=32)
    status: str = Field(max_length=8)
    note: str | None = None
    source_row: int
    received_at: dt.datetime = Field(sa_type=sa.DateTime(timezone=True))
    is_current: bool = True


# The Core tables, for set-based statements (bulk ingestion, queries over many rows).
INGESTION: sa.Table = Ingestion.__table__  # type: ignore[attr-defined]
OBSERVATION: sa.Table = Observation.__table__  # type: ignore[attr-defined]
