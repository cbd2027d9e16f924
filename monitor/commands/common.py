"""What the subcommands share: settings, loading the plan, failing cleanly, printing tables."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import tomllib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click
from pydantic import ValidationError

from monitor import plancache, plans
from monitor.settings import CONFIG_ENV, Settings, SettingsError, check_environment
from rules import RuleSetError

if TYPE_CHECKING:
    from rich.console import Console

    from monitor.plancache import Verdict
    from rules import Plan


class _Date(click.ParamType[dt.datetime]):
    """A date on the command line (2022-07-31), as a datetime at midnight; an impossible one
    (2022-02-30) is said to be so, and one outside the years a plan can be about is refused
    (the date arithmetic of evaluating near the calendar's end would overflow)."""

    name = "date"
    FIRST, LAST = 1900, 2999

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> dt.datetime:
        if isinstance(value, dt.datetime):
            return value
        text = str(value)
        found = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
        if found is None:
            self.fail(f"{text!r} is not a date; expected YYYY-MM-DD, e.g. 2022-07-31", param, ctx)
        try:
            year, month, day_of_month = map(int, found.groups())
            day = dt.datetime(year, month, day_of_month)
        except ValueError as exc:
            self.fail(f"{text!r} is no date ({exc}); expected YYYY-MM-DD, e.g. 2022-07-31", param, ctx)
        if not self.FIRST <= day.year <= self.LAST:
            self.fail(f"{text!r} is out of range; expected a date from {self.FIRST} to {self.LAST}", param, ctx)
        return day


DATE = _Date()  # dates on the command line: 2022-07-31
_PLAN = "plan_monitor.plan"  # where --plan is kept, in the click context's meta (shared by its children)


def _keep_plan(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        ctx.meta[_PLAN] = value
    return value


plan_option = click.option(
    "--plan", "plan_name", metavar="PLAN", expose_value=False, callback=_keep_plan,
    help="The plan, when several are loaded: its key (bac-giang-2022), or a year or province only it has.",
)  # fmt: skip


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
        _bad_settings_file(f"line {found[2]}, column {found[3]}: {found[1]}" if found else str(exc))
    except UnicodeDecodeError as exc:
        _bad_settings_file(f"not UTF-8 text ({exc.reason} at byte {exc.start}); expected a TOML settings file")
    except OSError as exc:
        _bad_settings_file(f"cannot read the file: {exc.strerror or exc}")


def _bad_settings_file(where: str) -> NoReturn:
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
    """The plan from `paths`, or the configured plan the command's ``--plan`` names (the only one,
    when one is loaded); unchanged since the last load, from the cache in the data folder
    (monitor.plancache)."""
    if not paths:
        return chosen(loaded_plans())
    config = settings()
    try:
        return plancache.load(list(paths), config.data_dir / "cache")
    except RuleSetError as problems:
        report_rule_problems(problems)


def verdicts(paths: Sequence[Path] = ()) -> list[Verdict]:
    """What checking the plan at `paths` (or every configured plan) found: as `load` and
    `loaded_plans` load them, but an unchanged plan's verdict comes from the cache, the plan
    itself not read back (monitor.plancache)."""
    config = settings()
    cache = config.data_dir / "cache"
    try:
        if paths:
            return [plancache.checked(list(paths), cache)]
        return list(plans.verdicts(config.targets, cache).values())
    except RuleSetError as problems:
        report_rule_problems(problems)
    except plans.PlanChoiceError as exc:
        fail(str(exc), status=2)


def asked_plan() -> str | None:
    """What the command's ``--plan`` said, if anything."""
    ctx = click.get_current_context(silent=True)
    return ctx.meta.get(_PLAN) if ctx is not None else None


def loaded_plans() -> dict[str, Plan]:
    """Every configured plan, by key (monitor.plans)."""
    config = settings()
    try:
        return plans.load_plans(config.targets, config.data_dir / "cache")
    except RuleSetError as problems:
        report_rule_problems(problems)
    except plans.PlanChoiceError as exc:
        fail(str(exc), status=2)


def chosen(loaded: dict[str, Plan]) -> Plan:
    """The plan of `loaded` the command's ``--plan`` names; a message listing them if none or several."""
    try:
        return plans.choose(loaded, asked_plan())
    except plans.PlanChoiceError as exc:
        fail(str(exc), status=2)


def console() -> Console:
    """A console wide enough for the tables, even when the output is a pipe."""
    from rich.console import Console  # the commands that print a table only

    return Console(width=max(Console().width, 160))
