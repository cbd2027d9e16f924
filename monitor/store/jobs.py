"""The daemon's memory of its scheduled jobs: when each last completed."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import col

from monitor.store.database import as_utc, writing
from monitor.store.schema import JobRun


def last_runs(engine: sa.Engine) -> dict[str, dt.datetime]:
    """Each job's last completed run, by job id."""
    with engine.connect() as connection:
        rows = connection.execute(sa.select(col(JobRun.job_id), col(JobRun.last_run_at))).all()
    return {row.job_id: as_utc(row.last_run_at) for row in rows}


def remember_run(engine: sa.Engine, job_id: str, at: dt.datetime) -> None:
    """Record that a job completed at `at`."""
    with writing(engine) as connection:
        done = connection.execute(sa.update(JobRun).where(col(JobRun.job_id) == job_id).values(last_run_at=at))
        if done.rowcount == 0:
            connection.execute(sa.insert(JobRun).values(job_id=job_id, last_run_at=at))
