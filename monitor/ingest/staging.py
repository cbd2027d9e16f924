"""The staging path: where a file's rows go when they revise stored figures or repeat a key.

The checked rows are copied into a temporary staging table (`STAGING`; what many of them share,
once per file, in `SHAPES`) and indexed in key order. There repeats within the file are found and
set-based statements retire the figures the file revises (an estimate arriving after an official
figure is kept as history) and insert the new ones; then the figures that do not fit the one before
them are found (`held_figures`). The tables are the session's own: they go with it when the file's
ingestion ends (`batch`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from monitor.ingest.plausible import any_stored, held_figures
from monitor.ingest.problems import Code, Problem, problem
from monitor.ingest.rows import STAGED_FIELDS, Shape, Staged
from rules import FigureStatus, Plan

if TYPE_CHECKING:
    from monitor.ingest.batch import Report

_staging_metadata = sa.MetaData()
STAGING = sa.Table(
    "pm_staging",
    _staging_metadata,
    sa.Column("target_id", sa.String(64), nullable=False),
    sa.Column("breakdown", sa.String(130), nullable=False),
    sa.Column("period", sa.String(16), nullable=False),
    sa.Column("shape", sa.Integer, nullable=False),
    sa.Column("value", sa.String(64), nullable=False),
    sa.Column("reported_value", sa.String(64), nullable=True),
    sa.Column("note", sa.String, nullable=True),
    sa.Column("source_row", sa.Integer, nullable=False),
    sa.Column("is_current", sa.Boolean, nullable=False, server_default=sa.true()),
    prefixes=["TEMPORARY"],
)
# What many staged rows share, once per file: see `Shape`.
SHAPES = sa.Table(
    "pm_staging_shape",
    _staging_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("period_start", sa.Date, nullable=False),
    sa.Column("period_end", sa.Date, nullable=False),
    sa.Column("basis", sa.String(16), nullable=False),
    sa.Column("unit", sa.String(32), nullable=False),
    sa.Column("reported_unit", sa.String(32), nullable=False),
    sa.Column("status", sa.String(8), nullable=False),
    sa.Column("correction", sa.Boolean, nullable=False),
    prefixes=["TEMPORARY"],
)


def stager(connection: sa.Connection) -> Callable[[list[Staged]], object]:
    """Empty staging tables, and what writes a chunk of checked rows to them: COPY on PostgreSQL,
    an `executemany` of plain tuples on SQLite (each the quickest way its driver has)."""
    _staging_metadata.drop_all(connection)
    _staging_metadata.create_all(connection)
    columns = ", ".join(STAGED_FIELDS)
    if connection.dialect.name == "postgresql":
        driver: Any = connection.connection.driver_connection  # psycopg's own connection

        def copy(rows: list[Staged]) -> None:
            with driver.cursor() as cursor, cursor.copy(f"COPY pm_staging ({columns}) FROM STDIN") as stream:
                for row in rows:
                    stream.write_row(row)

        return copy
    insert = f"INSERT INTO pm_staging ({columns}) VALUES ({', '.join(['?'] * len(STAGED_FIELDS))})"
    return partial(connection.exec_driver_sql, insert)


def index(connection: sa.Connection, shapes: list[Shape]) -> None:
    """Store the file's `shapes` and index its staged rows, once all of them are staged."""
    connection.execute(sa.insert(SHAPES), [{"id": n, **shape._asdict()} for n, shape in enumerate(shapes)])
    # In key order, with every column the copy reads: the copy scans the index alone, and
    # inserts into the observation table's own key index at its end.
    indexed = ", ".join([*STAGED_FIELDS, "is_current"])
    connection.exec_driver_sql(f"CREATE INDEX pm_staging_key ON pm_staging ({indexed})")
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("ANALYZE pm_staging")  # a temporary table has no statistics otherwise


def _duplicates(connection: sa.Connection, where: sa.ColumnElement[bool] | None = None) -> list[Problem]:
    """The staged rows (those matching `where`) whose key an earlier row of the file has."""
    s = STAGING.c
    query = (
        sa.select(s.target_id, s.breakdown, s.period, sa.func.min(s.source_row), sa.func.max(s.source_row))
        .group_by(s.target_id, s.breakdown, s.period)
        .having(sa.func.count() > 1)
    )
    if where is not None:
        query = query.where(where)
    errors = []
    for target_id, breakdown, period, first, last in connection.execute(query):
        what = f"{target_id} {breakdown} {period}".replace("  ", " ")
        errors.append(problem(Code.REPEATED, last, first=str(first), what=what))
    return errors


def _same_key(o: Any, s: sa.Table, plan: str) -> sa.ColumnElement[bool]:
    from sqlmodel import col

    return sa.and_(
        col(o.plan) == plan,
        col(o.target_id) == s.c.target_id,
        col(o.breakdown) == s.c.breakdown,
        col(o.period) == s.c.period,
    )


def _shape_of(column: str) -> sa.ScalarSelect[str]:
    """The staged row's `column` of its shape (status, basis), for a statement over STAGING."""
    return sa.select(SHAPES.c[column]).where(SHAPES.c.id == STAGING.c.shape).correlate_except(SHAPES).scalar_subquery()


def commit(
    connection: sa.Connection,
    plan: Plan,
    report: Report,
    record: Callable[[], int],
    received: dt.datetime,
    unordered: bool,
) -> list[Problem]:
    """Store the staged rows, counting them in `report` (`record` writes the file's ingestion row
    and gives its id); or return the problems that reject the file: two of its rows have the same
    key, or a figure does not fit the one before it (`held_figures`).

    A repeated key is found in one of two ways. Among keys with a current figure, by looking
    (few keys, in a monthly file: its periods are new). Among the others, both rows would become
    current, which the observation table's unique key index refuses; only then is the whole
    file searched, for the report.
    """
    # The staging path alone queries the store's tables as models: a file of new figures, written
    # by `batch._store_directly`, is taken in without the ORM.
    from sqlmodel import col

    from monitor.store.schema import ObservationRecord

    o, s, h = ObservationRecord, STAGING, SHAPES
    has_current = sa.exists().where(col(o.is_current), _same_key(o, s, plan.info.key))
    overlap = connection.execute(sa.select(sa.func.count()).select_from(s).where(has_current)).scalar_one()
    if overlap and _duplicates(connection, has_current):
        return _duplicates(connection)  # all of them, for the report
    ingestion = record()
    stored = any_stored(connection, plan)  # before the file's figures join them
    if overlap:
        _supersede(connection, report, plan.info.key)
    selected = (
        sa.select(
            s.c.target_id, s.c.breakdown, s.c.period, h.c.period_start, h.c.period_end, h.c.basis, s.c.value,
            h.c.unit, sa.func.coalesce(s.c.reported_value, s.c.value), h.c.reported_unit, h.c.status, s.c.note,
            s.c.source_row, s.c.is_current, sa.literal(ingestion), sa.literal(received), sa.literal(plan.info.key),
        )
        .join_from(s, h, h.c.id == s.c.shape)
        .order_by(s.c.target_id, s.c.breakdown, s.c.period)
    )  # fmt: skip
    columns = [
        "target_id", "breakdown", "period", "period_start", "period_end", "basis", "value", "unit",
        "reported_value", "reported_unit", "status", "note", "source_row", "is_current", "ingestion_id", "received_at",
        "plan",
    ]  # fmt: skip
    try:
        with connection.begin_nested():
            connection.execute(sa.insert(o).from_select(columns, selected))
    except sa.exc.IntegrityError:
        repeats = _duplicates(connection)
        if not repeats:
            raise  # not the file's doing: another writer stored the same key meanwhile
        return repeats
    held = held_figures(connection, plan, ingestion, STAGING, SHAPES, stored=stored, unordered=unordered)
    if held:  # the caller rolls the file back
        return held
    report.new = report.rows - report.unchanged - report.revised - report.kept_as_history
    return []


def _supersede(connection: sa.Connection, report: Report, plan: str) -> None:
    """Settle staged rows whose key has a current figure: unchanged, revising it, or kept as history."""
    from sqlalchemy.orm import aliased
    from sqlmodel import col

    from monitor.store.schema import ObservationRecord

    o, s = ObservationRecord, STAGING
    status, basis = _shape_of("status"), _shape_of("basis")
    # A figure equal to the current one (value, status and basis) is no revision.
    unchanged = sa.exists().where(
        col(o.is_current),
        _same_key(o, s, plan),
        col(o.value) == s.c.value,
        col(o.status) == status,
        col(o.basis) == basis,
    )
    report.unchanged = connection.execute(sa.delete(s).where(unchanged)).rowcount
    # Retire current figures the file revises; an estimate never retires an official figure.
    # Found from the staged rows, so that the cost follows the file, not the table.
    current = aliased(o, name="existing")
    revised = (
        sa.select(col(current.id))
        .join_from(s, current, _same_key(current, s, plan))
        .where(
            col(current.is_current),
            sa.not_(sa.and_(status == FigureStatus.ESTIMATE, col(current.status) == FigureStatus.OFFICIAL)),
        )
    )
    retire = sa.update(o).where(col(o.id).in_(revised)).values(is_current=False)
    report.revised = connection.execute(retire).rowcount
    official_stays = sa.exists().where(col(o.is_current), _same_key(o, s, plan))
    report.kept_as_history = connection.execute(sa.update(s).where(official_stays).values(is_current=False)).rowcount
