"""The daemon's work, one job at a time: poll the inbox, evaluate, drain the outbox, reload the
rule files.

The daemon schedules these; `run --once`, the demo and the tests call them directly, so every
path does the same work.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from monitor.evaluation import run_evaluation
from monitor.ingest.arrivals import Looks
from monitor.ingest.batch import Outcome, Report, file_hash
from monitor.ingest.inbox import process_inbox, wait_to_settle
from monitor.lifecycle import AlertState
from monitor.logs import event
from monitor.mail.queue import queue_notice
from monitor.mail.sending import DrainReport, drain, mail_context, notifier_from
from monitor.recording import RunResult
from monitor.rulewatch import RulesStamp, rules_stamp, take_up
from monitor.settings import Settings
from monitor.store.alerts import last_run_started
from monitor.store.database import is_database_failure
from monitor.store.figures import last_arrival
from monitor.submitting import Channel, answer
from rules import Plan


@dataclass
class Jobs:
    """The daemon's jobs for one plan over one database, with the plan's rules currently in force.

    `folder` is the plan's folder and `inbox` its inbox folder, when several plans are loaded
    (monitor.plans); with one, the configured targets and inbox."""

    engine: sa.Engine
    settings: Settings
    plan: Plan
    folder: Path | None = None
    inbox: Path | None = None
    stopping: threading.Event = field(default_factory=threading.Event)
    rules_seen: RulesStamp = ()
    inbox_looks: Looks = field(default_factory=Looks)  # the inbox as seen at earlier polls

    def poll_inbox(self, now: dt.datetime | None = None) -> int:
        """Ingest the complete files waiting in the inbox; the number of files stored."""
        stored = 0
        inbox, settle = self.plan_inbox(), self.settings.inbox_settle_seconds
        reports = process_inbox(
            self.engine, self.plan, inbox, now=now or dt.datetime.now(dt.UTC), settle=settle, looks=self.inbox_looks,
            limits=self.settings.file_limits(),
        )  # fmt: skip
        for report in reports:
            if report.outcome == Outcome.REJECTED:
                problems = len(report.errors) + report.more_errors
                first = report.errors[0] if report.errors else ""
                event("file.rejected", logging.WARNING, file=report.file, problems=problems, first=first)
            elif report.outcome == Outcome.ALREADY_INGESTED:
                event("file.duplicate", file=report.file)
            else:
                stored += 1
                # How it was read, when not plainly: the encoding assumed, the header below a title.
                read = {"read": "; ".join(report.notes)} if report.notes else {}
                event("file.ingested", file=report.file, rows=report.rows, new=report.new, revised=report.revised,
                      **read)  # type: ignore[arg-type]  # fmt: skip
            self._answer(report)
            if report.move_problem:
                event("file.not-moved", logging.ERROR, file=report.file, problem=report.move_problem,
                      moved_to=report.moved_to or "")  # fmt: skip
        return stored

    def _answer(self, report: Report) -> None:
        """Record a department's inbox file and answer it by email (a file of no department's folder
        has no one to answer)."""
        inbox = self.plan_inbox()
        try:
            folder = report.file.relative_to(inbox).parts[0]
        except (ValueError, IndexError):
            return
        if folder not in self.plan.departments or report.file.parent != inbox / folder:
            return
        moved = report.moved_to if report.outcome != Outcome.REJECTED else None
        sha256 = file_hash(moved) if moved is not None and moved.is_file() else None
        try:
            answer(self.engine, self.plan, self.settings, report, department_id=folder, channel=Channel.INBOX,
                   file_name=report.file.name, now=dt.datetime.now(dt.UTC), sha256=sha256)  # fmt: skip
        except Exception as exc:  # the file is in already: a reply that cannot be made holds up nothing
            if is_database_failure(exc):
                raise
            event("reply.failed", logging.ERROR, file=report.file, error=f"{type(exc).__name__}: {exc}")

    def plan_inbox(self) -> Path:
        """Where this plan's files arrive."""
        return self.inbox or self.settings.effective_inbox()

    def rule_paths(self) -> list[Path]:
        """Where this plan's rule files are."""
        return [self.folder] if self.folder else list(self.settings.targets)

    def stale(self) -> bool:
        """Whether figures arrived after the last evaluation (a daemon killed between the two
        leaves exactly this: the next one evaluates them, so no new data goes unjudged)."""
        arrived = last_arrival(self.engine, plan=self.plan.info.key)
        if arrived is None:
            return False
        judged = last_run_started(self.engine, plan=self.plan.info.key)
        return judged is None or arrived > judged

    def evaluate(self, as_of: dt.date | None = None, *, trigger: str, repeat_days: int | None = None) -> RunResult:
        """Evaluate the plan, record the run, and put the emails owed in the outbox."""
        day = as_of or self.settings.today()
        repeat = dt.timedelta(days=self.settings.repeat_days if repeat_days is None else repeat_days)
        result = run_evaluation(
            self.engine, self.plan, day, trigger=trigger, repeat_every=repeat, mail=mail_context(self.settings)
        )
        firing = sum(1 for s in result.alert_states.values() if s == AlertState.FIRING)
        event("evaluation.run", run=result.run_id, as_of=day, trigger=trigger, series=len(result.evaluations),
              firing=firing, transitions=len(result.transitions), messages=len(result.queued),
              reminders=result.reminders)  # fmt: skip
        for change in result.transitions:
            event("alert.transition", target=change.target_id, breakdown=change.breakdown, kind=change.kind.value,
                  before=change.before.value, after=change.after.value, reason=change.reason)  # fmt: skip
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
        """One full cycle: the inbox (looked at twice, the settle time apart), an evaluation, the outbox."""
        inbox, settle = self.plan_inbox(), self.settings.inbox_settle_seconds
        self.poll_inbox(wait_to_settle(inbox, self.inbox_looks, settle, now=dt.datetime.now(dt.UTC)))
        result = self.evaluate(as_of, trigger="once")
        self.drain()
        return result

    def reload_rules(self) -> None:
        """Take up edited rule files; an invalid edit is refused (logged, and emailed to the plan's
        admin) and the last good rules stay in force."""
        stamp = rules_stamp(self.rule_paths())
        if stamp == self.rules_seen:
            return
        self.rules_seen = stamp
        self.plan, problems = take_up(self.rule_paths(), self.settings.data_dir / "cache", self.plan)
        if problems is not None:
            queue_notice(
                self.engine, self.plan, mail_context(self.settings),
                subject=f"[{self.plan.info.province}] Tệp chỉ tiêu vừa sửa không hợp lệ: hệ thống giữ bộ chỉ tiêu cũ",
                lines=["Các lỗi trong tệp chỉ tiêu (plan-monitor validate):", *(str(p) for p in problems.problems)],
                now=dt.datetime.now(dt.UTC),
            )  # fmt: skip
