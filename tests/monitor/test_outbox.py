"""The outbox on every store: digests written with the run, drained at least once, never lost."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from jinja2 import UndefinedError
from sqlmodel import SQLModel, col

from monitor.evaluation import run_evaluation
from monitor.ingest.batch import ingest_file
from monitor.mail.compose import MailContext
from monitor.mail.sending import CLAIM_LEASE, drain
from monitor.store.schema import AlertTransition, EvaluationRun, OutboxAttempt, OutboxMessage
from notifiers.delivery import EmailNotifier, SmtpSettings
from notifiers.render import Templates
from rules import Plan
from tests.conftest import ROOT
from tests.notifiers.smtp import PATIENCE, free_port, smtp_server

EXAMPLES = sorted((ROOT / "examples" / "2022").iterdir())
SENDER = "plan-monitor@bacgiang.example"
RUN_AT = dt.datetime(2022, 7, 31, 1, 0, tzinfo=dt.UTC)  # the clock of the run that queues the messages
T0 = RUN_AT + dt.timedelta(minutes=5)  # the clock of the first drain, five minutes later


def _loaded(engine: sa.Engine, plan: Plan, templates: Templates | None = None) -> None:
    for path in EXAMPLES:
        ingest_file(engine, plan, path)
    run_evaluation(engine, plan, dt.date(2022, 7, 31), trigger="test", repeat_every=dt.timedelta(days=7),
                   mail=MailContext(SENDER, templates or Templates()), now=RUN_AT)  # fmt: skip


Snapshot = dict[str, list[dict[str, Any]]]  # every row of every table, by table name


@pytest.fixture(scope="session")
def snapshots() -> dict[str, Snapshot]:
    """What `queued` built, by kind of store, for the session."""
    return {}


@pytest.fixture
def queued(engine: sa.Engine, shipped_plan: Plan, snapshots: dict[str, Snapshot]) -> None:
    """Fill the test's store with the example figures and the digests of a run as of 31 July, due from RUN_AT.

    The first test on each kind of store ingests and evaluates; the others get a copy of its rows.
    """
    kind = engine.dialect.name
    if kind in snapshots:
        _restore(engine, snapshots[kind])
        assert _snapshot(engine) == snapshots[kind]  # an exact copy
    else:
        _loaded(engine, shipped_plan)
        snapshots[kind] = _snapshot(engine)
        assert snapshots[kind]["outbox"], "the run queued no digests"


def _snapshot(engine: sa.Engine) -> Snapshot:
    with engine.connect() as connection:
        return {
            table.name: [dict(row._mapping) for row in connection.execute(sa.select(table))]
            for table in SQLModel.metadata.sorted_tables
        }


def _restore(engine: sa.Engine, snapshot: Snapshot) -> None:
    with engine.begin() as connection:
        for table in SQLModel.metadata.sorted_tables:  # parents first
            rows = snapshot[table.name]
            if not rows:
                continue
            connection.execute(sa.insert(table), rows)
            if engine.dialect.name == "postgresql" and "id" in table.c and table.c.id.autoincrement is not False:
                # The rows came with their ids: the next id the store gives follows them.
                connection.execute(
                    sa.text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), max(id)) FROM {table.name}")
                )


def _rows(engine: sa.Engine) -> list[sa.Row]:  # type: ignore[type-arg]
    with engine.connect() as connection:
        return list(connection.execute(sa.select(OutboxMessage).order_by(col(OutboxMessage.id))))


def _smtp(port: int) -> EmailNotifier:
    return EmailNotifier(SmtpSettings(host="127.0.0.1", port=port, security="none", timeout=PATIENCE))


def test_one_digest_per_recipient_with_shared_charts(engine: sa.Engine, shipped_plan: Plan) -> None:
    _loaded(engine, shipped_plan)
    rows = _rows(engine)
    recipients = [r.recipient for r in rows]
    assert len(recipients) == len(set(recipients)) > 5
    assert all(r.message_id == f"<20220731.run1.{r.recipient}@bacgiang.example>" for r in rows)
    messages = {r.recipient: message_from_bytes(r.message, policy=policy.default) for r in rows}
    khdt = messages["so-khdt"].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert khdt.count("V.4 Giải ngân") == 3  # the total, central budget and ODA: one email for all three
    charts: dict[str, set[bytes]] = {}
    for recipient in ("so-khdt", "kho-bac"):
        for part in messages[recipient].walk():
            if part.get_content_type() == "image/png":
                charts.setdefault(part["Content-ID"], set()).add(part.get_content())
    shared = [cid for cid in charts if "public-investment-disbursement@" in cid]
    assert shared, charts.keys()
    assert all(len(images) == 1 for images in charts.values())  # rendered once, the same bytes everywhere


def test_a_message_that_cannot_be_rendered_leaves_no_half_run(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path
) -> None:
    (tmp_path / "digest.txt").write_text("{{ not_defined }}", encoding="utf-8")
    with pytest.raises(UndefinedError):
        _loaded(engine, shipped_plan, Templates(tmp_path))
    with engine.connect() as connection:
        for table in (EvaluationRun, AlertTransition, OutboxMessage):
            assert connection.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 0


@pytest.mark.usefixtures("queued")
def test_drained_once_to_a_real_server(engine: sa.Engine) -> None:
    count = len(_rows(engine))
    with smtp_server() as (mailbox, port):
        report = drain(engine, _smtp(port), SENDER, now=lambda: T0)
        again = drain(engine, _smtp(port), SENDER, now=lambda: T0)
    assert (len(report.sent), again.sent) == (count, [])
    assert len(mailbox.received) == count
    assert {r.state for r in _rows(engine)} == {"sent"}
    assert sorted(m["Message-ID"] for m in mailbox.messages()) == sorted(r.message_id for r in _rows(engine))


@pytest.mark.usefixtures("queued")
def test_refused_then_recovered_is_delivered_once_with_backoff(engine: sa.Engine) -> None:
    first = _rows(engine)[0]
    with smtp_server() as (mailbox, port):
        mailbox.refuse = ["451 4.7.1 greylisted"]  # the first message is refused, the others go
        report = drain(engine, _smtp(port), SENDER, now=lambda: T0)
        assert (report.retrying[0][0], len(report.sent)) == (first.message_id, len(_rows(engine)) - 1)
        assert drain(engine, _smtp(port), SENDER, now=lambda: T0 + dt.timedelta(seconds=59)).sent == []
        mailbox.refuse = ["451 4.7.1 greylisted"]  # and refused once more, a minute later
        assert drain(engine, _smtp(port), SENDER, now=lambda: T0 + dt.timedelta(minutes=1)).retrying
        assert drain(engine, _smtp(port), SENDER, now=lambda: T0 + dt.timedelta(minutes=2)).sent == []  # backing off
        late = drain(engine, _smtp(port), SENDER, now=lambda: T0 + dt.timedelta(minutes=3))
    assert late.sent == [first.message_id]
    assert [m["Message-ID"] for m in mailbox.messages()].count(first.message_id) == 1
    with engine.connect() as connection:
        attempts = (
            connection.execute(
                sa.select(col(OutboxAttempt.outcome))
                .where(col(OutboxAttempt.outbox_id) == first.id)
                .order_by(col(OutboxAttempt.id))
            )
            .scalars()
            .all()
        )
    assert attempts == ["retry", "retry", "sent"]


@pytest.mark.usefixtures("queued")
def test_a_permanent_rejection_is_kept_for_an_operator(engine: sa.Engine) -> None:
    with smtp_server() as (mailbox, port):
        mailbox.refuse = ["550 5.1.1 no such mailbox"]
        report = drain(engine, _smtp(port), SENDER, now=lambda: T0)
        [(message_id, error)] = report.failed
        assert "550" in error
        failed = [r for r in _rows(engine) if r.state == "failed"]
        assert [(r.message_id, r.attempts) for r in failed] == [(message_id, 1)]
        assert drain(engine, _smtp(port), SENDER, now=lambda: T0 + dt.timedelta(days=1)).sent == []  # not retried alone
        with engine.begin() as connection:  # what `plan-monitor outbox retry` does
            connection.execute(
                sa.update(OutboxMessage)
                .where(col(OutboxMessage.state) == "failed")
                .values(state="queued", next_attempt_at=T0)
            )
        assert drain(engine, _smtp(port), SENDER, now=lambda: T0).sent == [message_id]


@pytest.mark.usefixtures("queued")
def test_a_crash_between_send_and_mark_repeats_only_that_message(engine: sa.Engine) -> None:
    rows = _rows(engine)
    crashing = rows[1].message_id

    def crash(message_id: str) -> None:
        if message_id == crashing:
            raise KeyboardInterrupt  # the process dies after the server accepted, before the mark

    with smtp_server() as (mailbox, port):
        with pytest.raises(KeyboardInterrupt):
            drain(engine, _smtp(port), SENDER, now=lambda: T0, after_send=crash)
        drain(engine, _smtp(port), SENDER, now=lambda: T0)  # the dead sender's claim still holds it
        assert [m["Message-ID"] for m in mailbox.messages()].count(crashing) == 1
        drain(engine, _smtp(port), SENDER, now=lambda: T0 + CLAIM_LEASE)  # the claim has expired
    received = [m["Message-ID"] for m in mailbox.messages()]
    assert received.count(crashing) == 2  # at most one repeat: the message in flight
    assert all(received.count(r.message_id) == 1 for r in rows if r.message_id != crashing)
    assert {r.state for r in _rows(engine)} == {"sent"}


@pytest.mark.usefixtures("queued")
def test_a_server_down_for_a_day_loses_nothing(engine: sa.Engine) -> None:
    count = len(_rows(engine))
    port = free_port()
    for hour in range(0, 24, 3):
        report = drain(engine, _smtp(port), SENDER, now=lambda h=hour: T0 + dt.timedelta(hours=h))  # type: ignore[misc]
        assert report.sent == []
    assert {r.state for r in _rows(engine)} == {"queued"}
    with smtp_server() as (mailbox, new_port):
        report = drain(engine, _smtp(new_port), SENDER, now=lambda: T0 + dt.timedelta(days=1, hours=1))
    assert len(report.sent) == count
    assert len(mailbox.received) == count
