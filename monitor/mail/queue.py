"""Putting messages in the outbox: a run's digests, in the run's own transaction, and notices to
the plan's admin."""

from __future__ import annotations

import datetime as dt
import hashlib

import sqlalchemy as sa

from monitor.lifecycle import MessageKind
from monitor.mail.compose import DigestPlan, MailContext, compose, plan_digests
from monitor.mail.drawing import Drawn, draw_all
from monitor.recording import OnOwed, Queued, RunResult
from monitor.store import outbox
from monitor.store.database import writing
from monitor.store.muting import latest_acknowledgements
from notifiers import Explanation, render_notice
from rules import Observation, Plan, SeriesKey


def queue_digests(
    plan: Plan,
    known: dict[str, list[Observation]],
    mail: MailContext,
    now: dt.datetime,
    drawn: Drawn | None = None,
    planned: DigestPlan | None = None,
) -> OnOwed:
    """The recorder's callback that composes a run's digests and queues them in its transaction;
    from the digests `planned` beforehand (`plan_mail`) when the run owes what they were planned
    from, with the charts `drawn` for them."""

    def owed(connection: sa.Connection, result: RunResult) -> None:
        queued = _news(connection, result, plan.info.key)
        if not queued:
            return
        explanations = _explanations(connection, plan.info.key)
        digests = planned
        if digests is None or digests.queued != queued or digests.explanations != explanations:
            evaluations = {SeriesKey(e.target_id, e.breakdown): e for e in result.evaluations}
            digests = plan_digests(plan, result.as_of, queued, evaluations, known, explanations, mail)
        for message in compose(plan, result.run_id, result.as_of, digests, known, mail, now, drawn):
            outbox.enqueue(connection, message, plan=plan.info.key, run_id=result.run_id, now=now)

    return owed


def plan_mail(
    engine: sa.Engine, plan: Plan, known: dict[str, list[Observation]], draft: RunResult, mail: MailContext
) -> DigestPlan | None:
    """The digests a drafted run (monitor.recording.draft_run) will owe, and their charts, planned
    now, outside any transaction; None when it owes none."""
    with engine.connect() as connection:
        queued = _news(connection, draft, plan.info.key)
        explanations = _explanations(connection, plan.info.key) if queued else {}
    if not queued:
        return None
    evaluations = {SeriesKey(e.target_id, e.breakdown): e for e in draft.evaluations}
    return plan_digests(plan, draft.as_of, queued, evaluations, known, explanations, mail)


def draw_charts(planned: DigestPlan | None) -> Drawn:
    """The charts of the digests `planned`, drawn now (in worker processes), outside any transaction."""
    return draw_all(planned.charts) if planned is not None else {}


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
