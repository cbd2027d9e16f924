"""The `plan-monitor` command line.

Each subcommand's module is imported only when that subcommand runs, so `plan-monitor --version`
or `validate` do not pay for the database, the scheduler or the mail.
"""

from __future__ import annotations

import errno
import importlib

import click

# name -> "module:attribute", in the order `--help` lists them
COMMANDS = {
    "validate": "monitor.commands.plan:validate",
    "targets": "monitor.commands.plan:targets",
    "schema": "monitor.commands.plan:schema",
    "test": "monitor.commands.plan:test_rules",
    "units": "monitor.commands.planning:units",
    "plan": "monitor.commands.planning:plan_group",
    "init": "monitor.commands.planning:init",
    "ingest": "monitor.commands.figures:ingest",
    "data": "monitor.commands.figures:data",
    "evaluate": "monitor.commands.evaluation:evaluate",
    "status": "monitor.commands.evaluation:status",
    "backtest": "monitor.commands.evaluation:backtest",
    "report": "monitor.commands.report:report",
    "silence": "monitor.commands.muting:silence_group",
    "ack": "monitor.commands.muting:ack_group",
    "outbox": "monitor.commands.outbox:outbox_group",
    "notify": "monitor.commands.outbox:notify",
    "run": "monitor.commands.run:run",
    "config": "monitor.commands.run:config",
    "web": "monitor.commands.web:web",
    "demo": "monitor.commands.demo:demo",
    "db": "monitor.commands.db:db_group",
}


_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)  # what a write says when the disk has no room for it


class LazyGroup(click.Group):
    """A group whose subcommands are imported when they are asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="plan-monitor")
def cli() -> None:
    """Watch a province's yearly plan targets and tell departments when they fall behind."""


def main() -> None:
    try:
        cli(prog_name="plan-monitor")
    except OSError as exc:
        if exc.errno not in _FULL:
            raise
        from monitor.commands.common import fail

        # Standard output (or a file written) on a disk with no room left: a message, not a traceback.
        fail(f"cannot write the output: {exc.strerror} (is the disk full?)")
    except Exception as exc:
        from monitor.store.database import is_database_failure

        if not is_database_failure(exc):
            raise
        from monitor.commands.common import fail, settings
        from monitor.commands.store import database_problem

        # The store failed under a command: a message, not a traceback.
        fail(database_problem(settings().effective_database_url(), exc, opening=False))
