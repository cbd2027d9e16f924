"""Commands about messages: the outbox (list, send, retry, purge-sent) and a test email."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid

import click

from monitor.commands.common import console, fail, load, plan_option, settings, templates_used
from monitor.commands.store import database
from monitor.mail.sending import drain, mail_context, notifier_from
from monitor.store import outbox
from notifiers import DeliveryError


@click.group(name="outbox")
def outbox_group() -> None:
    """The messages owed: list them, send them now, retry failed ones, purge sent ones."""


@outbox_group.command(name="list")
@click.option("--state", type=click.Choice(["queued", "sent", "failed", "all"]), default="all", show_default=True)
def outbox_list(state: str) -> None:
    """List the outbox."""
    from rich.table import Table

    rows = outbox.messages(database(), None if state == "all" else state)
    table = Table(title="Outbox")
    for column in ("id", "to", "subject", "state", "attempts", "next / sent", "last error"):
        table.add_column(column, overflow="fold")
    for r in rows:
        when = r.sent_at if r.state == "sent" else r.next_attempt_at
        table.add_row(str(r.id), f"{r.recipient} <{r.address}>", r.subject, r.state, str(r.attempts),
                      f"{when:%Y-%m-%d %H:%M}" if when else "", r.last_error or "")  # fmt: skip
    console().print(table)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r.state] = counts.get(r.state, 0) + 1
    click.echo(", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "the outbox is empty")


@outbox_group.command(name="send")
def outbox_send() -> None:
    """Deliver every message due now (SMTP, or .eml files without a server)."""
    config = settings()
    report = drain(database(), notifier_from(config), config.mail_from)
    where = config.smtp_host or config.effective_mail_dir()
    click.echo(f"{len(report.sent)} sent to {where}, {len(report.retrying)} to retry, {len(report.failed)} failed")
    for message_id, error in report.retrying:
        click.echo(f"retry later {message_id}: {error}", err=True)
    for message_id, error in report.failed:
        click.echo(f"failed {message_id}: {error}", err=True)


@outbox_group.command(name="retry")
@click.argument("ids", nargs=-1, type=int)
def outbox_retry(ids: tuple[int, ...]) -> None:
    """Queue failed messages again (all failed ones, or those given by id), due now."""
    engine = database()
    unknown = sorted(set(ids) - {m.id for m in outbox.messages(engine, "failed")})
    if unknown:  # nothing is queued again: the ids were mistyped, or the messages were sent meanwhile
        shown = ", ".join(map(str, unknown))
        fail(f"no failed message {shown}; nothing queued again (see plan-monitor outbox list --state failed)", status=2)
    count = outbox.requeue_failed(engine, ids, now=dt.datetime.now(dt.UTC))
    click.echo(f"{count} messages queued again")


@outbox_group.command(name="purge-sent")
@click.option(
    "--older-than",
    "days",
    type=click.IntRange(min=0, max=36500),  # a century: further back than any message, short of the calendar's start
    default=30,
    show_default=True,
    help="Days since sent.",
)
def outbox_purge(days: int) -> None:
    """Delete sent messages (and their attempts) sent more than N days ago."""
    count = outbox.purge_sent(database(), sent_before=dt.datetime.now(dt.UTC) - dt.timedelta(days=days))
    click.echo(f"{count} sent messages purged")


@click.command(name="notify")
@click.option("--test", "department", required=True, help="Send a test email to this department's address.")
@plan_option
def notify(department: str) -> None:
    """Send a test email to a department, straight away (not through the outbox)."""
    from notifiers import render_test  # the templates: this command alone renders a message

    plan = load()
    target = plan.departments.get(department)
    if target is None:
        fail(f"unknown department '{department}'; expected an id from the departments file", status=2)
    config = settings()
    context = mail_context(config)
    now = dt.datetime.now(dt.UTC)
    message_id = f"<test.{uuid.uuid4().hex[:12]}@{context.domain}>"
    with templates_used(config):
        message = render_test(context.templates, name=target.name, address=target.email, plan_title=plan.info.title,
                              sender=config.mail_from, message_id=message_id, at=now)  # fmt: skip
    notifier = notifier_from(config)

    async def send() -> None:
        async with notifier:
            await notifier.deliver(message.as_bytes(), config.mail_from, [target.email], message_id)

    try:
        asyncio.run(send())
    except DeliveryError as exc:
        fail(f"the test email to {target.email} was not delivered: {exc}")
    click.echo(
        f"test email sent to {target.name} <{target.email}> via {config.smtp_host or config.effective_mail_dir()}"
    )
