"""Taking in one data file, all or nothing, inside one transaction.

Rows are checked as they stream in (a big file in a worker process, see `checking`). A file of new
keys (the usual case: a month's figures) is written straight into the observation table (`direct`).
When the table's unique key index refuses a row (its key has a current figure, or another row's),
that attempt is rolled back and the rows go into a temporary staging table instead (`staging`),
which settles the figures the file revises and finds the keys it repeats. Anything wrong rolls the
transaction back: nothing changes. A process killed at any point leaves the whole file stored or
none of it; the file's hash makes a second run a no-op.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from pathlib import Path

import sqlalchemy as sa

from monitor.ingest import staging
from monitor.ingest.checking import checked_chunks
from monitor.ingest.direct import KeyTaken, observation_writer
from monitor.ingest.limits import DEFAULTS, Limits, shown_size
from monitor.ingest.plausible import any_stored
from monitor.ingest.problems import Code, Problem, file_problem, problem
from monitor.ingest.readers import FileError, Note, file_format
from monitor.ingest.rows import Shape
from monitor.ingest.shown import and_more, cause
from monitor.store.database import connect_writer, is_database_failure
from monitor.store.ingestions import already_ingested, count_rows, record_ingestion
from rules import Plan

MAX_LISTED_ERRORS = 100  # problems listed in a report; the rest are counted


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


def readable_name(name: str) -> bool:
    """Whether a name is text: a name of bytes that are not UTF-8 holds surrogates here."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


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
    if not readable_name(path.name):  # it could not be recorded
        return Report(path, Outcome.REJECTED, problems=[problem(Code.INBOX_FILE_NAME)])
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
    stage = staging.stager(connection)
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
    staging.index(connection, shapes)
    return report, unordered


def _reject(report: Report, errors: list[Problem]) -> None:
    report.outcome = Outcome.REJECTED
    errors.sort(key=lambda e: e.row)
    report.problems = errors[:MAX_LISTED_ERRORS]
    report.more_errors += max(0, len(errors) - MAX_LISTED_ERRORS)


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
    """Store the staged rows (`staging.commit`), recording the file's ingestion; reject the file
    for the rows it repeats or the figures it holds."""
    record = partial(_record_ingestion, connection, report, plan.info.key, sha256, kind, submitter, received)
    problems = staging.commit(connection, plan, report, record, received, unordered)
    if problems:
        _reject(report, problems)
