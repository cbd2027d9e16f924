"""Exactly one sender and one recorder at a time, on every store: claims on outbox messages, runs
recorded one after the other, writers that wait for each other, and a server that hangs."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import col

from monitor.evaluation import run_evaluation
from monitor.ingest.batch import Outcome, ingest_file
from monitor.mail.compose import MailContext
from monitor.mail.sending import drain
from monitor.store.database import writing
from monitor.store.schema import AlertTransition, EvaluationRun, Notification, OutboxMessage
from notifiers import EmailNotifier, SmtpSettings, Templates
from rules import Plan
from tests.conftest import ROOT
from tests.notifiers.smtp import hung_server, smtp_server

EXAMPLES = sorted((ROOT / "examples" / "2022").iterdir())
SENDER = "plan-monitor@bacgiang.example"
DAY = dt.date(2022, 7, 31)
QUEUED_AT = dt.datetime(2022, 8, 1, 0, 0, tzinfo=dt.UTC)  # the runs' clock: messages are due from then
LATER = QUEUED_AT + dt.timedelta(minutes=1)


def _ingest_examples(engine: sa.Engine, plan: Plan) -> None:
    for path in EXAMPLES:
        assert ingest_file(engine, plan, path).outcome == Outcome.INGESTED


def _evaluate(engine: sa.Engine, plan: Plan) -> None:
    run_evaluation(engine, plan, DAY, trigger="test", repeat_every=dt.timedelta(days=7),
                   mail=MailContext(SENDER, Templates()), now=QUEUED_AT)  # fmt: skip


def _smtp(port: int, timeout: float = 5) -> EmailNotifier:
    return EmailNotifier(SmtpSettings(host="127.0.0.1", port=port, security="none", timeout=timeout))


def _count(engine: sa.Engine, table: type) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def _twice_at_once(work: Callable[[], object]) -> None:
    """`work` in two threads released together; an exception in either fails the test with its cause."""
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def run() -> None:
        start.wait()
        try:
            work()
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_two_senders_at_once_deliver_each_message_once(engine: sa.Engine, shipped_plan: Plan) -> None:
    """The daemon drains while an operator runs `outbox send`: the second sender starts while the
    first holds a message the server has accepted but the store does not yet know is sent."""
    _ingest_examples(engine, shipped_plan)
    _evaluate(engine, shipped_plan)
    queued = _count(engine, OutboxMessage)
    assert queued > 5
    with smtp_server() as (mailbox, port):
        second: list[list[str]] = []

        def other_sender() -> None:
            second.append(drain(engine, _smtp(port), SENDER, now=lambda: LATER).sent)

        def meanwhile(message_id: str) -> None:
            if not second:  # the first message is in flight: the other sender runs now, whole
                other = threading.Thread(target=other_sender)
                other.start()
                other.join()

        first = drain(engine, _smtp(port), SENDER, now=lambda: LATER, after_send=meanwhile).sent
        received = [str(m["Message-ID"]) for m in mailbox.messages()]
    assert len(second) == 1
    assert second[0]  # the other sender did send, while the first was busy
    assert sorted(received) == sorted(set(received))  # none twice
    assert len(received) == queued == len(first) + len(second[0])
    with engine.connect() as connection:
        assert set(connection.execute(sa.select(col(OutboxMessage.state))).scalars()) == {"sent"}


def test_two_evaluations_of_one_date_at_once_record_it_once(engine: sa.Engine, shipped_plan: Plan) -> None:
    """The daemon's evaluation and an operator's, started together: the second waits for the first
    and finds its alerts, so the transitions and digests are those of one run."""
    _ingest_examples(engine, shipped_plan)
    _twice_at_once(lambda: _evaluate(engine, shipped_plan))
    assert _count(engine, EvaluationRun) == 2
    together = (_count(engine, AlertTransition), _count(engine, Notification), _count(engine, OutboxMessage))

    with writing(engine) as connection:  # the same plan evaluated once, on an emptied store
        for table in ("outbox_attempt", "outbox", "notification", "alert_transition", "alert", "evaluation"):
            connection.execute(sa.text(f"DELETE FROM {table}"))
        connection.execute(sa.text("DELETE FROM evaluation_run"))
    _evaluate(engine, shipped_plan)
    once = (_count(engine, AlertTransition), _count(engine, Notification), _count(engine, OutboxMessage))
    assert once[0] > 0
    assert once[2] > 0
    assert together == once


def test_a_second_writer_waits_for_the_first(tmp_path: Path, shipped_plan: Plan) -> None:
    """SQLite: a file ingested while another process holds the store for writing waits its turn,
    instead of failing with "database is locked" when it first writes after reading."""
    from monitor.store.database import open_database

    engine = open_database(f"sqlite:///{tmp_path / 'store.db'}")
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with writing(engine) as connection:
            connection.execute(sa.text("UPDATE job_run SET job_id = job_id"))
            holding.set()
            release.wait(timeout=120)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(timeout=120)
    outcome: list[Outcome] = []
    ingesting = threading.Thread(target=lambda: outcome.append(ingest_file(engine, shipped_plan, EXAMPLES[0]).outcome))
    ingesting.start()
    ingesting.join(timeout=0.5)  # it waits for the holder, however long it takes
    release.set()
    holder.join()
    ingesting.join()
    assert outcome == [Outcome.INGESTED]


def test_the_same_file_ingested_twice_at_once_is_stored_once(engine: sa.Engine, shipped_plan: Plan) -> None:
    outcomes: list[Outcome] = []
    _twice_at_once(lambda: outcomes.append(ingest_file(engine, shipped_plan, EXAMPLES[0]).outcome))
    assert sorted(outcomes) == sorted([Outcome.INGESTED, Outcome.ALREADY_INGESTED])


@pytest.fixture
def silent_server() -> Iterator[int]:
    with hung_server() as port:
        yield port


def test_a_hung_server_costs_one_timeout_a_pass(engine: sa.Engine, shipped_plan: Plan, silent_server: int) -> None:
    """After one timeout the rest of the pass waits for the next one, untouched (no attempt,
    no backoff): 41 messages do not wait 41 timeouts in turn."""
    _ingest_examples(engine, shipped_plan)
    _evaluate(engine, shipped_plan)
    queued = _count(engine, OutboxMessage)
    report = drain(engine, _smtp(silent_server, timeout=0.5), SENDER, now=lambda: LATER)
    assert report.deferred
    assert (len(report.sent), len(report.retrying), len(report.failed)) == (0, 1, 0)
    with engine.connect() as connection:
        attempts = connection.execute(sa.select(col(OutboxMessage.attempts))).scalars().all()
    assert sorted(attempts) == [0] * (queued - 1) + [1]


def test_one_digest_a_day_when_the_weekly_and_the_daily_fire_together(engine: sa.Engine, shipped_plan: Plan) -> None:
    """Mondays at 07:00: the daily evaluation, then the weekly digest of everything still firing."""
    _ingest_examples(engine, shipped_plan)
    _evaluate(engine, shipped_plan)
    daily = _count(engine, OutboxMessage)
    assert daily > 5
    run_evaluation(engine, shipped_plan, DAY, trigger="weekly", repeat_every=dt.timedelta(0),
                   mail=MailContext(SENDER, Templates()), now=QUEUED_AT)  # fmt: skip
    with engine.connect() as connection:
        recipients = list(connection.execute(sa.select(col(OutboxMessage.recipient))).scalars())
    assert len(recipients) == daily
    assert sorted(recipients) == sorted(set(recipients))


def test_a_digest_carries_the_charts_of_its_worst_items_only(engine: sa.Engine, shipped_plan: Plan) -> None:
    _ingest_examples(engine, shipped_plan)
    run_evaluation(engine, shipped_plan, DAY, trigger="test", repeat_every=dt.timedelta(days=7),
                   mail=MailContext(SENDER, Templates(), max_charts=1), now=QUEUED_AT)  # fmt: skip
    with engine.connect() as connection:
        body = connection.execute(
            sa.select(col(OutboxMessage.message)).where(col(OutboxMessage.recipient) == "so-khdt")
        ).scalar_one()
    message = message_from_bytes(body, policy=policy.default)
    images = [part["Content-ID"] for part in message.walk() if part.get_content_type() == "image/png"]
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert text.count("V.4 Giải ngân") == 3  # three items behind: the total and two capital sources
    assert len(images) == 1
    assert "public-investment-disbursement" in images[0]  # the worst of them: the total, critical


KILLED_SENDER = """
import datetime as dt, os, sys
from monitor.mail.sending import drain
from monitor.store.database import create_engine
from notifiers import EmailNotifier, SmtpSettings
later = dt.datetime.fromisoformat(sys.argv[3])
notifier = EmailNotifier(SmtpSettings(host="127.0.0.1", port=int(sys.argv[2]), security="none", timeout=60))
drain(create_engine(sys.argv[1]), notifier, "plan-monitor@bacgiang.example", now=lambda: later,
      after_send=lambda message_id: os._exit(9))  # killed once the server has the first message
"""


def test_a_sender_killed_mid_delivery_leaves_one_repeat_and_no_wait(engine: sa.Engine, shipped_plan: Plan) -> None:
    """Its claim is released as soon as another sender on the host sees it is dead."""
    _ingest_examples(engine, shipped_plan)
    _evaluate(engine, shipped_plan)
    queued = _count(engine, OutboxMessage)
    url = engine.url.render_as_string(hide_password=False)
    with smtp_server() as (mailbox, port):
        killed = subprocess.run([sys.executable, "-c", KILLED_SENDER, url, str(port), LATER.isoformat()],
                                cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
        assert killed.returncode == 9, killed.stderr
        assert len(mailbox.received) == 1
        drain(engine, _smtp(port), SENDER, now=lambda: LATER)  # at once: not after the claim's 15 minutes
        received = [str(m["Message-ID"]) for m in mailbox.messages()]
    assert len(received) == queued + 1  # every message, and the one in flight a second time
    assert len(set(received)) == queued
