"""Commands that run the daemon: run (or one cycle), and config (the settings it runs on)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import click
import sqlalchemy as sa

from monitor import plans
from monitor.commands.common import DATE, asked_plan, fail, loaded_plans, plan_option, settings
from monitor.commands.common import chosen as chosen_plan
from monitor.commands.store import database, database_checked_apart
from monitor.daemon import Daemon, ScheduleError, cron_triggers
from monitor.jobs import Jobs
from monitor.logs import event, setup
from monitor.settings import Settings
from monitor.store.alerts import EarlierThanLastRunError
from monitor.store.database import DatabaseURLError, usable_url
from rules import Plan


@click.command()
@click.option("--once", is_flag=True, help="Run one full cycle (inbox, evaluation, outbox) and exit.")
@click.option("--as-of", type=DATE, help="With --once: evaluate as of this date (default: today).")
@plan_option
def run(once: bool, as_of: dt.datetime | None) -> None:
    """Run the daemon: poll the inbox, evaluate on schedule and after new data, send the emails."""
    if as_of is not None and not once:
        fail("--as-of needs --once: the daemon judges each day as of that day", status=2)
    config = settings()
    setup(config.log_level, config.timezone)
    try:
        cron_triggers(config)
    except ScheduleError as exc:
        fail(f"invalid settings: {exc}", status=2)
    loaded = loaded_plans()
    chosen = [chosen_plan(loaded)] if asked_plan() is not None or len(loaded) == 1 else list(loaded.values())
    engine = database() if once else database_checked_apart()
    jobs = [_jobs(engine, config, plan, loaded) for plan in chosen]
    targets = sum(len(plan.targets) for plan in chosen)
    named: dict[str, Any] = {"plans": ",".join(p.info.key for p in chosen)} if len(loaded) > 1 else {}
    event("daemon.start", targets=targets, database=config.shown()["database_url"], once=once, **named)
    if once:
        for each in jobs:
            try:
                each.once(as_of.date() if as_of else None)
            except EarlierThanLastRunError as exc:
                fail(str(exc))
        return
    raise SystemExit(Daemon(config, *jobs).run())


def _jobs(engine: sa.Engine, config: Settings, plan: Plan, loaded: dict[str, Plan]) -> Jobs:
    """A plan's jobs; with several plans, on its own folder and inbox folder (monitor.plans)."""
    if len(loaded) == 1:
        return Jobs(engine, config, plan)
    inbox = plans.plan_inbox(config.effective_inbox(), plan, loaded)
    return Jobs(engine, config, plan, folder=plans.folder_of(plan, config.targets), inbox=inbox)


@click.command()
def config() -> None:
    """Print the effective settings (secrets masked), and check them."""
    current = settings()
    for name, value in current.shown().items():
        click.echo(f"{name} = {value!r}" if isinstance(value, str) else f"{name} = {value}")
    try:
        cron_triggers(current)
        usable_url(current.effective_database_url())
    except (ScheduleError, DatabaseURLError, sa.exc.ArgumentError) as exc:
        fail(f"invalid settings: {exc}", status=2)
