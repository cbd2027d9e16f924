"""Running an evaluation: on the real store, or replayed on a scratch one that sends nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from monitor.alerts import RunResult, record_run
from monitor.database import upgrade
from monitor.digests import MailContext
from monitor.observations import figures
from monitor.series import evaluate_plan, observations
from rules import Plan


def run_evaluation(
    engine: sa.Engine,
    plan: Plan,
    as_of: dt.date,
    *,
    trigger: str,
    repeat_every: dt.timedelta,
    mail: MailContext | None = None,
    now: dt.datetime | None = None,
) -> RunResult:
    """Evaluate the plan on the stored figures as of `as_of`, and record the run and its alerts;
    with `mail`, the messages owed are rendered into the outbox in the same transaction.
    `now` is the moment the run is recorded at (default: the clock's)."""
    known = observations(figures(engine))
    evaluations = evaluate_plan(plan, known, as_of)
    return record_run(
        engine, plan, evaluations, as_of, trigger=trigger, repeat_every=repeat_every, now=now, known=known, mail=mail
    )


def scratch_store() -> sa.Engine:
    """An empty, migrated database in memory: for replays that must change nothing real."""
    engine = sa.create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    upgrade(engine)
    return engine


def replay(engine: sa.Engine, plan: Plan, dates: list[dt.date], *, repeat_every: dt.timedelta) -> Iterator[RunResult]:
    """Runs as of each date on the stored figures, with alert states kept in a scratch store.

    The same code path as a real run; the real store is only read.
    """
    known = observations(figures(engine))
    scratch = scratch_store()
    for day in dates:
        yield record_run(
            scratch, plan, evaluate_plan(plan, known, day), day, trigger="backtest", repeat_every=repeat_every
        )


def steps(start: dt.date, end: dt.date, step: str) -> list[dt.date]:
    """Dates from `start` to `end`: every day, week, or month end (the last day of each month)."""
    if step == "day":
        return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    if step == "week":
        return [start + dt.timedelta(weeks=n) for n in range((end - start).days // 7 + 1)]
    dates = []
    year, month = start.year, start.month
    while True:
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        last = following - dt.timedelta(days=1)
        if last > end:
            break
        if last >= start:
            dates.append(last)
        year, month = following.year, following.month
    return dates
