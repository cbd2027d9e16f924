"""The `plan-monitor` command line."""

from __future__ import annotations

import click
import sqlalchemy as sa

from monitor.commands.common import database_problem, fail, settings
from monitor.commands.db import db_group
from monitor.commands.demo import demo
from monitor.commands.evaluation import backtest, evaluate, status
from monitor.commands.figures import data, ingest
from monitor.commands.muting import ack_group, silence_group
from monitor.commands.outbox import notify, outbox_group
from monitor.commands.plan import schema, schema_text, targets, test_rules, validate
from monitor.commands.run import config, run

__all__ = ["cli", "main", "schema_text"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="plan-monitor")
def cli() -> None:
    """Watch a province's yearly plan targets and tell departments when they fall behind."""


for command in (
    validate,
    targets,
    schema,
    test_rules,
    ingest,
    data,
    evaluate,
    status,
    backtest,
    silence_group,
    ack_group,
    outbox_group,
    notify,
    run,
    config,
    demo,
):
    cli.add_command(command)
cli.add_command(db_group, name="db")


def main() -> None:
    try:
        cli(prog_name="plan-monitor")
    except sa.exc.DBAPIError as exc:  # the store failed under a command: a message, not a traceback
        fail(database_problem(settings().effective_database_url(), exc))
