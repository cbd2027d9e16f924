"""Putting messages in the outbox: a run's digests, in the run's own transaction, and notices to
the plan's admin."""

from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa

from monitor.lifecycle import MessageKind
from monitor.mail.compose import MailContext, charts_wanted, compose
from monitor.mail.drawing import Drawn, draw_all
from monitor.recording import OnOwed, Queued, RunResult
from monitor.store import outbox
from monitor.store.database import writing
from monitor.store.muting import latest_acknowledgements
from notifiers import Explanation, render_notice
from rules import Observation, Plan, SeriesKey


def queue_digests(
    plan: Plan, known: dict[str, list[Observation]], mail: MailContext, now: dt.datetime, drawn: Drawn | None = None
) -> OnOwed:
    """The recorder's callback that composes a run's digests and queues them in its transaction;
    with the charts `drawn` beforehand (`draw_charts`)."""

    def owed(connection: sa.Connection, result: RunResult) -> None:
        queued = _news(connection, result, plan.info.key)
        if not queued:
            return
        evaluations = {SeriesKey(e.target_id, e.breakdown): e for e in result.evaluations}
        explanations = _explanations(connection, plan.info.key)
        for message in compose(
            plan, result.run_id, result.as_of, queued, evaluations, known, explanations, mail, now, drawn
        ):
            outbox.enqueue(connection, message, plan=plan.info.key, run_id=result.run_id, now=now)

    return owed


def draw_charts(
    engine: sa.Engine, plan: Plan, known: dict[str, list[Observation]], draft: RunResult, mail: MailContext
) -> Drawn:
    """The charts the digests of `draft` (monitor.recording.draft_run) will carry, drawn now,
    outside any transaction."""
    with engine.connect() as connection:
        queued = _news(connection, draft, plan.info.key)
        explanations = _explanations(connection, plan.info.key) if queued else {}
    if not queued:
        return {}
    evaluations = {SeriesKey(e.target_id, e.breakdown): e for e in draft.evaluations}
    return draw_all(charts_wanted(plan, draft.as_of, queued, evaluations, known, explanations, mail))


def _news(connection: sa.Connection, result: RunResult, plan: str) -> list[Queued]:
    """The messages owed, less reminders to a recipient already written to that day."""
    # A reminder is not worth a second digest the same day (the weekly digest and the daily
    # evaluation fire in the same minute on Mondays): news still goes out.
    told = outbox.recipients_told_on(connection, result.as_of, plan=plan)
    return [q for q in result.queued if q.message != MessageKind.REPEAT or q.recipient.department not in told]


def _explanations(connection: sa.Connection, plan: str) -> dict[SeriesKey, Explanation]:
    return {
        key: Explanation(record.period, record.cause, record.remedy, record.expected_date, record.created_by)
        for key, record in latest_acknowledgements(connection, plan=plan).items()
    }


def queue_notice(
    engine: sa.Engine, plan: Plan, mail: MailContext, *, subject: str, lines: list[str], now: dt.datetime
) -> bool:
    """Queue a notice to the plan's admin, once per distinct content; True if it was queued now."""
    admin = plan.departments[plan.info.admin]
    digest = hashlib.sha256("\n".join([subject, *lines]).encode()).hexdigest()[:16]
    message_id = f"<notice.{digest}@{mail.domain}>"
    message = render_notice(
        subject=subject, lines=lines, name=admin.name, address=admin.email, sender=mail.sender,
        message_id=message_id, at=now,
    )  # fmt: skip
    outgoing = outbox.Outgoing(message_id, admin.id, admin.email, str(message["Subject"]), message.as_bytes())
    with writing(engine) as connection:
        return outbox.enqueue(connection, outgoing, plan=plan.info.key, run_id=None, now=now)
