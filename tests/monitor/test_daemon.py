"""The real daemon as a subprocess: inbox to email, crashes, signals, bad edits, downtime, failover."""

from __future__ import annotations

import datetime as dt
import re
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import col

from bench.synthetic import write_plan, write_rows
from monitor.ingest.checking import ASIDE_FROM_BYTES
from monitor.store.database import create_engine, upgrade
from monitor.store.schema import EvaluationRun, Ingestion, JobRun, ObservationRecord, OutboxMessage
from tests.conftest import PLAN, empty_postgresql
from tests.monitor.daemons import (
    DISBURSEMENT,
    EXAMPLES,
    Daemon,
    drop,
    environment,
    sender_of,
    wait_until,
    waiting,
)
from tests.notifiers.smtp import Mailbox


def test_a_file_in_the_inbox_becomes_an_email_and_sigterm_exits_0(home: Path, smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    daemon = Daemon(environment(home, port), home / "daemon.log")
    daemon.wait_for("event=daemon.active")
    drop(home, DISBURSEMENT)
    daemon.wait_for("event=file.ingested")
    daemon.wait_for("event=email.sent")
    # The department hears twice: its file is confirmed, and the digest tells what is behind.
    wait_until(lambda: len([m for m in mailbox.messages() if "so-khdt@" in str(m["To"])]) >= 2)
    khdt = [m for m in mailbox.messages() if "so-khdt@" in str(m["To"])]
    replies = [m for m in khdt if str(m["Message-ID"]).startswith("<reply.")]
    assert [str(m["Subject"]) for m in replies] == ["Đã nhận số liệu: 07-so-khdt-giai-ngan-7-thang.xlsx"]
    [digest] = [m for m in khdt if m not in replies]
    assert "1 chỉ tiêu nghiêm trọng" in str(digest["Subject"])  # the subject says how bad it is
    started = time.monotonic()
    assert daemon.stop(signal.SIGTERM) == 0
    assert time.monotonic() - started < 10
    assert "event=daemon.stopped" in daemon.text()
    assert "Traceback" not in daemon.text()


def test_a_big_file_is_checked_by_a_spawned_worker_beside_the_daemons_threads(tmp_path: Path) -> None:
    """From 4 MB a file is checked in a worker process; in the daemon, with its scheduler's
    threads, that process is a fresh interpreter, which must not start a second daemon."""
    rows = 110_000  # about 4.7 MB
    write_plan(tmp_path / "targets", parts=302)
    (tmp_path / "var" / "inbox").mkdir(parents=True)
    big = write_rows(tmp_path / "big.csv", rows, parts=302)
    assert big.stat().st_size >= ASIDE_FROM_BYTES
    daemon = Daemon(environment(tmp_path, None), tmp_path / "daemon.log")
    daemon.wait_for("event=daemon.active")
    drop(tmp_path, big, department="office")
    daemon.wait_for(f"event=file.ingested .*rows={rows} new={rows}")
    assert daemon.stop() == 0
    assert daemon.text().count("event=daemon.active") == 1
    assert "Traceback" not in daemon.text()
    engine = create_engine(f"sqlite:///{tmp_path / 'var' / 'plan-monitor.db'}")
    with engine.connect() as connection:
        stored = connection.execute(sa.select(sa.func.count()).select_from(ObservationRecord)).scalar_one()
    assert stored == rows


def test_an_invalid_rule_edit_keeps_the_old_rules_and_the_daemon(home: Path, smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    daemon = Daemon(environment(home, port), home / "daemon.log")
    daemon.wait_for("event=daemon.active")
    with (home / "targets" / "economy.yaml").open("a", encoding="utf-8") as rules:
        rules.write("  - id: broken\n    trajectroy: {type: linear}\n")
    daemon.wait_for(r"event=rules\.kept targets=52")
    assert "unknown field 'trajectroy'; did you mean 'trajectory'?" in daemon.text()
    wait_until(lambda: any("van-phong@" in to for _, tos, _ in mailbox.received for to in tos))  # the admin is told
    drop(home, DISBURSEMENT)
    daemon.wait_for("event=file.ingested")  # still at work, on the last good rules
    assert daemon.stop() == 0


def test_downtime_across_a_scheduled_run_means_one_catch_up(home: Path) -> None:
    engine = create_engine(f"sqlite:///{home / 'var' / 'plan-monitor.db'}")
    upgrade(engine)
    three_days_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=3)  # three daily ticks were missed
    with engine.begin() as connection:
        connection.execute(sa.insert(JobRun).values(job_id="evaluate", plan=PLAN, last_run_at=three_days_ago))
    daemon = Daemon(environment(home, None), home / "daemon.log")
    daemon.wait_for("event=daemon.active")
    assert daemon.stop() == 0
    assert len(re.findall(r"event=job\.catch-up job=evaluate", daemon.text())) == 1
    with engine.connect() as connection:
        runs = connection.execute(sa.select(col(EvaluationRun.trigger))).scalars().all()
        last = connection.execute(
            sa.select(col(JobRun.last_run_at)).where(col(JobRun.job_id) == "evaluate")
        ).scalar_one()
    assert runs.count("schedule") == 1
    assert (last if last.tzinfo else last.replace(tzinfo=dt.UTC)) > three_days_ago
    again = Daemon(environment(home, None), home / "daemon-2.log")  # started again at once: nothing missed
    again.wait_for("event=daemon.active")
    assert again.stop() == 0
    assert "job.catch-up" not in again.text()


def test_kill_9_in_mid_cycle_then_restart_loses_nothing(home: Path, smtp: tuple[Mailbox, int]) -> None:
    mailbox, port = smtp
    for path in sorted(EXAMPLES.iterdir()):
        drop(home, path, sender_of(path))
    env = environment(home, port)
    first = Daemon(env, home / "daemon.log")
    first.wait_for("event=file.ingested")
    first.stop(signal.SIGKILL)
    second = Daemon(env, home / "daemon-2.log")
    engine = create_engine(f"sqlite:///{home / 'var' / 'plan-monitor.db'}")

    def all_sent() -> bool:
        if waiting(home):
            return False  # files still waiting
        with engine.connect() as connection:
            states = connection.execute(sa.select(col(OutboxMessage.state))).scalars().all()
            arrived = connection.execute(sa.select(sa.func.max(col(Ingestion.received_at)))).scalar_one()
            judged = connection.execute(
                sa.select(sa.func.max(col(EvaluationRun.started_at))).where(col(EvaluationRun.finished_at).is_not(None))
            ).scalar_one()
        # The replies to the files are queued as they come; the digests once the last file is judged.
        return judged is not None and judged >= arrived and bool(states) and set(states) == {"sent"}

    wait_until(all_sent)
    assert second.stop() == 0
    processed = sorted(p.name for p in (home / "var" / "inbox" / "processed").rglob("*") if p.is_file())
    assert processed == sorted(p.name for p in EXAMPLES.iterdir())  # every file stored once, none lost
    with engine.connect() as connection:
        expected = connection.execute(sa.select(col(OutboxMessage.message_id))).scalars().all()
    received = Counter(m["Message-ID"] for m in mailbox.messages())
    assert set(expected) <= set(received)  # no email lost
    assert sum(n - 1 for n in received.values()) <= 1  # at most the one in flight when killed


@pytest.fixture
def pg_url() -> str:
    url = empty_postgresql()
    upgrade(create_engine(url))
    return url


def test_two_daemons_on_postgresql_one_active_and_failover(home: Path, smtp: tuple[Mailbox, int], pg_url: str) -> None:
    mailbox, port = smtp
    env = environment(home, port, database_url=pg_url)
    first = Daemon(env, home / "a.log")
    first.wait_for("event=daemon.active")
    second = Daemon(env, home / "b.log")
    second.wait_for("event=daemon.standby")
    drop(home, DISBURSEMENT)
    first.wait_for("event=email.sent")
    engine = create_engine(pg_url)

    def outbox_done() -> bool:
        with engine.connect() as connection:
            states = connection.execute(sa.select(col(OutboxMessage.state))).scalars().all()
        return bool(states) and set(states) == {"sent"}

    wait_until(outbox_done)
    sent_by_first = len(mailbox.received)
    assert "event=file.ingested" not in second.text()  # the standby did nothing
    killed = time.monotonic()
    first.stop(signal.SIGKILL)
    second.wait_for("event=daemon.takeover")
    assert time.monotonic() - killed < 30
    grain = home / "grain.csv"  # the missing grain report at last: its overdue alert resolves, an email goes
    grain.write_text("target,period,value\ngrain-output,2022-12,700\n", encoding="utf-8")
    drop(home, grain, "so-nnptnt")  # the department that owns the grain target
    second.wait_for("event=file.ingested")
    wait_until(lambda: len(mailbox.received) > sent_by_first)
    wait_until(outbox_done)
    assert second.stop() == 0
    received = Counter(m["Message-ID"] for m in mailbox.messages())
    assert max(received.values()) == 1  # never two emails for one event
