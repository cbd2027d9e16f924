"""The demo a newcomer runs first: the shipped plan, the example figures, one cycle, the emails."""

from __future__ import annotations

import datetime as dt
import secrets
import shutil
import time
from email import message_from_bytes, policy
from pathlib import Path

import click
import sqlalchemy as sa

import monitor
from monitor.commands.common import fail, load, settings
from monitor.commands.evaluation import table
from monitor.evaluation import evaluate_stored
from monitor.jobs import Jobs
from monitor.logs import setup
from monitor.plans import plan_folders
from monitor.settings import Settings
from monitor.store.alerts import alert_states
from monitor.store.database import open_database
from notifiers import formatting
from rules import Plan

DEMO_DAY = dt.date(2022, 7, 31)


SHIPPED = Path(monitor.__file__).resolve().parent / "shipped"  # package data: the 2022 plan and its figures


def _examples() -> Path:
    found = SHIPPED / "examples"
    if not found.is_dir():
        fail(f"the example data is missing from the installed program ({found}); reinstall plan-monitor", status=2)
    return found


def _targets(configured: tuple[Path, ...]) -> Path:
    """The configured rule folder when there is one here and it holds one plan, else the plan
    shipped with the program."""
    if len(configured) == 1 and configured[0].is_dir() and len(plan_folders(configured)) == 1:
        return configured[0]
    return SHIPPED / "targets"


def _sender(name: str, plan: Plan) -> str:
    """The department that sends an example file: the id after its number (``07-so-khdt-…``)."""
    _, _, rest = name.partition("-")
    found = [d for d in plan.departments if rest.startswith(f"{d}-")]
    if not found:
        fail(f"the example file {name} names no department of the plan", status=2)
    return max(found, key=len)


def demo_settings(base: Settings, *, fresh: bool) -> Settings:
    """The demo's settings: its own folder under the data folder, emails as .eml files, and a
    secret key of its own for the portal (made anew, with the folder, when `fresh`)."""
    folder = base.data_dir / "demo"
    key = folder / "portal.key"
    if fresh:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        key.touch(mode=0o600)
        key.write_text(secrets.token_urlsafe(32), encoding="ascii")
    return Settings(
        data_dir=folder, database_url=f"sqlite:///{folder / 'plan-monitor.db'}", smtp_host=None,
        mail_dir=folder / "mail", inbox=folder / "inbox", targets=(_targets(base.targets),),
        inbox_settle_seconds=0,  # the demo copies the files in itself: they are complete
        web_host=base.web_host, web_port=base.web_port, public_url=base.public_url,
        secret_key=key.read_text(encoding="ascii").strip() if key.is_file() else None,
    )  # fmt: skip


@click.command()
def demo() -> None:
    """Load the 2022 plan and the example data, run the daemon's cycle as of 31 July 2022, and show
    the result: the status table, the emails (written as .eml files) and the progress report."""
    started = time.perf_counter()
    config = demo_settings(settings(), fresh=True)
    folder = config.data_dir
    setup("WARNING")
    plan = load(config.targets)
    inbox = config.effective_inbox()
    for path in sorted(_examples().iterdir()):
        sender = inbox / _sender(path.name, plan)  # each department drops its files in its own folder
        sender.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, sender / path.name)
    engine = open_database(config.effective_database_url())
    Jobs(engine, config, plan).once(DEMO_DAY)
    table(plan, evaluate_stored(engine, plan, DEMO_DAY), alert_states(engine, plan=plan.info.key),
          f"Tình hình thực hiện kế hoạch đến ngày {formatting.day(DEMO_DAY)} (dữ liệu mẫu)")  # fmt: skip
    emails = sorted(config.effective_mail_dir().glob("*.eml"))
    click.echo(f"\n{len(emails)} emails written to {config.effective_mail_dir()}/ (open them with any mail program):")
    for path in emails:
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        click.echo(f"  {path.name}: {message['To']}: {message['Subject']}")
    _reports(config, engine, plan)
    _portal(config, engine, plan)
    click.echo(f"\nThe demo's database is {folder / 'plan-monitor.db'}; done in {time.perf_counter() - started:.1f} s.")
    click.echo(f"To look further: PLAN_MONITOR_DATA_DIR={folder} plan-monitor status --as-of 2022-07-31")
    click.echo(
        f"                 PLAN_MONITOR_DATA_DIR={folder} plan-monitor backtest --from 2022-01-01 --to 2022-07-31"
    )


def _reports(config: Settings, engine: sa.Engine, plan: Plan) -> None:
    """Write the progress report as PDF and HTML beside the emails, and say where."""
    from monitor.progress import progress_report
    from monitor.wholefile import write_whole
    from notifiers import PdfUnavailableError, report_file, report_file_name

    report = progress_report(engine, plan, DEMO_DAY)
    click.echo(f"\nThe progress report ({report.met_sentence}; {len(report.lagging)} items behind):")
    for fmt in ("pdf", "html"):
        path = config.data_dir / report_file_name(report, fmt)
        try:
            write_whole(path, report_file(report, fmt))
        except PdfUnavailableError as exc:
            click.echo(f"  no PDF: {exc}")
            continue
        click.echo(f"  {path}")
    click.echo(f"  and on the dashboard (plan-monitor web --demo): {config.effective_public_url()}/bang-tin")


PORTAL_DEPARTMENT = "so-khdt"  # the department whose sign-in link the demo prints: disbursement is behind


def _portal(config: Settings, engine: sa.Engine, plan: Plan) -> None:
    """Print the portal's address and a sign-in link for one department."""
    from monitor.web.app import Portal, checked_secret
    from monitor.web.signin import issue_link

    portal = Portal(settings=config, engine=engine, loaded=plan, secret=checked_secret(config))
    link = issue_link(portal, PORTAL_DEPARTMENT, minutes=DEMO_LINK_MINUTES)
    name = plan.departments[PORTAL_DEPARTMENT].name
    click.echo(f"\nThe departments' portal: plan-monitor web --demo, then open {config.effective_public_url()}/")
    click.echo(f"  sign in as {name} with this link (once, within {DEMO_LINK_MINUTES // 60} hours): {link}")


DEMO_LINK_MINUTES = 24 * 60
