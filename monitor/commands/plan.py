"""Commands about the rule files: validate, targets, schema."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from monitor.commands.common import asked_plan, console, load, plan_option, plural, report_rule_problems, verdicts
from monitor.plancache import Verdict


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@plan_option
def validate(paths: tuple[Path, ...]) -> None:
    """Check rule files (default: ./targets or $PLAN_MONITOR_TARGETS, every plan of it); report every problem."""
    checked = [Verdict.of(load())] if not paths and asked_plan() is not None else verdicts(paths)
    for found in checked:
        if found.warnings:
            click.echo("\n".join(found.warnings), err=True)
        warned = f", {plural(len(found.warnings), 'warning')}" if found.warnings else ""
        holds = f"{found.targets} targets, {found.departments} departments in {found.files} files"
        click.echo(f"OK: {holds} ({found.title}){warned}")


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@plan_option
def targets(paths: tuple[Path, ...], fmt: str) -> None:
    """List the declared targets."""
    from rich.table import Table

    from monitor.records import required_text, target_record

    plan = load(paths)
    ordered = sorted(plan.targets.values(), key=lambda t: t.order)
    if fmt == "json":
        click.echo(json.dumps([target_record(plan, t) for t in ordered], ensure_ascii=False, indent=2))
        return
    table = Table(title=plan.info.title)
    for column in ("no.", "id", "name", "kind", "target", "unit", "owner"):
        table.add_column(column, overflow="fold")
    for t in ordered:
        name = f"  {t.name}" if t.parent else t.name
        table.add_row(t.label, t.id, name, t.kind.value, required_text(t), t.unit, t.owner)
    console().print(table)


@click.command()
def schema() -> None:
    """Print the JSON Schema of rule files (for editor completion and checking)."""
    from rules import rule_file_schema

    click.echo(rule_file_schema())


@click.command(name="test")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def test_rules(files: tuple[Path, ...]) -> None:
    """Run rule tests (*.test.yaml): figures in, expected statuses and alerts out."""
    from monitor.ruletests import RuleSetError, RuleTestFileError, run_tests

    failed = 0
    total = 0
    for path in files:
        try:
            results = run_tests(path)
        except RuleTestFileError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            failed += 1
            total += 1  # the file counts as one failed test, its tests unknown
            continue
        except RuleSetError as problems:
            report_rule_problems(problems)
        for result in results:
            total += 1
            if result.failures:
                failed += 1
                click.echo(f"FAIL {path}: {result.name}", err=True)
                for line in result.failures:
                    click.echo(f"  {line}", err=True)
            else:
                click.echo(f"ok   {path}: {result.name}")
    click.echo(f"{total - failed} passed, {failed} failed")
    if failed:
        sys.exit(1)
