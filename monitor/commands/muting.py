"""Commands that mute alerts: silences (until a date) and acknowledgements ("giải trình")."""

from __future__ import annotations

import datetime as dt
import getpass

import click
from rich.table import Table

from monitor.commands.common import DATE, console, fail, load, plan_option, settings
from monitor.commands.store import database
from monitor.store import muting
from rules import Period, Plan, SeriesKey

LONGEST_SILENCE = dt.timedelta(days=366)


def _who(by: str | None) -> str:
    return by or getpass.getuser()


def _series(plan: Plan, target_id: str, breakdown: str | None) -> None:
    target = plan.targets.get(target_id)
    if target is None:
        fail(f"unknown target '{target_id}'; see plan-monitor targets", status=2)
    if breakdown:
        known = target.part_keys()
        if breakdown not in known:
            fail(
                f"unknown breakdown '{breakdown}' of {target_id}; expected one of {', '.join(known) or 'none'}",
                status=2,
            )


@click.group(name="silence")
def silence_group() -> None:
    """Mute a target's messages until a date. Every silence expires."""


@silence_group.command(name="add")
@click.argument("target")
@click.option("--until", type=DATE, required=True, help="Last day of the silence (at most a year ahead).")
@click.option("--reason", required=True, help="Why: kept with the silence.")
@click.option("--breakdown", help="Only this breakdown part (default: the target and all its parts).")
@click.option("--by", help="Who silences (default: the login name).")
@plan_option
def silence_add(target: str, until: dt.datetime, reason: str, breakdown: str | None, by: str | None) -> None:
    """Silence TARGET until a date."""
    plan = load()
    _series(plan, target, breakdown)
    today, last = settings().today(), until.date()
    if last < today:
        fail(f"--until {last} is in the past", status=2)
    if last > today + LONGEST_SILENCE:
        fail(f"--until {last} is more than a year ahead; silences must expire", status=2)
    if not reason.strip():
        fail("--reason must say why", status=2)
    silence_id = muting.add_silence(
        database(),
        target,
        breakdown,
        last,
        reason.strip(),
        plan=plan.info.key,
        by=_who(by),
        now=dt.datetime.now(dt.UTC),
    )
    click.echo(f"silence {silence_id}: {target} muted until {last}")


@silence_group.command(name="list")
@click.option("--all", "everything", is_flag=True, help="Also expired and removed silences.")
@plan_option
def silence_list(everything: bool) -> None:
    """List the silences in force (or all of them)."""
    plan = load()
    rows = muting.silences(database(), plan=plan.info.key, in_force_on=None if everything else settings().today())
    table = Table(title="Silences")
    for column in ("id", "target", "part", "until", "reason", "by", "removed"):
        table.add_column(column, overflow="fold")
    for r in rows:
        removed = f"{r.removed_by} {r.removed_at:%Y-%m-%d}" if r.removed_at else ""
        table.add_row(str(r.id), r.target_id, r.breakdown or "", str(r.until), r.reason, r.created_by, removed)
    console().print(table)


@silence_group.command(name="remove")
@click.argument("silence_id", type=int)
@click.option("--by", help="Who removes it (default: the login name).")
@plan_option
def silence_remove(silence_id: int, by: str | None) -> None:
    """End a silence before its date."""
    plan = load()
    if not muting.remove_silence(database(), silence_id, plan=plan.info.key, by=_who(by), now=dt.datetime.now(dt.UTC)):
        fail(f"no silence {silence_id} in force", status=2)
    click.echo(f"silence {silence_id} removed")


@click.group(name="ack")
def ack_group() -> None:
    """Acknowledge a shortfall ("giải trình"): cause, remedy, expected date."""


@ack_group.command(name="add")
@click.argument("target")
@click.option("--period", required=True, help="The period explained, e.g. 2022-06 (the figure's period).")
@click.option("--cause", required=True, help="Why the target is behind.")
@click.option("--remedy", required=True, help="What is being done.")
@click.option("--expected", type=DATE, help="When it is expected back on track.")
@click.option("--breakdown", help="The breakdown part explained (default: the target itself).")
@click.option("--by", help="Who explains (default: the login name).")
@plan_option
def ack_add(
    target: str,
    period: str,
    cause: str,
    remedy: str,
    expected: dt.datetime | None,
    breakdown: str | None,
    by: str | None,
) -> None:
    """Record an explanation for TARGET in one period; repeats for that period are held back."""
    plan = load()
    _series(plan, target, breakdown)
    try:
        parsed = Period.parse(period, plan.info.year)
    except ValueError as exc:
        fail(str(exc), status=2)
    label, (start, end) = parsed.label, plan.period_window(plan.targets[target])
    if parsed.start < start or parsed.end > end:  # as a figure's period is refused (monitor.ingest.rows)
        fail(f"--period {label}: outside the plan; expected a period from {start} to {end}", status=2)
    if not cause.strip() or not remedy.strip():
        fail("--cause and --remedy must say something", status=2)
    muting.add_acknowledgement(
        database(), SeriesKey(target, breakdown or ""), label, cause.strip(), remedy.strip(),
        expected.date() if expected else None, plan=plan.info.key, by=_who(by), now=dt.datetime.now(dt.UTC),
    )  # fmt: skip
    click.echo(f"acknowledged {target} for {label}")


@ack_group.command(name="list")
@click.argument("target", required=False)
@plan_option
def ack_list(target: str | None) -> None:
    """List the acknowledgements (of TARGET)."""
    rows = muting.acknowledgements(database(), target, plan=load().info.key)
    table = Table(title="Giải trình")
    for column in ("target", "part", "period", "cause", "remedy", "expected", "by", "when"):
        table.add_column(column, overflow="fold")
    for r in rows:
        expected = str(r.expected_date) if r.expected_date else ""
        table.add_row(r.target_id, r.breakdown, r.period, r.cause, r.remedy, expected, r.created_by,
                      f"{r.created_at:%Y-%m-%d %H:%M}")  # fmt: skip
    console().print(table)
