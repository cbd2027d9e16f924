"""Sending: draining the outbox, deliver each due message, mark it sent only once the server took it.

Delivery is at least once: a message is marked sent right after the server accepted it (in the
transaction that claims the next one: one write a message), so a process killed in between sends
that one message again, and no other.
A recoverable failure (timeout, 4xx, dropped connection) is retried with exponential backoff,
capped at an hour, without end: a server down for a day loses nothing. A permanent failure (5xx,
refused authentication) is kept, marked failed, for an operator (`plan-monitor outbox retry`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import socket
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy as sa

from monitor.settings import Settings
from monitor.store import outbox
from notifiers import (
    EmailNotifier,
    FileNotifier,
    Notifier,
    PermanentError,
    RecoverableError,
    ServerUnavailableError,
    SmtpSettings,
)

if TYPE_CHECKING:
    from monitor.mail.compose import MailContext

FIRST_RETRY = dt.timedelta(minutes=1)
CLAIM_LEASE = dt.timedelta(minutes=15)  # longer than one delivery at the longest SMTP timeout
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
    """What composing needs from the settings. Composing (its templates, Babel, the charts) is
    imported here, by those who compose: sending what is queued does not load it."""
    from monitor.mail.compose import MailContext
    from notifiers import Templates

    return MailContext(
        settings.mail_from, Templates(settings.templates), reply_to=settings.reply_to,
        public_url=settings.public_url.rstrip("/") if settings.public_url else None,
        inbox=str(settings.effective_inbox()), remind_days=settings.remind_days,
    )  # fmt: skip


@dataclass
class DrainReport:
    sent: list[str] = field(default_factory=list)
    retrying: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    deferred: bool = False  # the server was unavailable: the rest of the pass waits for the next


def drain(
    engine: sa.Engine,
    notifier: Notifier,
    sender: str,
    *,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    after_send: Callable[[str], None] | None = None,
    stop: Callable[[], bool] = lambda: False,
    claimant: str | None = None,
    lease: dt.timedelta = CLAIM_LEASE,
    only: Collection[str] | None = None,
) -> DrainReport:
    """Deliver every message due now (or only those of the Message-IDs in `only`), until `stop()`
    says so between two messages; `after_send` is called between the server's acceptance and the mark.

    Each message is claimed before it is delivered, so that two senders (the daemon and an
    operator's `outbox send`, or a daemon that lost its leadership and the one that took over)
    never deliver it both. A claim lasts `lease`: a sender killed while holding one leaves the
    message to be taken again once it expires, the one repeat a crash may cause. When the
    server cannot be reached or does not answer in time, the rest of the pass waits for the next.
    """
    who = claimant or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    _release_the_dead(engine, now())
    return asyncio.run(_drain(engine, notifier, sender, now, after_send, stop, who, lease, only))


def _release_the_dead(engine: sa.Engine, now: dt.datetime) -> None:
    """A sender of this host that has died (killed in the middle of a delivery) holds its claim no
    longer: its message is taken again now, not when the claim expires. Senders on other hosts
    cannot be asked; their claims expire."""
    host = socket.gethostname()
    for claimant in outbox.claimants(engine, now):
        claimed_on, _, rest = claimant.partition(":")
        pid = rest.partition(":")[0]
        if claimed_on == host and pid.isdigit() and not _alive(int(pid)):
            outbox.release_claims(engine, claimant)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: alive
    return True


async def _drain(
    engine: sa.Engine,
    notifier: Notifier,
    sender: str,
    now: Callable[[], dt.datetime],
    after_send: Callable[[str], None] | None,
    stop: Callable[[], bool],
    claimant: str,
    lease: dt.timedelta,
    only: Collection[str] | None = None,
) -> DrainReport:
    report = DrainReport()
    settle: list[outbox.Outcome] = []  # the last message's outcome, written with the next claim
    try:
        await _deliver_due(engine, notifier, sender, now, after_send, stop, claimant, lease, only, report, settle)
    finally:
        for done in settle:  # the last one, or one left by an error: never lost
            outbox.mark(engine, done.outbox_id, done.attempts, done.outcome, done.error, done.at,
                        retry_at=done.retry_at)  # fmt: skip
    return report


async def _deliver_due(
    engine: sa.Engine,
    notifier: Notifier,
    sender: str,
    now: Callable[[], dt.datetime],
    after_send: Callable[[str], None] | None,
    stop: Callable[[], bool],
    claimant: str,
    lease: dt.timedelta,
    only: Collection[str] | None,
    report: DrainReport,
    settle: list[outbox.Outcome],
) -> None:
    """Each due message claimed, delivered, and its outcome left in `settle` for the next claim
    to write (one write a message)."""
    async with notifier:
        for row in outbox.due(engine, now()):
            if only is not None and row.message_id not in only:
                continue
            if stop():
                break  # the rest stay queued for the next drain
            body = outbox.claim(engine, row.id, claimant, now(), lease, settle=settle[0] if settle else None)
            settle.clear()
            if body is None:
                continue  # sent meanwhile, or another sender holds it
            attempts = row.attempts + 1
            try:
                await notifier.deliver(body, sender, [row.address], row.message_id)
            except RecoverableError as exc:
                at = now()
                settle.append(outbox.Outcome(row.id, attempts, "retry", str(exc), at, at + backoff(attempts)))
                report.retrying.append((row.message_id, str(exc)))
                if isinstance(exc, ServerUnavailableError):
                    report.deferred = True
                    break  # the others would wait as long: they go in the next pass
                continue
            except PermanentError as exc:
                settle.append(outbox.Outcome(row.id, attempts, "failed", str(exc), now()))
                report.failed.append((row.message_id, str(exc)))
                continue
            if after_send:
                after_send(row.message_id)
            settle.append(outbox.Outcome(row.id, attempts, "sent", None, now()))
            report.sent.append(row.message_id)
