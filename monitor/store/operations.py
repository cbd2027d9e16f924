"""What operators watch, read from the store: the latest run's statuses, alerts by state, the
outbox's backlog, each department's last file, and how the daemon's jobs went (recorded here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import col

from monitor.store.database import as_utc, writing
from monitor.store.schema import Alert, EvaluationRecord, EvaluationRun, Ingestion, JobOutcome, OutboxMessage

ERROR_CHARS = 500


@dataclass(frozen=True)
class LatestRun:
    """The latest completed evaluation run and its series counted by status."""

    run_id: int
    as_of: dt.date
    finished_at: dt.datetime
    statuses: dict[str, int]


@dataclass(frozen=True)
class OutboxBacklog:
    counts: dict[str, int]  # by state: queued, sent, failed
    oldest_queued: dt.datetime | None


@dataclass(frozen=True)
class JobRecord:
    job_id: str
    runs: int
    failures: int
    last_finished_at: dt.datetime
    last_duration_seconds: float
    last_success_at: dt.datetime | None
    last_failure_at: dt.datetime | None
    last_error: str | None


def reachable(engine: sa.Engine) -> None:
    """Raises the driver's error when the store cannot answer a query."""
    with engine.connect() as connection:
        connection.execute(sa.select(1)).scalar_one()


def latest_run(engine: sa.Engine, plan: str) -> LatestRun | None:
    """The latest completed evaluation run of `plan` (its key), with its series counted by status."""
    run = EvaluationRun
    with engine.connect() as connection:
        found = connection.execute(
            sa.select(col(run.id), col(run.as_of), col(run.finished_at))
            .where(col(run.plan) == plan, col(run.finished_at).is_not(None))
            .order_by(col(run.id).desc())
            .limit(1)
        ).first()
        if found is None:
            return None
        record = EvaluationRecord
        counts = connection.execute(
            sa.select(col(record.status), sa.func.count())
            .where(col(record.run_id) == found.id)
            .group_by(col(record.status))
        ).all()
    return LatestRun(found.id, found.as_of, as_utc(found.finished_at), {str(status): int(n) for status, n in counts})


def alert_counts(engine: sa.Engine, plan: str) -> dict[tuple[str, str], int]:
    """The alerts of `plan` (its key) by (kind, state)."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(col(Alert.kind), col(Alert.state), sa.func.count())
            .where(col(Alert.plan) == plan)
            .group_by(col(Alert.kind), col(Alert.state))
        ).all()
    return {(kind, state): n for kind, state, n in rows}


def outbox_backlog(engine: sa.Engine, plan: str) -> OutboxBacklog:
    """The outbox's messages of `plan` (its key) by state, and when the oldest still queued was written."""
    message = OutboxMessage
    mine = col(message.plan) == plan
    with engine.connect() as connection:
        counts = connection.execute(
            sa.select(col(message.state), sa.func.count()).where(mine).group_by(col(message.state))
        ).all()
        oldest = connection.execute(
            sa.select(sa.func.min(col(message.created_at))).where(mine, col(message.state) == "queued")
        ).scalar()
    return OutboxBacklog({str(state): int(n) for state, n in counts}, as_utc(oldest) if oldest is not None else None)


def last_ingestions(engine: sa.Engine, plan: str) -> dict[str, dt.datetime]:
    """When each department's latest file for `plan` (its key) was taken in ("" for files with no
    known sender)."""
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(col(Ingestion.submitter), sa.func.max(col(Ingestion.received_at)))
            .where(col(Ingestion.plan) == plan)
            .group_by(col(Ingestion.submitter))
        ).all()
    return {submitter or "": as_utc(at) for submitter, at in rows}


def record_outcome(
    engine: sa.Engine, job_id: str, *, finished_at: dt.datetime, seconds: float, error: str | None = None
) -> None:
    """Count one run of a job (a failure when `error` says why), with its end and duration."""
    outcome = JobOutcome
    failed = error is not None
    values: dict[str, object] = {
        "last_finished_at": finished_at,
        "last_duration_seconds": seconds,
        "last_failure_at" if failed else "last_success_at": finished_at,
    }
    if failed:
        values["last_error"] = (error or "")[:ERROR_CHARS]
    with writing(engine) as connection:
        done = connection.execute(
            sa.update(outcome)
            .where(col(outcome.job_id) == job_id)
            .values(runs=col(outcome.runs) + 1, failures=col(outcome.failures) + int(failed), **values)
        )
        if done.rowcount == 0:
            connection.execute(sa.insert(outcome).values(job_id=job_id, runs=1, failures=int(failed), **values))


def job_outcomes(engine: sa.Engine) -> list[JobRecord]:
    """How each job last went, by job id."""
    o = JobOutcome
    with engine.connect() as connection:
        rows = connection.execute(sa.select(o).order_by(col(o.job_id))).mappings().all()
    return [
        JobRecord(
            job_id=row["job_id"],
            runs=row["runs"],
            failures=row["failures"],
            last_finished_at=as_utc(row["last_finished_at"]),
            last_duration_seconds=row["last_duration_seconds"],
            last_success_at=as_utc(row["last_success_at"]) if row["last_success_at"] else None,
            last_failure_at=as_utc(row["last_failure_at"]) if row["last_failure_at"] else None,
            last_error=row["last_error"],
        )
        for row in rows
    ]
