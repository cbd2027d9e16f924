"""Taking in one data file, all or nothing, inside one transaction.

Rows are checked as they stream in (a big file in a worker process, see `checking`). A file of new
keys (the usual case: a month's figures) is written straight into the observation table (`direct`).
When the table's unique key index refuses a row (its key has a current figure, or another row's),
that attempt is rolled back and the rows go into a temporary staging table, where repeats within
the file are found and set-based statements retire the figures the file revises and insert the new
ones. Anything wrong rolls the transaction back: nothing changes. A process killed at any point
leaves the whole file stored or none of it; the file's hash makes a second run a no-op.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from monitor.ingest.checking import checked_chunks
from monitor.ingest.direct import KeyTaken, observation_writer
from monitor.ingest.limits import DEFAULTS, Limits, shown_size
from monitor.ingest.plausible import any_stored, held_figures
from monitor.ingest.problems import Code, Problem, file_problem, problem
from monitor.ingest.readers import FileError, Note, file_format
from monitor.ingest.rows import STAGED_FIELDS, Shape, Staged
from monitor.ingest.shown import and_more, cause
from monitor.store.database import connect_writer, is_database_failure
from monitor.store.ingestions import already_ingested, count_rows, record_ingestion
from rules import FigureStatus, Plan

MAX_LISTED_ERRORS = 100  # problems listed in a report; the rest are counted
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


class Outcome(StrEnum):
    INGESTED = "ingested"
    ALREADY_INGESTED = "already ingested"
    REJECTED = "rejected"


@dataclass
class Report:
    """What happened to one file."""

    file: Path
    outcome: Outcome
    rows: int = 0
    new: int = 0
    revised: int = 0
    unchanged: int = 0
    kept_as_history: int = 0  # estimates that arrived after an official figure
    problems: list[Problem] = field(default_factory=list)
    more_errors: int = 0
    moved_to: Path | None = None  # where the inbox moved the file
    move_problem: str | None = None  # why the inbox could not move it where it belongs
    notes: list[Note] = field(default_factory=list)  # how the file was read: its encoding, its layout

    @property
    def errors(self) -> list[str]:
        """The problems, in English (the operator's)."""
        return [str(p) for p in self.problems]

    def summary(self) -> str:
        if self.outcome == Outcome.ALREADY_INGESTED:
            return f"{self.file}: already ingested; nothing changed"
        read = f"; {'; '.join(self.notes)}" if self.notes else ""
        if self.outcome == Outcome.REJECTED:
            count = len(self.errors) + self.more_errors
            return f"{self.file}: rejected, nothing stored ({count} problem{'s' if count != 1 else ''}{read})"
        parts = [f"{self.new} new", f"{self.revised} revised", f"{self.unchanged} unchanged"]
        if self.kept_as_history:
            parts.append(f"{self.kept_as_history} estimates kept as history (an official figure is current)")
        return f"{self.file}: ingested {self.rows} rows: {', '.join(parts)}{read}"

    def details(self) -> list[str]:
        lines = [f"{self.file}: {e}" for e in self.errors]
        if self.more_errors:
            lines.append(f"{self.file}: {and_more(self.more_errors, 'problems')}")
        return lines


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def ingest_file(
    engine: sa.Engine,
    plan: Plan,
    path: Path,
    *,
    submitter: str | None = None,
    writer: str | None = None,
    now: dt.datetime | None = None,
    limits: Limits = DEFAULTS,
) -> Report:
    """Check and store every row of `path`, or none of them; a file beyond `limits` is refused, and
    so is a file holding a row of a series the department `writer` may not write (`monitor.rights`:
    the inbox and the portal name the sender; the operator's command line names none).

    Whatever goes wrong with the file is a rejection with its reason, on one line: an unforeseen
    exception while reading, checking or storing it too. Only the database's own failures (it
    cannot be reached, or another writer got in first) are raised: they are not the file's doing.
    """
    try:
        kind = file_format(path)
        too_big = limits.size_problem(path)
        if too_big:
            size, most = shown_size(path.stat().st_size), shown_size(limits.file_bytes)
            return Report(path, Outcome.REJECTED, problems=[problem(Code.FILE_TOO_BIG, size=size, most=most)])
        sha256 = file_hash(path)
    except (FileError, OSError) as exc:
        return Report(path, Outcome.REJECTED, problems=[file_problem(exc, path)])
    try:
        return _ingest(engine, plan, path, sha256, kind, submitter, writer, now, limits)
    except Exception as exc:
        if is_database_failure(exc):
            raise
        return Report(path, Outcome.REJECTED, problems=[problem(Code.FILE_FAILED, reason=cause(exc))])


def _ingest(
    engine: sa.Engine,
    plan: Plan,
    path: Path,
    sha256: str,
    kind: str,
    submitter: str | None,
    writer: str | None,
    now: dt.datetime | None,
    limits: Limits,
) -> Report:
    received = now or dt.datetime.now(dt.UTC)
    with connect_writer(engine) as connection:
        with connection.begin() as transaction:
            if connection.dialect.name == "postgresql":  # the same file sent twice at once: one waits
                connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": int(sha256[:15], 16)})
            if already_ingested(connection, plan.info.key, sha256):
                return Report(path, Outcome.ALREADY_INGESTED)
            reading = (plan, path, limits, writer, _number_format(plan, submitter))
            found = _store_directly(connection, reading, sha256, kind, submitter, received)
            if found is not None:
                report = found
            else:  # a key taken, or figures to compare with: settled through the staging table
                report, unordered = _load(connection, *reading)
                if report.outcome != Outcome.REJECTED:
                    _commit(connection, plan, report, sha256, kind, submitter, received, unordered)
            if report.outcome == Outcome.REJECTED:
                transaction.rollback()
        connection.invalidate()  # ends the session: its temporary table goes with it, at once
    return report


def _number_format(plan: Plan, submitter: str | None) -> str:
    """The number format the sending department declared, if any."""
    department = plan.departments.get(submitter) if submitter else None
    return department.number_format.value if department and department.number_format else ""


def _store_directly(
    connection: sa.Connection,
    reading: tuple[Plan, Path, Limits, str | None, str],
    sha256: str,
    kind: str,
    submitter: str | None,
    received: dt.datetime,
) -> Report | None:
    """Check the rows, writing them straight to the observation table; None when it refuses a key,
    or when a figure may have to be compared with one stored before (`held_figures` needs the
    staging table), or with one of the file's own met out of order."""
    report = Report(reading[1], Outcome.INGESTED)
    if any_stored(connection, reading[0]):
        return None
    attempt = connection.begin_nested()
    ingestion = _record_ingestion(connection, report, reading[0].info.key, sha256, kind, submitter, received)
    write = observation_writer(connection, ingestion, received, reading[0].info.key)
    shapes: list[Shape] = []
    errors: list[Problem] = []
    chunks = checked_chunks(*reading)
    try:
        for chunk in chunks:
            if chunk.unordered:  # its figures are compared in SQL, after the staging table's copy
                attempt.rollback()
                return None
            report.rows += chunk.rows
            errors += chunk.errors
            report.more_errors += chunk.more_errors
            shapes += chunk.shapes
            report.notes += chunk.notes
            if chunk.staged and not errors:
                write(chunk.staged, shapes)
    except KeyTaken:
        attempt.rollback()
        return None
    except FileError as exc:
        report.outcome = Outcome.REJECTED
        report.problems = [file_problem(exc, reading[1])]
    finally:
        chunks.close()
    if report.outcome == Outcome.REJECTED or _rejected(report, errors):
        attempt.rollback()
        return report
    count_rows(connection, ingestion, report.rows)
    attempt.commit()
    report.new = report.rows
    return report


def _rejected(report: Report, errors: list[Problem]) -> bool:
    """Whether the file is rejected for its rows (none, or bad ones), saying why."""
    if report.rows == 0 and not errors:
        report.outcome = Outcome.REJECTED
        report.problems = [problem(Code.NO_ROWS)]
    elif errors:
        _reject(report, errors)
    return report.outcome == Outcome.REJECTED


def _record_ingestion(
    connection: sa.Connection,
    report: Report,
    plan: str,
    sha256: str,
    kind: str,
    submitter: str | None,
    received: dt.datetime,
) -> int:
    return record_ingestion(
        connection, plan=plan, sha256=sha256, file_name=report.file.name, kind=kind, rows=report.rows,
        submitter=submitter, received=received,
    )  # fmt: skip


def _load(
    connection: sa.Connection, plan: Plan, path: Path, limits: Limits, writer: str | None, number_format: str
) -> tuple[Report, bool]:
    report = Report(path, Outcome.INGESTED)
    _staging_metadata.drop_all(connection)
    _staging_metadata.create_all(connection)
    stage = _stager(connection)
    shapes: list[Shape] = []
    errors: list[Problem] = []
    unordered = False  # whether the checker met a series out of the order of its periods
    try:
        for chunk in checked_chunks(plan, path, limits, writer, number_format):
            report.rows += chunk.rows
            unordered |= chunk.unordered
            errors += chunk.errors
            report.more_errors += chunk.more_errors
            shapes += chunk.shapes
            report.notes += chunk.notes
            if chunk.staged and not errors:
                stage(chunk.staged)
    except FileError as exc:
        report.outcome = Outcome.REJECTED
        report.problems = [file_problem(exc, path)]
        return report, False
    if _rejected(report, errors):
        return report, False
    connection.execute(sa.insert(SHAPES), [{"id": n, **shape._asdict()} for n, shape in enumerate(shapes)])
    # In key order, with every column the copy reads: the copy scans the index alone, and
    # inserts into the observation table's own key index at its end.
    indexed = ", ".join([*STAGED_FIELDS, "is_current"])
    connection.exec_driver_sql(f"CREATE INDEX pm_staging_key ON pm_staging ({indexed})")
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("ANALYZE pm_staging")  # a temporary table has no statistics otherwise
    return report, unordered


def _reject(report: Report, errors: list[Problem]) -> None:
    report.outcome = Outcome.REJECTED
    errors.sort(key=lambda e: e.row)
    report.problems = errors[:MAX_LISTED_ERRORS]
    report.more_errors += max(0, len(errors) - MAX_LISTED_ERRORS)


def _stager(connection: sa.Connection) -> Callable[[list[Staged]], object]:
    """What writes a chunk of checked rows to the staging table: COPY on PostgreSQL, an
    `executemany` of plain tuples on SQLite (each the quickest way its driver has)."""
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


def _commit(
    connection: sa.Connection,
    plan: Plan,
    report: Report,
    sha256: str,
    kind: str,
    submitter: str | None,
    received: dt.datetime,
    unordered: bool,
) -> None:
    """Store the staged rows; reject the file if two of its rows have the same key, or a figure
    does not fit the one before it (`held_figures`).

    A repeated key is found in one of two ways. Among keys with a current figure, by looking
    (few keys, in a monthly file: its periods are new). Among the others, both rows would become
    current, which the observation table's unique key index refuses; only then is the whole
    file searched, for the report.
    """
    # The staging path alone queries the store's tables as models: a file of new figures, written
    # by `_store_directly`, is taken in without the ORM.
    from sqlmodel import col

    from monitor.store.schema import ObservationRecord

    o, s, h = ObservationRecord, STAGING, SHAPES
    has_current = sa.exists().where(col(o.is_current), _same_key(o, s, plan.info.key))
    overlap = connection.execute(sa.select(sa.func.count()).select_from(s).where(has_current)).scalar_one()
    if overlap and _duplicates(connection, has_current):
        _reject(report, _duplicates(connection))  # all of them, for the report
        return
    ingestion = _record_ingestion(connection, report, plan.info.key, sha256, kind, submitter, received)
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
        _reject(report, repeats)
        return
    held = held_figures(connection, plan, ingestion, STAGING, SHAPES, stored=stored, unordered=unordered)
    if held:  # the caller rolls the file back
        _reject(report, held)
        return
    report.new = report.rows - report.unchanged - report.revised - report.kept_as_history


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
