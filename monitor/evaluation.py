"""Running an evaluation of the plan on the store: judge every series, record the run, queue the
digests; or replay the year on a scratch store that sends nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from monitor.mail.compose import MailContext
from monitor.mail.queue import draw_charts, plan_mail, queue_digests
from monitor.mail.reminders import queue_reminders
from monitor.recording import RunResult, draft_run, record_run
from monitor.store.database import upgrade
from monitor.store.figures import observations
from rules import Evaluation, Plan, evaluate_plan, month_ends


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
    with `mail`, the messages owed are rendered into the outbox in the same transaction, their
    charts drawn before it."""
    now = now or dt.datetime.now(dt.UTC)
    known = observations(engine, plan=plan.info.key)
    evaluations = evaluate_plan(plan, known, as_of)
    owed, draft = None, None
    if mail is not None:
        # Decided once, before the write transaction: the run's alerts and the digests it owes,
        # whose charts are drawn now; the transaction takes them unless the store changed meanwhile.
        draft = draft_run(engine, plan, evaluations, as_of, repeat_every=repeat_every, now=now)
        planned = plan_mail(engine, plan, known, draft.result, mail) if draft.result.queued else None
        owed = queue_digests(plan, known, mail, now, draw_charts(planned), planned)
    result = record_run(
        engine, plan, evaluations, as_of, trigger=trigger, repeat_every=repeat_every, now=now, on_owed=owed,
        draft=draft,
    )  # fmt: skip
    if mail is not None and mail.remind_days:
        # After the run, in a transaction of their own: a reminder lost to a crash here is queued by
        # the next run, and one already queued is never queued again.
        return replace(result, reminders=queue_reminders(engine, plan, known, as_of, mail, now))
    return result


def evaluate_stored(engine: sa.Engine, plan: Plan, as_of: dt.date) -> list[Evaluation]:
    """Evaluate the plan on the figures currently stored; records nothing."""
    return evaluate_plan(plan, observations(engine, plan=plan.info.key), as_of)


def scratch_store() -> sa.Engine:
    """An empty, migrated database in memory: for replays that must change nothing real."""
    engine = sa.create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    upgrade(engine)
    return engine


def replay(engine: sa.Engine, plan: Plan, dates: list[dt.date], *, repeat_every: dt.timedelta) -> Iterator[RunResult]:
    """Runs as of each date on the stored figures, with alert states kept in a scratch store.

    The same code path as a real run; the real store is only read.
    """
    known = observations(engine, plan=plan.info.key)
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
    return month_ends(start, end)
