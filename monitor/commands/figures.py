"""Commands about figures: ingest files or the inbox, show what is stored."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from monitor.commands.common import chosen, console, fail, load, loaded_plans, plan_option, settings
from monitor.commands.store import database
from monitor.ingest.arrivals import Looks, arrivals
from monitor.ingest.batch import Outcome, Report, ingest_file
from monitor.plans import plan_inbox, stray_message, strays


@click.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--inbox", "use_inbox", is_flag=True, help="Ingest the files waiting in the inbox folder.")
@click.option("--submitter", help="Department id of the sender (inbox: the sub-folder's name).")
@plan_option
def ingest(files: tuple[Path, ...], use_inbox: bool, submitter: str | None) -> None:
    """Store the figures of data files (CSV, XLSX, JSON), each file all or nothing."""
    if not files and not use_inbox:
        fail("name the files to ingest, or pass --inbox", status=2)
    loaded = loaded_plans()
    plan = chosen(loaded)
    if submitter is not None and submitter not in plan.departments:
        fail(f"unknown submitter '{submitter}'; expected a department id from the departments file", status=2)
    config, looks = settings(), Looks()
    inbox, settle, limits = (
        plan_inbox(config.effective_inbox(), plan, loaded),
        config.inbox_settle_seconds,
        config.file_limits(),
    )
    now = dt.datetime.now(dt.UTC)
    if use_inbox:  # look, and look again after the settle time: a file still being copied is left
        from monitor.ingest.inbox import process_inbox, wait_to_settle

        now = wait_to_settle(inbox, looks, settle, now=now)
    engine = database()
    rejected = False  # a failure of the database itself is told by `monitor.cli.main`, in one line
    for path in files:
        rejected |= _print(ingest_file(engine, plan, path, submitter=submitter, limits=limits))
    if use_inbox:
        reports = process_inbox(
            engine, plan, inbox, now=now, settle=settle, looks=looks, limits=limits, on_report=_print
        )
        rejected |= any(r.outcome == Outcome.REJECTED or r.move_problem for r in reports)
        for stray in strays(config.effective_inbox(), loaded):
            click.echo(stray_message(stray, loaded), err=True)
            rejected = True
        left = len(arrivals(inbox, ())) - len(looks.unmovable)
        if left:
            click.echo(f"{left} file(s) left in the inbox: still being written (changed in the last {settle:g} s)")
        elif not reports:
            click.echo(f"the inbox {inbox} is empty")
    if rejected:
        sys.exit(1)


def _print(report: Report) -> bool:
    """Print what happened to a file; True if it was rejected or could not be moved where it belongs."""
    rejected = report.outcome == Outcome.REJECTED
    click.echo(report.summary(), err=rejected)
    for line in report.details():
        click.echo(line, err=True)
    if report.move_problem:
        where = f"; moved to {report.moved_to}" if report.moved_to else ""
        click.echo(f"{report.file}: {report.move_problem}{where}", err=True)
    return rejected or report.move_problem is not None


@click.command()
@click.argument("target", required=False)
@click.option("--history", is_flag=True, help="Every revision, not only the current figures.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@plan_option
def data(target: str | None, history: bool, fmt: str) -> None:
    """Show the stored figures (of TARGET), with their revisions under --history."""
    from rich.table import Table

    from monitor.records import figure_record
    from monitor.store.figures import figures
    from notifiers import formatting

    plan = load()
    if target is not None and target not in plan.targets:
        fail(f"unknown target '{target}'; see plan-monitor targets", status=2)
    rows = figures(database(), target, plan=plan.info.key, history=history)
    if fmt == "json":
        records = [figure_record(f) for f in rows]
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    table = Table(title="Số liệu đã nhận" + (" (cả các lần sửa)" if history else ""))
    for column in ("target", "breakdown", "period", "value", "unit", "status", "basis", "source", "received"):
        table.add_column(column, overflow="fold")
    for f in rows:
        value = formatting.number(f.value)
        if f.reported_unit != f.unit:
            value += f" ({formatting.number(f.reported_value)} {f.reported_unit})"
        style = None if f.is_current else "dim strike"
        table.add_row(
            f.target_id, f.breakdown, f.period, value, f.unit, f.status, f.basis,
            f"{f.file_name}:{f.source_row}", f.received_at.strftime("%Y-%m-%d %H:%M"), style=style,
        )  # fmt: skip
    console().print(table)
    if not rows:
        click.echo("no figures stored" + (f" for {target}" if target else ""))
