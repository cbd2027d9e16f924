"""The daemon: APScheduler 3 running the cycle's jobs, unattended, for a year.

Schedules are configuration: jobs are built in memory from the settings at start, never stored
by the scheduler. What the daemon must remember, the last completed run of each scheduled job,
is in the project's own table, so a start after downtime runs a missed job once (not once per
missed tick, and not never). The time zone is explicit. A failing job is logged with its cause
and tried again at its next tick. Edited rule files are reloaded; an invalid edit is refused
with the validator's messages (logged, and emailed to the admin contact) and the daemon goes on
with the last good rules. SIGTERM and SIGINT stop it cleanly: the job in progress finishes (the
outbox stops between two messages) and the process exits 0.

This is the only module that imports APScheduler.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import signal
import threading
from collections.abc import Callable
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor.cycle import Cycle
from monitor.database import as_utc
from monitor.leadership import Leadership
from monitor.logs import event
from monitor.settings import Settings
from monitor.tables import JOB_RUN, OUTBOX
from notifiers.render import render_notice
from rules import RuleSetError, load_plan
from rules.loader import rule_files


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
    def __init__(self, settings: Settings, cycle: Cycle) -> None:
        self.settings = settings
        self.cycle = cycle
        self.zone = ZoneInfo(settings.timezone)
        self.stop = threading.Event()
        self.cycle.stopping = self.stop
        self.triggers = cron_triggers(settings)
        self._rules_seen = self._rules_stamp()
        self._lock = threading.Lock()  # one job touches the database at a time
        self._cron_work: dict[str, Callable[[], None]] = {
            "evaluate": self._evaluate, "overdue": self._evaluate, "weekly": self._weekly,
        }  # fmt: skip

    # -- the jobs ---------------------------------------------------------------------------
    def _job(self, job_id: str, work: Callable[[], object], *, remember: bool = False) -> Callable[[], None]:
        def run() -> None:
            with self._lock:
                if self.stop.is_set():
                    return
                try:
                    work()
                except Exception:
                    event("job.failed", logging.ERROR, job=job_id, exc_info=True)
                    return
                if remember:
                    self._remember(job_id)

        return run

    def _inbox(self) -> None:
        if self.cycle.poll_inbox() or self.cycle.stale():
            self.cycle.evaluate(trigger="new-data")  # right after new data
            self.cycle.drain()

    def _evaluate(self) -> None:
        self.cycle.evaluate(trigger="schedule")
        self.cycle.drain()

    def _weekly(self) -> None:
        self.cycle.evaluate(trigger="weekly", repeat_days=0)  # everything still firing, once more
        self.cycle.drain()

    def _reload(self) -> None:
        stamp = self._rules_stamp()
        if stamp == self._rules_seen:
            return
        self._rules_seen = stamp
        try:
            plan = load_plan([self.settings.targets])
        except RuleSetError as problems:
            for problem in problems.problems:
                event("rules.invalid", logging.ERROR, problem=str(problem))
            event("rules.kept", logging.ERROR, targets=len(self.cycle.plan.targets), reason="the edit is invalid")
            self._tell_admin([str(p) for p in problems.problems])
            return
        self.cycle.plan = plan
        event("rules.reloaded", targets=len(plan.targets), files=len(plan.files))

    def _rules_stamp(self) -> tuple[tuple[str, int, int], ...]:
        files, _ = rule_files([self.settings.targets])
        stamps = []
        for path in files:
            try:
                info = path.stat()
            except OSError:
                continue
            stamps.append((str(path), info.st_mtime_ns, info.st_size))
        return tuple(stamps)

    def _tell_admin(self, problems: list[str]) -> None:
        """Email the operator the validator's messages, once per distinct invalid state."""
        plan = self.cycle.plan
        admin = plan.departments[plan.info.admin]
        digest = hashlib.sha256("\n".join(problems).encode()).hexdigest()[:16]
        domain = self.settings.mail_from.rpartition("@")[2]
        message_id = f"<rules.{digest}@{domain}>"
        now = dt.datetime.now(dt.UTC)
        message = render_notice(
            subject=f"[{plan.info.province}] Tệp chỉ tiêu vừa sửa không hợp lệ: hệ thống giữ bộ chỉ tiêu cũ",
            lines=["Các lỗi trong tệp chỉ tiêu (plan-monitor validate):", *problems],
            name=admin.name, address=admin.email, sender=self.settings.mail_from, message_id=message_id, at=now,
        )  # fmt: skip
        with self.cycle.engine.begin() as connection:
            exists = connection.execute(sa.select(OUTBOX.c.id).where(OUTBOX.c.message_id == message_id)).first()
            if not exists:
                connection.execute(sa.insert(OUTBOX).values(
                    message_id=message_id, recipient=admin.id, address=admin.email, subject=str(message["Subject"]),
                    message=message.as_bytes(), state="queued", attempts=0, next_attempt_at=now, created_at=now,
                ))  # fmt: skip

    # -- memory of the cron jobs --------------------------------------------------------------
    def _last_runs(self) -> dict[str, dt.datetime]:
        with self.cycle.engine.connect() as connection:
            rows = connection.execute(sa.select(JOB_RUN.c.job_id, JOB_RUN.c.last_run_at)).all()
        return {row.job_id: as_utc(row.last_run_at) for row in rows}

    def _remember(self, job_id: str) -> None:
        now = dt.datetime.now(dt.UTC)
        with self.cycle.engine.begin() as connection:
            done = connection.execute(sa.update(JOB_RUN).where(JOB_RUN.c.job_id == job_id).values(last_run_at=now))
            if done.rowcount == 0:
                connection.execute(sa.insert(JOB_RUN).values(job_id=job_id, last_run_at=now))

    # -- running --------------------------------------------------------------------------
    def run(self) -> int:
        signal.signal(signal.SIGTERM, lambda *_: self.stop.set())
        signal.signal(signal.SIGINT, lambda *_: self.stop.set())
        leadership = Leadership(self.cycle.engine)
        try:
            if not self._lead(leadership):
                return 0
            scheduler = self._scheduler(leadership)
            self._catch_up()
            scheduler.start()
            event("daemon.active", jobs=len(scheduler.get_jobs()), timezone=self.settings.timezone)
            self.stop.wait()
            event("daemon.stopping")
            scheduler.shutdown(wait=True)
        finally:
            leadership.release()
        event("daemon.stopped")
        return 0

    def _lead(self, leadership: Leadership) -> bool:
        """Wait until this daemon is the active one (at once on SQLite); False if stopped first."""
        if leadership.acquire():
            return True
        event("daemon.standby", every=f"{self.settings.standby_seconds}s")
        while not self.stop.wait(self.settings.standby_seconds):
            if leadership.acquire():
                event("daemon.takeover")
                return True
        return False

    def _scheduler(self, leadership: Leadership) -> BackgroundScheduler:
        s = self.settings
        scheduler = BackgroundScheduler(
            timezone=self.zone,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
        )
        now = dt.datetime.now(self.zone)
        intervals: list[tuple[str, Callable[[], object], int, dt.datetime | None]] = [
            ("inbox", self._inbox, s.inbox_seconds, now),
            ("outbox", self.cycle.drain, s.outbox_seconds, now),
            ("reload", self._reload, s.reload_seconds, None),
        ]
        for job_id, task, seconds, first in intervals:
            trigger = IntervalTrigger(seconds=seconds, timezone=self.zone)
            scheduler.add_job(
                self._job(job_id, task), trigger, id=job_id, **({"next_run_time": first} if first else {})
            )
        for job_id, cron in self.triggers.items():
            scheduler.add_job(self._job(job_id, self._cron_work[job_id], remember=True), cron, id=job_id)
        if leadership.shared:
            check = IntervalTrigger(seconds=s.standby_seconds, timezone=self.zone)
            scheduler.add_job(self._job("leadership", lambda: self._check(leadership)), check, id="leadership")
        return scheduler

    def _check(self, leadership: Leadership) -> None:
        if not leadership.still_held():
            event("daemon.lost-lock", logging.ERROR, action="stopping; a standby takes over")
            self.stop.set()

    def _catch_up(self) -> None:
        """Run once each cron job whose tick fell while the daemon was down."""
        last_runs = self._last_runs()
        now = dt.datetime.now(self.zone)
        for job_id, trigger in self.triggers.items():
            if missed(trigger, last_runs.get(job_id), now):
                event("job.catch-up", job=job_id, last_run=last_runs[job_id].isoformat())
                self._job(job_id, self._cron_work[job_id], remember=True)()
            elif job_id not in last_runs:
                self._remember(job_id)  # the schedule starts from now
