"""Writing a file's checked rows straight into the observation table: each row written once.

A file whose rows all have new keys (a month's figures: its periods are new) needs nothing settled
against the stored figures, so its rows go into the observation table as they are checked: COPY on
PostgreSQL, an `executemany` of plain tuples on SQLite, each value bound as the table's own column
types bind it. A row whose key has a current figure, or repeats another row's, is refused by the
table's unique key index (`KeyTaken`); the caller then takes the staged path, which settles
revisions and names the repeated rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

from monitor.ingest.rows import Shape, Staged
from monitor.store.ingestions import OBSERVATION_TYPES

COLUMNS = (
    "ingestion_id", "target_id", "breakdown", "period", "period_start", "period_end", "basis", "value", "unit",
    "reported_value", "reported_unit", "status", "note", "source_row", "received_at", "is_current", "plan",
)  # fmt: skip

Writer = Callable[[list[Staged], Sequence[Shape]], None]


class KeyTaken(Exception):  # noqa: N818 (not an error of the file: a reason to take the staged path)
    """A row's key has a current figure already, or another row of the file has it."""


def is_key_taken(exc: BaseException) -> bool:
    """Whether `exc` is the unique key index refusing a row (SQLAlchemy's or the driver's own)."""
    return any(base.__name__ == "IntegrityError" for base in type(exc).__mro__)


def observation_writer(connection: sa.Connection, ingestion_id: int, received: dt.datetime, plan: str) -> Writer:
    """What writes a chunk of checked rows (their shapes by id) to the observation table, as
    figures of the plan keyed `plan`."""
    dialect = connection.dialect

    def bound(column: str) -> Callable[[Any], Any]:
        process = OBSERVATION_TYPES[column].dialect_impl(dialect).bind_processor(dialect)
        return process or (lambda value: value)

    on_date, received_at = bound("period_start"), bound("received_at")(received)
    current = bound("is_current")(True)
    shaped: dict[int, tuple[Any, ...]] = {}

    def rows(staged: list[Staged], shapes: Sequence[Shape]) -> list[tuple[Any, ...]]:
        for n in range(len(shaped), len(shapes)):
            s = shapes[n]
            shaped[n] = (on_date(s.period_start), on_date(s.period_end), s.basis, s.unit, s.reported_unit, s.status)
        out = []
        for target_id, breakdown, period, shape, value, reported, note, row in staged:
            start, end, basis, unit, reported_unit, status = shaped[shape]
            out.append((
                ingestion_id, target_id, breakdown, period, start, end, basis, value, unit,
                value if reported is None else reported, reported_unit, status, note, row, received_at, current, plan,
            ))  # fmt: skip
        return out

    names = ", ".join(COLUMNS)
    if dialect.name == "postgresql":
        driver: Any = connection.connection.driver_connection  # psycopg's own connection

        def copy(staged: list[Staged], shapes: Sequence[Shape]) -> None:
            try:
                with driver.cursor() as cursor, cursor.copy(f"COPY observation ({names}) FROM STDIN") as stream:
                    for record in rows(staged, shapes):
                        stream.write_row(record)
            except Exception as exc:
                if is_key_taken(exc):
                    raise KeyTaken from exc
                raise

        return copy
    insert = f"INSERT INTO observation ({names}) VALUES ({', '.join(['?'] * len(COLUMNS))})"

    def execute(staged: list[Staged], shapes: Sequence[Shape]) -> None:
        try:
            connection.exec_driver_sql(insert, rows(staged, shapes))
        except sa.exc.IntegrityError as exc:
            raise KeyTaken from exc

    return execute
