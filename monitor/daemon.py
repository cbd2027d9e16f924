"""The daemon: APScheduler 3 running the jobs of monitor.jobs, unattended, for a year.

Schedules are configuration: jobs are built in memory from the settings at start, never stored
by the scheduler. What the daemon must remember, the last completed run of each scheduled job,
is in the project's own table, so a start after downtime runs a missed job once (not once per
missed tick, and not never). The time zone is explicit. A failing job is logged with its cause
and tried again at its next tick. Edited rule files are reloaded; an invalid edit is refused
with the validator's messages (logged, and emailed to the admin contact) and the daemon goes on
with the last good rules. SIGTERM and SIGINT stop it cleanly: the job in progress finishes (the
outbox stops between two messages) and the process exits 0.

With several plans, each plan's jobs (inbox, evaluations, reload) are its own, and run while this
daemon holds the plan (monitor.leadership.Sharing); the outbox is drained by any daemon at work.

This is the only module that imports APScheduler.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import signal
import threading
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor import memory
from monitor.jobs import Jobs
from monitor.leadership import LeadershipUnavailableError, Sharing
from monitor.logs import event
from monitor.plans import stray_message, strays
from monitor.rulewatch import rules_stamp
from monitor.settings import Settings
from monitor.store.database import database_cause
from monitor.store.jobs import last_runs, remember_run
from monitor.store.operations import record_outcome


class ScheduleError(ValueError):
    """A schedule in the settings that cron cannot read."""


def cron_triggers(settings: Settings) -> dict[str, CronTrigger]:
    """The cron jobs' triggers; `ScheduleError` naming the setting if one is wrong."""
    zone = ZoneInfo(settings.timezone)
    triggers = {}
    for job, name in (("evaluate", "evaluate_cron"), ("overdue", "overdue_cron"), ("weekly", "weekly_cron")):
        expression = getattr(settings, name)
        try:
            triggers[job] = CronTrigger.from_crontab(expression, timezone=zone)
        except ValueError as exc:
            raise ScheduleError(f"{name}: {expression!r} is not a crontab schedule ({exc}); e.g. '0 7 * * *'") from exc
    return triggers


def missed(trigger: CronTrigger, last_run: dt.datetime | None, now: dt.datetime) -> bool:
    """Whether a tick of `trigger` fell between the job's last completed run and `now`."""
    if last_run is None:
        return False  # never ran: nothing was missed, the schedule starts now
    following = trigger.get_next_fire_time(None, last_run)
    return following is not None and following <= now


class Daemon:
    """Schedules the jobs (monitor.jobs) while it is the active daemon, until told to stop.

    The jobs run independently, each in its own thread, so a slow one (an SMTP server that does
    not answer) never holds the others back; the store keeps them apart (claims on outbox
    messages, one evaluation run at a time). A daemon that loses its database or its leadership
    stops its jobs and stands by until it can lead again; only a signal ends it.
    """

    def __init__(self, settings: Settings, jobs: Jobs, *more: Jobs) -> None:
        self.settings = settings
        self.jobs = jobs  # the first plan's; its outbox job drains every plan's messages
        self.plans = {j.plan.info.key: j for j in (jobs, *more)}
        self.zone = ZoneInfo(settings.timezone)
        self.stop = threading.Event()  # a signal: the daemon ends
        self._halt = threading.Event()  # the jobs end: a signal, the leadership lost, or the plans shared anew
        for each in self.plans.values():
            each.stopping = self._halt
            each.rules_seen = rules_stamp(each.rule_paths())
        self.triggers = cron_triggers(settings)
        self._scheduler: BackgroundScheduler | None = None
        self._strays_told: set[Path] = set()
        self._cron_work: dict[str, Callable[[Jobs], None]] = {
            "evaluate": self._evaluate, "overdue": self._evaluate, "weekly": self._weekly,
        }  # fmt: skip

    # -- the jobs ---------------------------------------------------------------------------
    def _job(
        self, job_id: str, work: Callable[[], object], *, remember: bool = False, plan: str = ""
    ) -> Callable[[], None]:
        def run() -> None:
            if self._halt.is_set():
                return
            started = time.perf_counter()
            try:
                work()
            except sa.exc.DBAPIError as exc:  # the database went away, or refused: said in one line
                event("job.failed", logging.ERROR, job=job_id, error=database_cause(exc))
                self._outcome(job_id, started, database_cause(exc))
                return
            except Exception as exc:
                event("job.failed", logging.ERROR, job=job_id, exc_info=True)
                self._outcome(job_id, started, f"{type(exc).__name__}: {exc}")
                return
            self._outcome(job_id, started, None)
            if remember:
                self._remember(job_id, plan)
            memory.give_back()  # what the job held, returned: the daemon idles small

        return run

    def _inbox(self, jobs: Jobs) -> None:
        if jobs is self.jobs:
            self._strays()
        if jobs.poll_inbox() or jobs.stale():
            jobs.evaluate(trigger="new-data")  # right after new data
            self._send_soon()

    def _strays(self) -> None:
        """Say once each file that no plan's inbox folder holds (with several plans)."""
        loaded = {key: jobs.plan for key, jobs in self.plans.items()}
        for path in strays(self.settings.effective_inbox(), loaded):
            if path not in self._strays_told:
                self._strays_told.add(path)
                event("file.no-plan", logging.WARNING, problem=stray_message(path, loaded))

    def _evaluate(self, jobs: Jobs) -> None:
        jobs.evaluate(trigger="schedule")
        self._send_soon()

    def _weekly(self, jobs: Jobs) -> None:
        jobs.evaluate(trigger="weekly", repeat_days=0)  # everything still firing, once more
        self._send_soon()

    def _send_soon(self) -> None:
        """Run the outbox job now, in its own thread, rather than in the job that queued."""
        scheduler = self._scheduler
        if scheduler is not None and scheduler.running:
            scheduler.modify_job("outbox", next_run_time=dt.datetime.now(self.zone))

    def _outcome(self, job_id: str, started: float, error: str | None) -> None:
        """Count the run for the operators (`/metrics`); a store that fails here was logged already."""
        with contextlib.suppress(sa.exc.DBAPIError):
            record_outcome(self.jobs.engine, job_id, finished_at=dt.datetime.now(dt.UTC),
                           seconds=time.perf_counter() - started, error=error)  # fmt: skip

    def _remember(self, job_id: str, plan: str) -> None:
        remember_run(self.jobs.engine, job_id, dt.datetime.now(dt.UTC), plan=plan)

    # -- running --------------------------------------------------------------------------
    def run(self) -> int:
        def on_signal(*_: object) -> None:
            self.stop.set()
            self._halt.set()

        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
        memory.openpyxl_without_numpy()  # before the first workbook arrives
        sharing = Sharing(self.jobs.engine, list(self.plans))
        try:
            while self._lead(sharing):
                self._serve(sharing)
        finally:
            sharing.dispose()
        event("daemon.stopped")
        return 0

    def _lead(self, sharing: Sharing) -> bool:
        """Wait until this daemon is the active one for a plan at least; False if stopped first."""
        said = ""
        while not self.stop.is_set():
            try:
                sharing.rebalance()
                if sharing.held:
                    if said:
                        event("daemon.takeover", **self._plans_field(sharing))
                    return True
                why = f"another daemon is active ({sharing.holder or 'unknown'})"
            except LeadershipUnavailableError as exc:
                why = f"the database is unavailable ({exc})"
            if why != said:
                event("daemon.standby", logging.WARNING, reason=why, every=f"{self.settings.standby_seconds}s")
                said = why
            self.stop.wait(self.settings.standby_seconds)
        return False

    def _plans_field(self, sharing: Sharing) -> dict[str, Any]:
        """The plans this daemon runs, for its log lines, when there is more than one to share."""
        return self._named("plans", ",".join(sorted(sharing.held)) or "none")

    def _serve(self, sharing: Sharing) -> None:
        """Run the held plans' jobs until a signal, the leadership lost, or the plans shared anew."""
        self._halt.clear()
        scheduler = self._scheduler = self._new_scheduler(sharing)
        for plan in sorted(sharing.held):
            self._catch_up(self.plans[plan])
        scheduler.start()
        event("daemon.active", jobs=len(scheduler.get_jobs()), timezone=self.settings.timezone,
              **self._plans_field(sharing))  # fmt: skip
        self._halt.wait()
        event("daemon.stopping" if self.stop.is_set() else "daemon.pausing")
        scheduler.shutdown(wait=True)
        self._scheduler = None
        if self.stop.is_set() or not sharing.held:
            sharing.release()

    def _new_scheduler(self, sharing: Sharing) -> BackgroundScheduler:
        s = self.settings
        scheduler = BackgroundScheduler(
            timezone=self.zone,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
        )
        now = dt.datetime.now(self.zone)
        scheduler.add_job(self._job("outbox", self.jobs.drain), IntervalTrigger(seconds=s.outbox_seconds,
                          timezone=self.zone), id="outbox", next_run_time=now)  # fmt: skip
        for plan in sorted(sharing.held):
            jobs, of = self.plans[plan], self._suffix(plan)
            intervals: list[tuple[str, Callable[[], object], int, dt.datetime | None]] = [
                ("inbox", partial(self._inbox, jobs), s.inbox_seconds, now),
                ("reload", jobs.reload_rules, s.reload_seconds, None),
            ]
            for job_id, task, seconds, first in intervals:
                trigger = IntervalTrigger(seconds=seconds, timezone=self.zone)
                scheduler.add_job(
                    self._job(job_id, task), trigger, id=job_id + of, **({"next_run_time": first} if first else {})
                )
            for job_id, cron in self.triggers.items():
                work = self._cron_work[job_id]
                scheduler.add_job(self._job(job_id, partial(work, jobs), remember=True, plan=plan), cron,
                                  id=job_id + of)  # fmt: skip
        if sharing.shared:
            check = IntervalTrigger(seconds=s.standby_seconds, timezone=self.zone)
            scheduler.add_job(self._job("leadership", lambda: self._check(sharing)), check, id="leadership")
        return scheduler

    def _named(self, name: str, value: str) -> dict[str, Any]:
        """A log line's field that names plans, when there is more than one."""
        return {name: value} if len(self.plans) > 1 else {}

    def _suffix(self, plan: str) -> str:
        """What tells one plan's job from another's in the scheduler: nothing with one plan."""
        return f"@{plan}" if len(self.plans) > 1 else ""

    def _check(self, sharing: Sharing) -> None:
        """Share the plans anew (a daemon came or went); stop the jobs to serve what changed."""
        try:
            changed = sharing.rebalance()
        except LeadershipUnavailableError:
            changed, sharing.lost = True, sharing.held
            sharing.release()
        if sharing.lost:  # taken again at once or not, the jobs start anew: another may have led meanwhile
            changed = True
            event("daemon.lost-lock", logging.ERROR, action="stopping the jobs; standing by to lead again",
                  **self._named("lost", ",".join(sorted(sharing.lost))))  # fmt: skip
        if changed:
            if sharing.held and not sharing.lost:
                event("daemon.shared", **self._plans_field(sharing))
            self._halt.set()

    def _catch_up(self, jobs: Jobs) -> None:
        """Run once each cron job of a plan whose tick fell while the daemon was down."""
        plan = jobs.plan.info.key
        try:
            last = last_runs(jobs.engine, plan=plan)
        except sa.exc.DBAPIError as exc:
            event("job.failed", logging.ERROR, job="catch-up", error=database_cause(exc))
            return
        now = dt.datetime.now(self.zone)
        for job_id, trigger in self.triggers.items():
            if missed(trigger, last.get(job_id), now):
                event("job.catch-up", job=job_id, last_run=last[job_id].isoformat(),
                      **self._named("plan", plan))  # fmt: skip
                work = self._cron_work[job_id]
                self._job(job_id, partial(work, jobs), remember=True, plan=plan)()
            elif job_id not in last:
                self._job(job_id, lambda: None, remember=True, plan=plan)()  # the schedule starts from now
