"""The daemon's memory of its scheduled jobs: when each last completed."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import col

from monitor.store.database import as_utc, writing
from monitor.store.schema import JobRun


def last_runs(engine: sa.Engine, *, plan: str) -> dict[str, dt.datetime]:
    """Each job's last completed run for the plan, by job id."""
    query = sa.select(col(JobRun.job_id), col(JobRun.last_run_at)).where(col(JobRun.plan) == plan)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return {row.job_id: as_utc(row.last_run_at) for row in rows}


def remember_run(engine: sa.Engine, job_id: str, at: dt.datetime, *, plan: str) -> None:
    """Record that a job of the plan completed at `at`."""
    with writing(engine) as connection:
        done = connection.execute(
            sa.update(JobRun).where(col(JobRun.job_id) == job_id, col(JobRun.plan) == plan).values(last_run_at=at)
        )
        if done.rowcount == 0:
            connection.execute(sa.insert(JobRun).values(job_id=job_id, plan=plan, last_run_at=at))
