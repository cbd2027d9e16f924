"""The rows a data file's ingestion writes first: its `ingestion` row, and whether its plan has
current figures already, in plain SQL on SQLAlchemy's core.

A file of new figures is written by these statements and `monitor.ingest.direct` alone, so taking
it in imports neither the ORM nor the store's SQLModel tables (`monitor.store.schema`, whose
tables these statements name, column for column); only a file that revises stored figures goes
on to the staging path, which queries those tables. `OBSERVATION_TYPES` are the observation
table's column types that a written value is bound through (a test holds them equal to the
table's).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

# The observation columns whose values a driver does not take as Python hands them (SQLite keeps
# dates and moments as text and booleans as integers, as SQLAlchemy's types write them).
OBSERVATION_TYPES: dict[str, sa.types.TypeEngine[Any]] = {
    "period_start": sa.Date(),
    "period_end": sa.Date(),
    "received_at": sa.DateTime(timezone=True),
    "is_current": sa.Boolean(),
}

_KNOWN = sa.text("SELECT id FROM ingestion WHERE plan = :plan AND sha256 = :sha256")
_RECORD = sa.text(
    "INSERT INTO ingestion (plan, sha256, file_name, format, rows, submitter, received_at) "
    "VALUES (:plan, :sha256, :file_name, :format, :rows, :submitter, :received_at) RETURNING id"
).bindparams(sa.bindparam("received_at", type_=OBSERVATION_TYPES["received_at"]))
_ROWS = sa.text("UPDATE ingestion SET rows = :rows WHERE id = :id")


def already_ingested(connection: sa.Connection, plan: str, sha256: str) -> bool:
    """Whether the file of hash `sha256` was taken in for the plan keyed `plan`."""
    return connection.execute(_KNOWN, {"plan": plan, "sha256": sha256}).first() is not None


def record_ingestion(
    connection: sa.Connection,
    *,
    plan: str,
    sha256: str,
    file_name: str,
    kind: str,
    rows: int,
    submitter: str | None,
    received: dt.datetime,
) -> int:
    """Write a file's `ingestion` row; its id."""
    values = {"plan": plan, "sha256": sha256, "file_name": file_name, "format": kind, "rows": rows,
              "submitter": submitter, "received_at": received}  # fmt: skip
    return int(connection.execute(_RECORD, values).scalar_one())


def count_rows(connection: sa.Connection, ingestion_id: int, rows: int) -> None:
    """Record how many rows ingestion `ingestion_id` took in."""
    connection.execute(_ROWS, {"rows": rows, "id": ingestion_id})


def any_current(connection: sa.Connection, plan: str, target_ids: Collection[str]) -> bool:
    """Whether the plan keyed `plan` has a current figure of one of `target_ids`."""
    if not target_ids:
        return False
    # In the words of the current key index's own condition, so that the index answers.
    current = "is_current = 1" if connection.dialect.name == "sqlite" else "is_current"
    found = sa.text(
        f"SELECT id FROM observation WHERE plan = :plan AND {current} AND target_id IN :targets LIMIT 1"
    ).bindparams(sa.bindparam("targets", expanding=True))
    return connection.execute(found, {"plan": plan, "targets": list(target_ids)}).first() is not None
