"""Draining the outbox: deliver each due message, mark it sent only once the server took it.

Delivery is at least once: a message is marked sent in its own transaction right after the
server accepted it, so a process killed in between sends that one message again, and no other.
A recoverable failure (timeout, 4xx, dropped connection) is retried with exponential backoff,
capped at an hour, without end: a server down for a day loses nothing. A permanent failure (5xx,
refused authentication) is kept, marked failed, for an operator (`plan-monitor outbox retry`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa

from monitor.digests import MailContext
from monitor.settings import Settings
from monitor.tables import OUTBOX, OUTBOX_ATTEMPT
from notifiers.delivery import EmailNotifier, FileNotifier, Notifier, SmtpSettings
from notifiers.errors import PermanentError, RecoverableError
from notifiers.render import Templates

FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_WAIT = dt.timedelta(hours=1)


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failure: 1, 2, 4, … minutes, at most an hour."""
    wait: dt.timedelta = FIRST_RETRY * (2 ** min(max(attempts - 1, 0), 16))
    return min(wait, LONGEST_WAIT)


def notifier_from(settings: Settings) -> Notifier:
    """SMTP when a server is configured, .eml files otherwise."""
    if settings.smtp_host:
        password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
        return EmailNotifier(
            SmtpSettings(
                host=settings.smtp_host, port=settings.smtp_port, security=settings.smtp_security,
                username=settings.smtp_username, password=password, timeout=settings.smtp_timeout,
                verify=settings.smtp_verify,
            )
        )  # fmt: skip
    return FileNotifier(settings.effective_mail_dir())


def mail_context(settings: Settings) -> MailContext:
    return MailContext(settings.mail_from, Templates(settings.templates))


@dataclass
class DrainReport:
    sent: list[str] = field(default_factory=list)
    retrying: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)


def drain(
    engine: sa.Engine,
    notifier: Notifier,
    sender: str,
    *,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    after_send: Callable[[str], None] | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> DrainReport:
    """Deliver every message due now, until `stop()` says so between two messages;
    `after_send` is called between the server's acceptance and the mark."""
    return asyncio.run(_drain(engine, notifier, sender, now, after_send, stop))


async def _drain(
    engine: sa.Engine,
    notifier: Notifier,
    sender: str,
    now: Callable[[], dt.datetime],
    after_send: Callable[[str], None] | None,
    stop: Callable[[], bool],
) -> DrainReport:
    report = DrainReport()
    due = (
        sa.select(OUTBOX.c.id, OUTBOX.c.message_id, OUTBOX.c.address, OUTBOX.c.message, OUTBOX.c.attempts)
        .where(OUTBOX.c.state == "queued", OUTBOX.c.next_attempt_at <= now())
        .order_by(OUTBOX.c.id)
    )
    with engine.connect() as connection:
        messages = connection.execute(due).all()
    async with notifier:
        for row in messages:
            if stop():
                break  # the rest stay queued for the next drain
            try:
                await notifier.deliver(row.message, sender, [row.address], row.message_id)
            except RecoverableError as exc:
                _mark(engine, row.id, row.attempts + 1, "retry", str(exc), now(), wait=backoff(row.attempts + 1))
                report.retrying.append((row.message_id, str(exc)))
                continue
            except PermanentError as exc:
                _mark(engine, row.id, row.attempts + 1, "failed", str(exc), now())
                report.failed.append((row.message_id, str(exc)))
                continue
            if after_send:
                after_send(row.message_id)
            _mark(engine, row.id, row.attempts + 1, "sent", None, now())
            report.sent.append(row.message_id)
    return report


def _mark(
    engine: sa.Engine,
    outbox_id: int,
    attempts: int,
    outcome: str,
    error: str | None,
    at: dt.datetime,
    *,
    wait: dt.timedelta | None = None,
) -> None:
    values: dict[str, object] = {"attempts": attempts, "last_error": error}
    if outcome == "sent":
        values |= {"state": "sent", "sent_at": at}
    elif outcome == "failed":
        values |= {"state": "failed"}
    else:
        values |= {"next_attempt_at": at + (wait or FIRST_RETRY)}
    with engine.begin() as connection:
        connection.execute(sa.update(OUTBOX).where(OUTBOX.c.id == outbox_id).values(**values))
        connection.execute(sa.insert(OUTBOX_ATTEMPT).values(outbox_id=outbox_id, at=at, outcome=outcome, error=error))
