"""`plan-monitor report`: the progress report in the source's layout, as HTML, PDF or XLSX."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from monitor.commands.common import DATE, fail, load, plan_option, settings
from monitor.commands.store import database
from monitor.progress import progress_report
from monitor.wholefile import write_whole
from notifiers import PdfUnavailableError, Templates, report_file, report_file_name


@click.command()
@click.option("--as-of", type=DATE, help="Report as of this date (default: today, Asia/Ho_Chi_Minh).")
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "xlsx"]), default="pdf", show_default=True)
@click.option("--owner", help="Only the targets and parts this department is judged on.")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write it ('-' for standard output); default bao-cao-tien-do-DATE.FORMAT here.",
)
@plan_option
def report(as_of: dt.datetime | None, fmt: str, owner: str | None, output: Path | None) -> None:
    """The progress report ("Tình hình thực hiện các chỉ tiêu chủ yếu…"): the targets in the
    source's layout, the count of main targets met, then the items behind with their explanations."""
    plan = load()
    if owner is not None and owner not in plan.departments:
        fail(f"unknown department '{owner}' (--owner); expected an id from the departments file", status=2)
    config = settings()
    day = as_of.date() if as_of else config.today()
    built = progress_report(database(), plan, day, owner=owner)
    try:
        data = report_file(built, fmt, Templates(config.templates))
    except PdfUnavailableError as exc:
        fail(str(exc), status=2)
    if output is not None and str(output) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    path = output or Path(report_file_name(built, fmt, owner))
    if not path.parent.is_dir():
        fail(f"cannot write {path} (--output): the folder {path.parent} does not exist", status=2)
    if path.exists() and not path.is_file():  # a device or a folder would be replaced by the report
        fail(
            f"cannot write {path} (--output): it is not a file; expected a file's path, or '-' for standard output",
            status=2,
        )
    try:
        write_whole(path, data)
    except OSError as exc:
        fail(f"cannot write {path} (--output): {exc.strerror or exc}")
    click.echo(f"{path} ({len(data):,} bytes): {built.met_sentence}; {len(built.lagging)} items behind")
