"""Commands that run the daemon: run (or one cycle), and config (the settings it runs on)."""

from __future__ import annotations

import datetime as dt

import click

from monitor.commands.common import DATE, fail, load, plan_option, settings
from monitor.commands.store import database
from monitor.daemon import Daemon, ScheduleError, cron_triggers
from monitor.jobs import Jobs
from monitor.logs import event, setup
from monitor.store.alerts import EarlierThanLastRunError


@click.command()
@click.option("--once", is_flag=True, help="Run one full cycle (inbox, evaluation, outbox) and exit.")
@click.option("--as-of", type=DATE, help="With --once: evaluate as of this date (default: today).")
@plan_option
def run(once: bool, as_of: dt.datetime | None) -> None:
    """Run the daemon: poll the inbox, evaluate on schedule and after new data, send the emails."""
    config = settings()
    setup(config.log_level, config.timezone)
    try:
        cron_triggers(config)
    except ScheduleError as exc:
        fail(f"invalid settings: {exc}", status=2)
    plan = load()
    jobs = Jobs(database(), config, plan)
    event("daemon.start", targets=len(plan.targets), database=config.shown()["database_url"], once=once)
    if once:
        try:
            jobs.once(as_of.date() if as_of else None)
        except EarlierThanLastRunError as exc:
            fail(str(exc))
        return
    raise SystemExit(Daemon(config, jobs).run())


@click.command()
def config() -> None:
    """Print the effective settings (secrets masked), and check them."""
    current = settings()
    for name, value in current.shown().items():
        click.echo(f"{name} = {value!r}" if isinstance(value, str) else f"{name} = {value}")
    try:
        cron_triggers(current)
    except ScheduleError as exc:
        fail(f"invalid settings: {exc}", status=2)
