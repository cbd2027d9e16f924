"""What the subcommands share: settings, loading the plan, failing cleanly, printing tables."""

from __future__ import annotations

import os
import re
import sys
import tomllib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import click
from pydantic import ValidationError
from rich.console import Console

from monitor import plancache
from monitor.settings import CONFIG_ENV, Settings, SettingsError, check_environment
from rules import Plan, RuleSetError

DATE = click.DateTime(formats=["%Y-%m-%d"])  # dates on the command line: 2022-07-31


def settings() -> Settings:
    try:
        check_environment()
        return Settings()
    except SettingsError as exc:
        fail(f"invalid settings: {exc}", status=2)
    except ValidationError as exc:
        messages = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        fail("invalid settings: " + "; ".join(messages), status=2)
    except tomllib.TOMLDecodeError as exc:
        found = re.fullmatch(r"(.*) \(at line (\d+), column (\d+)\)", str(exc))
        where = f"line {found[2]}, column {found[3]}: {found[1]}" if found else str(exc)
        fail(f"invalid settings file {os.environ.get(CONFIG_ENV)} ({CONFIG_ENV}): {where}", status=2)


def fail(message: str, *, status: int = 1) -> NoReturn:
    click.echo(f"plan-monitor: {message}", err=True)
    sys.exit(status)


@contextmanager
def templates_used(config: Settings) -> Iterator[None]:
    """Turn a broken template (an override with an unknown name, a syntax error) into a message."""
    from jinja2 import TemplateError

    try:
        yield
    except TemplateError as exc:
        where = f" in {config.templates}" if config.templates else ""
        fail(f"the email templates{where} cannot be rendered: {type(exc).__name__}: {exc}", status=2)


def report_rule_problems(problems: RuleSetError) -> NoReturn:
    for problem in [*problems.problems, *problems.warnings]:
        click.echo(str(problem), err=True)
    count, files = len(problems.problems), len({p.file for p in problems.problems})
    also = f" (and {plural(len(problems.warnings), 'warning')})" if problems.warnings else ""
    click.echo(f"{plural(count, 'problem')} in {plural(files, 'file')}{also}", err=True)
    sys.exit(1)


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count != 1 else ''}"


def load(paths: Sequence[Path] = ()) -> Plan:
    """The plan from `paths`, or from the configured targets folder; unchanged since the last
    load, from the cache in the data folder (monitor.plancache)."""
    config = settings()
    try:
        return plancache.load(list(paths) or [config.targets], config.data_dir / "cache")
    except RuleSetError as problems:
        report_rule_problems(problems)


def console() -> Console:
    """A console wide enough for the tables, even when the output is a pipe."""
    return Console(width=max(Console().width, 160))
