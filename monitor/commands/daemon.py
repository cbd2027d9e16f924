"""Commands that run the daemon: run (or one cycle), config, and the demo a newcomer runs first."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from email import message_from_bytes, policy
from pathlib import Path

import click

import monitor
from monitor.commands.alerts import stored_states, table
from monitor.commands.common import DATE, database, fail, load, settings
from monitor.cycle import Cycle
from monitor.daemon import Daemon, ScheduleError, cron_triggers
from monitor.database import open_database
from monitor.logs import event, setup
from monitor.series import evaluate_stored
from monitor.settings import Settings
from notifiers import formatting

DEMO_DAY = dt.date(2022, 7, 31)


@click.command()
@click.option("--once", is_flag=True, help="Run one full cycle (inbox, evaluation, outbox) and exit.")
@click.option("--as-of", type=DATE, help="With --once: evaluate as of this date (default: today).")
def run(once: bool, as_of: dt.datetime | None) -> None:
    """Run the daemon: poll the inbox, evaluate on schedule and after new data, send the emails."""
    config = settings()
    setup(config.log_level, config.timezone)
    try:
        cron_triggers(config)
    except ScheduleError as exc:
        fail(f"invalid settings: {exc}", status=2)
    plan = load()
    cycle = Cycle(database(), config, plan)
    event("daemon.start", targets=len(plan.targets), database=config.shown()["database_url"], once=once)
    if once:
        cycle.once(as_of.date() if as_of else None)
        return
    raise SystemExit(Daemon(config, cycle).run())


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


def _examples() -> Path:
    here = Path(monitor.__file__).resolve().parent.parent
    found = [p for p in (Path.cwd() / "examples" / "2022", here / "examples" / "2022") if p.is_dir()]
    if not found:
        fail("the example data (examples/2022) is not here; run the demo from the project's folder", status=2)
    return found[0]


@click.command()
def demo() -> None:
    """Load the 2022 plan and the example data, run the daemon's cycle as of 31 July 2022, and show
    the result: the status table and the emails, written as .eml files."""
    started = time.perf_counter()
    base = settings()
    folder = base.data_dir / "demo"
    shutil.rmtree(folder, ignore_errors=True)
    config = Settings(
        data_dir=folder, database_url=f"sqlite:///{folder / 'plan-monitor.db'}", smtp_host=None,
        mail_dir=folder / "mail", inbox=folder / "inbox", targets=base.targets,
    )  # fmt: skip
    setup("WARNING")
    plan = load([config.targets])
    inbox = config.effective_inbox()
    inbox.mkdir(parents=True)
    for path in sorted(_examples().iterdir()):
        shutil.copy2(path, inbox / path.name)
    engine = open_database(config.effective_database_url())
    Cycle(engine, config, plan).once(DEMO_DAY)
    table(plan, evaluate_stored(engine, plan, DEMO_DAY), stored_states(engine),
          f"Tình hình thực hiện kế hoạch đến ngày {formatting.day(DEMO_DAY)} (dữ liệu mẫu)")  # fmt: skip
    emails = sorted(config.effective_mail_dir().glob("*.eml"))
    click.echo(f"\n{len(emails)} emails written to {config.effective_mail_dir()}/ (open them with any mail program):")
    for path in emails:
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        click.echo(f"  {path.name}: {message['To']}: {message['Subject']}")
    click.echo(f"\nThe demo's database is {folder / 'plan-monitor.db'}; done in {time.perf_counter() - started:.1f} s.")
    click.echo(f"To look further: PLAN_MONITOR_DATA_DIR={folder} plan-monitor status --as-of 2022-07-31")
    click.echo(
        f"                 PLAN_MONITOR_DATA_DIR={folder} plan-monitor backtest --from 2022-01-01 --to 2022-07-31"
    )
