"""The command that runs the portal: `plan-monitor web` under uvicorn."""

from __future__ import annotations

import datetime as dt
import logging

import click

from monitor import plans
from monitor.commands.common import DATE, fail, load, plan_option, settings
from monitor.commands.store import database
from monitor.logs import LOGGER, event, setup


@click.command()
@click.option("--as-of", type=DATE, help="Show the plan as of this date (default: today).")
@click.option("--demo", is_flag=True, help="The demo's portal: its database and emails, as of 31 July 2022.")
@plan_option
def web(as_of: dt.datetime | None, demo: bool) -> None:
    """Run the departments' portal: sign in by emailed link, send figures, explain a shortfall."""
    import uvicorn

    from monitor.rulewatch import RuleWatch
    from monitor.store.database import open_database
    from monitor.web import create_app
    from monitor.web.app import SecretKeyError

    config = settings()
    day = as_of.date() if as_of else None
    if demo:
        from monitor.commands.demo import DEMO_DAY, demo_settings

        config = demo_settings(config, fresh=False)
        if not (config.data_dir / "plan-monitor.db").is_file():
            fail("the demo's database is not there yet; run: plan-monitor demo", status=2)
        day = day or DEMO_DAY
    setup(config.log_level, config.timezone)
    for name in ("uvicorn", "uvicorn.error"):  # the server's own lines, in the same format
        logging.getLogger(name).handlers[:] = LOGGER.handlers
        logging.getLogger(name).propagate = False
    plan = load()
    engine = open_database(config.effective_database_url()) if demo else database()
    # Edits of the rule files are taken up while the portal runs, as the daemon takes them up.
    folder = plans.folder_of(plan, config.targets) or config.targets[0]
    watch = RuleWatch(folder, plan, cache_dir=config.data_dir / "cache", every=config.reload_seconds)
    try:
        app = create_app(config, engine=engine, plan=plan, as_of=day, watch=watch)
    except SecretKeyError as exc:
        fail(str(exc), status=2)
    event("web.start", url=config.effective_public_url(), host=config.web_host, port=config.web_port,
          database=config.shown()["database_url"], as_of=day or "today")  # fmt: skip
    uvicorn.run(app, host=config.web_host, port=config.web_port, access_log=False, log_config=None,
                proxy_headers=True, server_header=False, date_header=False)  # fmt: skip
