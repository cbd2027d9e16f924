"""Operations: the store's figures in Prometheus's exposition format (`/metrics`), and whether the
store answers and the daemon is working (`/healthz`).

Everything is read from the store when asked, so every web process answers the same whichever
daemon is active, and nothing is lost when a process restarts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from monitor.lifecycle import AlertState
from monitor.settings import Settings
from monitor.store.database import database_cause
from monitor.store.operations import (
    alert_counts,
    job_outcomes,
    last_ingestions,
    latest_run,
    outbox_backlog,
    reachable,
)
from rules import Plan, Status

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
OUTBOX_STATES = ("queued", "sent", "failed")


class StoreCollector(Collector):
    """The plan-monitor figures of one plan, read from the store at each scrape: its latest run,
    alerts, files and outbox (a store may hold several plans), and the daemon's jobs, which are the
    whole store's."""

    def __init__(self, engine: sa.Engine, plan: Plan, now: dt.datetime) -> None:
        self.engine, self.plan, self.now = engine, plan, now

    def collect(self) -> Iterator[Metric]:
        info = GaugeMetricFamily("plan_monitor_plan", "The plan watched (always 1)", labels=["province", "year"])
        info.add_metric([self.plan.info.province, str(self.plan.info.year)], 1)
        yield info
        key = self.plan.info.key
        run = latest_run(self.engine, key)
        targets = GaugeMetricFamily(
            "plan_monitor_series", "Series (targets and breakdown parts) by status in the latest evaluation run",
            labels=["status"],
        )  # fmt: skip
        for status in Status:
            targets.add_metric([status.value], (run.statuses.get(status.value, 0) if run else 0))
        yield targets
        evaluated = GaugeMetricFamily(
            "plan_monitor_last_evaluation_timestamp_seconds", "When the latest evaluation run finished"
        )
        if run is not None:
            evaluated.add_metric([], run.finished_at.timestamp())
        yield evaluated
        alerts = GaugeMetricFamily("plan_monitor_alerts", "Alerts by kind and state", labels=["kind", "state"])
        counted = alert_counts(self.engine, key)
        for kind in ("performance", "overdue"):
            for state in AlertState:
                alerts.add_metric([kind, state.value], counted.get((kind, state.value), 0))
        yield alerts
        yield from self._outbox()
        ingested = GaugeMetricFamily(
            "plan_monitor_last_ingestion_timestamp_seconds", "When each department's latest file was taken in",
            labels=["department"],
        )  # fmt: skip
        for department, at in sorted(last_ingestions(self.engine, key).items()):
            ingested.add_metric([department], at.timestamp())
        yield ingested
        yield from self._jobs()

    def _outbox(self) -> Iterator[Metric]:
        backlog = outbox_backlog(self.engine, self.plan.info.key)
        messages = GaugeMetricFamily("plan_monitor_outbox_messages", "Outbox messages by state", labels=["state"])
        for state in OUTBOX_STATES:
            messages.add_metric([state], backlog.counts.get(state, 0))
        yield messages
        age = GaugeMetricFamily(
            "plan_monitor_outbox_oldest_queued_age_seconds", "Age of the oldest message still queued (0 when none)"
        )
        age.add_metric([], max(0.0, (self.now - backlog.oldest_queued).total_seconds()) if backlog.oldest_queued else 0)
        yield age

    def _jobs(self) -> Iterator[Metric]:
        records = job_outcomes(self.engine)
        runs = CounterMetricFamily("plan_monitor_job_runs", "Runs of each daemon job", labels=["job"])
        failures = CounterMetricFamily("plan_monitor_job_failures", "Failed runs of each daemon job", labels=["job"])
        duration = GaugeMetricFamily(
            "plan_monitor_job_last_duration_seconds", "How long each job's last run took", labels=["job"]
        )
        success = GaugeMetricFamily(
            "plan_monitor_job_last_success_timestamp_seconds", "When each job last completed without failing",
            labels=["job"],
        )  # fmt: skip
        for record in records:
            runs.add_metric([record.job_id], record.runs)
            failures.add_metric([record.job_id], record.failures)
            duration.add_metric([record.job_id], record.last_duration_seconds)
            if record.last_success_at is not None:
                success.add_metric([record.job_id], record.last_success_at.timestamp())
        yield from (runs, failures, duration, success)


def exposition(engine: sa.Engine, plan: Plan, now: dt.datetime) -> bytes:
    """The metrics as Prometheus's text format."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(engine, plan, now))
    return generate_latest(registry)


@dataclass(frozen=True)
class Health:
    """Whether the store answers and the daemon's latest job finished recently; `problems` says why not."""

    store: str  # "ok", or what went wrong
    last_job: str | None
    last_job_at: dt.datetime | None
    age_seconds: float | None
    limit_seconds: int
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def record(self) -> dict[str, object]:
        return {
            "status": "ok" if self.ok else "failing",
            "store": self.store,
            "daemon": {
                "last_job": self.last_job,
                "finished_at": self.last_job_at.isoformat() if self.last_job_at else None,
                "age_seconds": round(self.age_seconds) if self.age_seconds is not None else None,
                "limit_seconds": self.limit_seconds,
            },
            "problems": list(self.problems),
        }


def recent_limit(settings: Settings) -> int:
    """How long without a completed job still counts as working: three of the most frequent job's
    intervals (the inbox's and the outbox's), and at least five minutes."""
    return max(300, 3 * min(settings.inbox_seconds, settings.outbox_seconds))


def health(engine: sa.Engine, settings: Settings, now: dt.datetime) -> Health:
    """The store reachable, and the daemon's last completed job (which, and when) recent enough."""
    limit = recent_limit(settings)
    try:
        reachable(engine)
        records = job_outcomes(engine)
    except sa.exc.DBAPIError as exc:
        cause = database_cause(exc)
        return Health(f"unreachable: {cause}", None, None, None, limit, (f"the store does not answer: {cause}",))
    done = [r for r in records if r.last_success_at is not None]
    if not done:
        return Health(
            "ok", None, None, None, limit, ("no daemon job has completed yet (is plan-monitor run running?)",)
        )
    latest = max(done, key=lambda r: r.last_success_at or dt.datetime.min.replace(tzinfo=dt.UTC))
    assert latest.last_success_at is not None
    age = (now - latest.last_success_at).total_seconds()
    problems = (
        (f"the daemon's last completed job ({latest.job_id}) finished {round(age)} s ago, over {limit} s",)
        if age > limit
        else ()
    )
    return Health("ok", latest.job_id, latest.last_success_at, age, limit, problems)
