"""The daemon's work, one step at a time: poll the inbox, evaluate, drain the outbox.

The daemon schedules these; `run --once`, the demo and the tests call them directly, so every
path does the same work.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field

import sqlalchemy as sa

from monitor.alerts import RunResult
from monitor.database import as_utc
from monitor.ingest.batch import Outcome
from monitor.ingest.inbox import process_inbox
from monitor.lifecycle import AlertState
from monitor.logs import event
from monitor.outbox import DrainReport, drain, mail_context, notifier_from
from monitor.runs import run_evaluation
from monitor.settings import Settings
from monitor.tables import EVALUATION_RUN, INGESTION
from rules import Plan


@dataclass
class Cycle:
    """The operations of the daemon over one database, with the plan currently in force."""

    engine: sa.Engine
    settings: Settings
    plan: Plan
    stopping: threading.Event = field(default_factory=threading.Event)

    def poll_inbox(self) -> int:
        """Ingest what waits in the inbox; the number of files stored."""
        stored = 0
        for report in process_inbox(self.engine, self.plan, self.settings.effective_inbox()):
            if report.outcome == Outcome.REJECTED:
                problems = len(report.errors) + report.more_errors
                first = report.errors[0] if report.errors else ""
                event("file.rejected", logging.WARNING, file=report.file, problems=problems, first=first)
            elif report.outcome == Outcome.ALREADY_INGESTED:
                event("file.duplicate", file=report.file)
            else:
                stored += 1
                event("file.ingested", file=report.file, rows=report.rows, new=report.new, revised=report.revised)
        return stored

    def stale(self) -> bool:
        """Whether figures arrived after the last evaluation (a daemon killed between the two
        leaves exactly this: the next one evaluates them, so no new data goes unjudged)."""
        with self.engine.connect() as connection:
            arrived = connection.execute(sa.select(sa.func.max(INGESTION.c.received_at))).scalar()
            judged = connection.execute(sa.select(sa.func.max(EVALUATION_RUN.c.started_at))).scalar()
        if arrived is None:
            return False
        return judged is None or as_utc(arrived) > as_utc(judged)

    def evaluate(self, as_of: dt.date | None = None, *, trigger: str, repeat_days: int | None = None) -> RunResult:
        """Evaluate the plan, record the run, and put the emails owed in the outbox."""
        day = as_of or self.settings.today()
        repeat = dt.timedelta(days=self.settings.repeat_days if repeat_days is None else repeat_days)
        result = run_evaluation(
            self.engine, self.plan, day, trigger=trigger, repeat_every=repeat, mail=mail_context(self.settings)
        )
        firing = sum(1 for s in result.alert_states.values() if s == AlertState.FIRING)
        event("evaluation.run", run=result.run_id, as_of=day, trigger=trigger, series=len(result.evaluations),
              firing=firing, transitions=len(result.transitions), messages=len(result.queued))  # fmt: skip
        for target_id, breakdown, kind, before, after, reason in result.transitions:
            event("alert.transition", target=target_id, breakdown=breakdown, kind=kind.value,
                  before=before.value, after=after.value, reason=reason)  # fmt: skip
        return result

    def drain(self) -> DrainReport:
        """Deliver the emails due; stops between two messages when the daemon is stopping."""
        report = drain(self.engine, notifier_from(self.settings), self.settings.mail_from, stop=self.stopping.is_set)
        for message_id in report.sent:
            event("email.sent", message_id=message_id)
        for message_id, error in report.retrying:
            event("email.retry", logging.WARNING, message_id=message_id, error=error)
        for message_id, error in report.failed:
            event("email.failed", logging.ERROR, message_id=message_id, error=error)
        return report

    def once(self, as_of: dt.date | None = None) -> RunResult:
        """One full cycle: the inbox, an evaluation, the outbox."""
        self.poll_inbox()
        result = self.evaluate(as_of, trigger="once")
        self.drain()
        return result
