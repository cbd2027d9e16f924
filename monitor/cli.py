"""The `plan-monitor` command line."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console
from rich.table import Table

from monitor.catalogue import required_text, target_record
from rules import Plan, RuleFile, RuleSetError, load_plan

DEFAULT_TARGETS = Path("targets")
TARGETS_ENV = "PLAN_MONITOR_TARGETS"


def _rule_paths(paths: Sequence[Path]) -> list[Path]:
    if paths:
        return list(paths)
    return [Path(os.environ.get(TARGETS_ENV, DEFAULT_TARGETS))]


def _fail(problems: RuleSetError) -> NoReturn:
    for problem in problems.problems:
        click.echo(str(problem), err=True)
    count, files = len(problems.problems), len({p.file for p in problems.problems})
    click.echo(f"{count} problem{'s' if count != 1 else ''} in {files} file{'s' if files != 1 else ''}", err=True)
    sys.exit(1)


def _load(paths: Sequence[Path]) -> Plan:
    try:
        return load_plan(_rule_paths(paths))
    except RuleSetError as problems:
        _fail(problems)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Watch a province's yearly plan targets and tell departments when they fall behind."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def validate(paths: tuple[Path, ...]) -> None:
    """Check rule files (default: ./targets or $PLAN_MONITOR_TARGETS); report every problem."""
    plan = _load(paths)
    click.echo(
        f"OK: {len(plan.targets)} targets, {len(plan.departments)} departments "
        f"in {len(plan.files)} files ({plan.info.title})"
    )


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def targets(paths: tuple[Path, ...], fmt: str) -> None:
    """List the declared targets."""
    plan = _load(paths)
    ordered = sorted(plan.targets.values(), key=lambda t: (t.section, t.number))
    if fmt == "json":
        records = [target_record(plan, t) for t in ordered]
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    table = Table(title=plan.info.title, show_lines=False)
    for column in ("no.", "id", "name", "kind", "target", "unit", "owner"):
        table.add_column(column, overflow="fold")
    for t in ordered:
        label = f"({t.number})" if t.section == "III" else f"IV.{t.number}"
        name = f"  {t.name}" if t.parent else t.name
        table.add_row(label, t.id, name, t.kind.value, required_text(t), t.unit, t.owner)
    Console(width=max(Console().width, 160)).print(table)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of rule files (for editor completion and checking)."""
    click.echo(schema_text())


def schema_text() -> str:
    document = RuleFile.model_json_schema()
    document = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "plan-monitor rule file",
        **{k: v for k, v in document.items() if k != "title"},
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def main() -> None:
    cli(prog_name="plan-monitor")
