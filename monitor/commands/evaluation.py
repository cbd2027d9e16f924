"""Commands that judge the plan: evaluate (and record), status (at a glance), backtest (replay)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import click
from rich.console import Console

from monitor.commands.common import DATE, fail, load, plan_option, settings, templates_used
from monitor.commands.status_table import status_table
from monitor.commands.store import database
from monitor.evaluation import evaluate_stored, replay, run_evaluation, steps
from monitor.lifecycle import AlertKey, AlertState
from monitor.mail.sending import mail_context
from monitor.recording import RunResult
from monitor.records import evaluation_record
from monitor.store.alerts import EarlierThanLastRunError, alert_states
from notifiers import STATUS_NAMES, formatting
from rules import Evaluation, Plan, Status

SHOWN = 200  # series in a table by default: a national plan's 100,000 rows are no one's glance


def _as_of(value: dt.datetime | None) -> dt.date:
    return value.date() if value else settings().today()


def _repeat() -> dt.timedelta:
    return dt.timedelta(days=settings().repeat_days)


@click.command()
@click.option("--as-of", type=DATE, help="Evaluate as of this date (default: today, Asia/Ho_Chi_Minh).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--all", "every", is_flag=True, help=f"Every series in the table (default: the {SHOWN} worst).")
@plan_option
def evaluate(as_of: dt.datetime | None, fmt: str, every: bool) -> None:
    """Evaluate every target, record the run and its alerts, and queue the messages owed."""
    plan = load()
    day = _as_of(as_of)
    config = settings()
    with templates_used(config):
        try:
            result = run_evaluation(
                database(), plan, day, trigger="cli", repeat_every=_repeat(), mail=mail_context(config)
            )
        except EarlierThanLastRunError as exc:
            fail(str(exc))
    if fmt == "json":
        click.echo(
            json.dumps(
                [evaluation_record(e, result.alert_states) for e in result.evaluations], ensure_ascii=False, indent=2
            )
        )
        return
    table(plan, result.evaluations, result.alert_states, f"Đánh giá đến ngày {formatting.day(day)}", every=every)
    click.echo(_summary(result))


def _summary(result: RunResult) -> str:
    firing = sum(1 for state in result.alert_states.values() if state == AlertState.FIRING)
    recipients = len({q.recipient.department for q in result.queued})
    return (
        f"run {result.run_id} as of {result.as_of}: {len(result.evaluations)} series, {firing} alerts firing, "
        f"{len(result.transitions)} transitions, {recipients} digests in the outbox (plan-monitor outbox send)"
    )


@click.command()
@click.option("--as-of", type=DATE, help="Judge as of this date (default: today).")
@click.option("--owner", help="Only the series this department owns.")
@click.option("--all", "every", is_flag=True, help=f"Every series (default: the {SHOWN} worst).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@plan_option
def status(as_of: dt.datetime | None, owner: str | None, every: bool, fmt: str) -> None:
    """The plan at a glance, worst first, as wide as the terminal. Records nothing."""
    plan = load()
    if owner is not None and owner not in plan.departments:
        fail(f"unknown department '{owner}'; expected an id from the departments file", status=2)
    engine = database()
    day = _as_of(as_of)
    evaluations = evaluate_stored(engine, plan, day)
    if owner:
        evaluations = [e for e in evaluations if _owner(plan, e) == owner]
    states = alert_states(engine, plan=plan.info.key)
    if fmt == "json":
        click.echo(json.dumps([evaluation_record(e, states) for e in evaluations], ensure_ascii=False, indent=2))
        return
    table(plan, evaluations, states, f"Tình hình thực hiện đến ngày {formatting.day(day)}", every=every)


def _owner(plan: Plan, evaluation: Evaluation) -> str:
    return plan.targets[evaluation.target_id].owner_of(evaluation.breakdown)


def table(
    plan: Plan, evaluations: list[Evaluation], states: dict[AlertKey, AlertState], title: str, *, every: bool = False
) -> None:
    """The series worst first, as a table that fits the terminal (fewer columns when it is narrow):
    the `SHOWN` worst, or `every` one; a line counts those left out."""
    ranked = sorted(evaluations, key=lambda e: -e.status.severity)
    shown = ranked if every else ranked[:SHOWN]
    out = Console()
    out.print(status_table(plan, shown, states, title, out.width))
    if len(shown) < len(ranked):
        left = Counter(e.status.value for e in ranked[len(shown) :])
        counted = ", ".join(
            f"{formatting.number(n)} {STATUS_NAMES[s]}"
            for s, n in sorted(left.items(), key=lambda kv: -Status(kv[0]).severity)
        )
        click.echo(f"… and {formatting.number(len(ranked) - len(shown))} more series ({counted}); --all lists them")


@click.command()
@click.option("--from", "start", type=DATE, required=True, help="First date of the replay.")
@click.option("--to", "end", type=DATE, required=True, help="Last date of the replay.")
@click.option("--step", type=click.Choice(["month", "week", "day"]), default="month", show_default=True)
@plan_option
def backtest(start: dt.datetime, end: dt.datetime, step: str) -> None:
    """Replay the stored figures through the year: statuses and the messages that would have gone out.

    Sends nothing and changes no alert state (the replay keeps its alerts in a scratch store).
    """
    if end < start:
        fail("--to is before --from", status=2)
    plan = load()
    dates = steps(start.date(), end.date(), step)
    if not dates:
        fail(f"no {step} step between {start.date()} and {end.date()}", status=2)
    for result in replay(database(), plan, dates, repeat_every=_repeat()):
        counts: dict[str, int] = {}
        for e in result.evaluations:
            counts[e.status.value] = counts.get(e.status.value, 0) + 1
        shown = ", ".join(f"{n} {s}" for s, n in sorted(counts.items(), key=lambda kv: -Status(kv[0]).severity))
        click.echo(f"{result.as_of}: {shown}")
        for change in result.transitions:
            part = f" [{change.breakdown}]" if change.breakdown else ""
            moved = f"{change.before.value} -> {change.after.value}"
            click.echo(f"  {change.target_id}{part} {change.kind.value}: {moved}: {change.reason}")
        for q in result.queued:
            part = f" [{q.breakdown}]" if q.breakdown else ""
            who = f"{q.recipient.department} ({q.recipient.role})"
            click.echo(f"  would send {q.message.value} ({q.kind.value}) about {q.target_id}{part} to {who}")
