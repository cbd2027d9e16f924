"""`/healthz` and `/metrics` over a store the real daemon worked on: what Prometheus and a load
balancer read, and what they are told when the daemon stops or the store goes away."""

from __future__ import annotations

import datetime as dt
import signal
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from monitor.settings import Settings
from monitor.store.database import create_engine, open_database
from monitor.store.operations import job_outcomes, record_outcome
from monitor.web import create_app
from rules import load_plan
from tests.monitor.daemons import DISBURSEMENT, Daemon, drop, environment, wait_until
from tests.monitor.web.conftest import SECRET, Clock

NOW = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


@pytest.fixture
def worked(home: Path) -> Path:
    """A store the daemon took a disbursement file into and evaluated, then stopped."""
    daemon = Daemon(environment(home, None), home / "daemon.log")
    daemon.wait_for("event=daemon.active")
    drop(home, DISBURSEMENT, department="van-phong-ubnd")  # the admin may send any figure
    daemon.wait_for("event=file.ingested")
    engine = open_database(f"sqlite:///{home / 'var' / 'plan-monitor.db'}")
    wait_until(lambda: {"inbox", "outbox"} <= {r.job_id for r in job_outcomes(engine)})
    engine.dispose()
    assert daemon.stop(signal.SIGTERM) == 0
    return home


def _client(home: Path, clock: Clock) -> TestClient:
    settings = Settings(data_dir=home / "var", targets=home / "targets", secret_key=SECRET)
    return TestClient(create_app(settings, plan=load_plan([home / "targets"]), clock=clock))


def test_metrics_tell_statuses_alerts_outbox_ingestions_and_jobs(worked: Path) -> None:
    clock = Clock()
    engine = open_database(f"sqlite:///{worked / 'var' / 'plan-monitor.db'}")
    last = max(r.last_finished_at for r in job_outcomes(engine))
    clock.now = last + dt.timedelta(seconds=30)
    with _client(worked, clock) as client:
        answer = client.get("/metrics")  # no session: Prometheus asks
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = _samples(answer.text)
    series = {dict(labels)["status"]: v for (name, labels), v in samples.items() if name == "plan_monitor_series"}
    assert set(series) == {"achieved", "on_track", "at_risk", "behind", "critical", "missed", "no_data", "overdue"}
    assert sum(series.values()) >= 40  # every series of the shipped plan, from the daemon's run
    assert samples[("plan_monitor_last_evaluation_timestamp_seconds", ())] > 0
    firing = sum(
        v for (name, labels), v in samples.items() if name == "plan_monitor_alerts" and ("state", "firing") in labels
    )
    assert firing >= 1  # the disbursement is behind
    ingested = samples[("plan_monitor_last_ingestion_timestamp_seconds", (("department", "van-phong-ubnd"),))]
    assert abs(ingested - last.timestamp()) < 600
    assert ("plan_monitor_outbox_messages", (("state", "queued"),)) in samples
    assert samples[("plan_monitor_job_runs_total", (("job", "inbox"),))] >= 1
    assert samples[("plan_monitor_job_failures_total", (("job", "inbox"),))] == 0
    assert samples[("plan_monitor_job_last_duration_seconds", (("job", "inbox"),))] >= 0
    assert samples[("plan_monitor_plan", (("province", "Bắc Giang"), ("year", "2022")))] == 1


def test_healthz_says_which_job_ran_last_and_fails_when_the_daemon_stopped(worked: Path) -> None:
    clock = Clock()
    engine = open_database(f"sqlite:///{worked / 'var' / 'plan-monitor.db'}")
    latest = max(job_outcomes(engine), key=lambda r: r.last_finished_at)
    clock.now = latest.last_finished_at + dt.timedelta(seconds=10)
    with _client(worked, clock) as client:
        fresh = client.get("/healthz")
        clock.now = latest.last_finished_at + dt.timedelta(hours=1)
        stale = client.get("/healthz")
    assert fresh.status_code == 200, fresh.text
    body = fresh.json()
    assert body["status"] == "ok"
    assert body["store"] == "ok"
    assert body["daemon"]["last_job"] == latest.job_id
    assert body["daemon"]["age_seconds"] == 10
    assert stale.status_code == 503
    assert stale.json()["problems"] == [
        f"the daemon's last completed job ({latest.job_id}) finished 3600 s ago, over 300 s"
    ]


def test_healthz_fails_when_the_store_does_not_answer(tmp_path: Path, shipped_plan: object) -> None:
    from tests.conftest import TARGETS

    settings = Settings(data_dir=tmp_path, targets=TARGETS, secret_key=SECRET)
    gone = create_engine("postgresql://nobody:nothing@127.0.0.1:9/nowhere")  # nothing listens on port 9
    app = create_app(settings, engine=gone, plan=load_plan([TARGETS]), clock=Clock())
    with TestClient(app) as client:
        answer = client.get("/healthz")
    assert answer.status_code == 503
    body = answer.json()
    assert body["status"] == "failing"
    assert body["store"].startswith("unreachable: ")
    assert body["problems"][0].startswith("the store does not answer: ")
    assert "nothing" not in answer.text  # the password stays out


def test_job_outcomes_count_runs_and_failures(database_url: str) -> None:
    engine = open_database(database_url) if database_url.startswith("sqlite") else create_engine(database_url)
    if not database_url.startswith("sqlite"):
        from monitor.store.database import upgrade

        upgrade(engine)
    record_outcome(engine, "inbox", finished_at=NOW, seconds=0.25)
    record_outcome(
        engine, "inbox", finished_at=NOW + dt.timedelta(minutes=1), seconds=1.5, error="OSError: " + "x" * 900
    )
    record_outcome(engine, "outbox", finished_at=NOW, seconds=0.1)
    found = {r.job_id: r for r in job_outcomes(engine)}
    inbox = found["inbox"]
    assert (inbox.runs, inbox.failures, inbox.last_duration_seconds) == (2, 1, 1.5)
    assert inbox.last_success_at == NOW
    assert inbox.last_failure_at == NOW + dt.timedelta(minutes=1)
    assert inbox.last_error is not None
    assert len(inbox.last_error) == 500  # cut short
    assert (found["outbox"].runs, found["outbox"].failures) == (1, 0)
    engine.dispose()
