"""Commands that start a plan: `plan new` (next year's files from this year's), `init` (a small
commented plan to start from), and `units` (the units a plan may use)."""

from __future__ import annotations

import os
import shutil
import tempfile
from io import StringIO
from pathlib import Path

import click
from rich.table import Table
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap

from monitor.commands.common import console, fail, load, plan_option
from monitor.starter import write_starter
from rules import UNITS, roll_plan_header, roll_target, rule_files


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@plan_option
def units(paths: tuple[Path, ...]) -> None:
    """List the units rule and data files may use: the built-in ones and those the plan declares."""
    plan = load(paths)
    table = Table(title="Đơn vị tính")
    for column in ("unit", "dimension", "scale", "from"):
        table.add_column(column)
    for unit in sorted(plan.units.values(), key=lambda u: (u.dimension, u.scale, u.label)):
        origin = "built-in" if UNITS.get(unit.label) == unit else "the plan"
        table.add_row(unit.label, unit.dimension, f"{unit.scale:f}", origin)
    console().print(table)


@click.group(name="plan")
def plan_group() -> None:
    """Start a plan from another."""


@plan_group.command(name="new")
@click.option("--from", "source", required=True, type=click.Path(path_type=Path), help="last year's rule folder")
@click.option("--year", required=True, type=int, help="the new plan's year")
@click.option("--to", "destination", required=True, type=click.Path(path_type=Path), help="a new folder")
def plan_new(source: Path, year: int, destination: Path) -> None:
    """Write next year's rule files from last year's: departments and cadences kept, dates moved a
    year, last year's targets as baselines, values left empty (`validate` names them)."""
    plan = load([source])
    if year != plan.info.year + 1:
        fail(f"--year {year}: the plan in {source} is for {plan.info.year}; expected --year {plan.info.year + 1}")
    if destination.exists() and (not destination.is_dir() or any(destination.iterdir())):
        fail(f"--to {destination}: already exists and is not an empty folder; expected a new folder")
    files, _ = rule_files([source])
    yaml = YAML(typ="rt")
    yaml.width = 4096  # a long name stays on its line
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = True
    yaml.representer.add_representer(type(None), lambda r, _: r.represent_scalar("tag:yaml.org,2002:null", "~"))
    roots = {file: yaml.load(file.read_text(encoding="utf-8")) for file in files}
    previous = None
    for file, root in roots.items():
        if plan.info.document and isinstance(root, CommentedMap) and "plan" in root:
            document = (file.parent / plan.info.document).resolve()
            folder = (destination / file.parent.relative_to(source)).resolve()
            previous = os.path.relpath(document, folder)
    written: dict[Path, str] = {}
    moved: set[int] = set()
    for file, root in roots.items():
        if isinstance(root, CommentedMap):
            if isinstance(root.get("plan"), CommentedMap):
                roll_plan_header(root["plan"], year, previous)
            for target in root.get("targets") or []:
                roll_target(target, year, cited=previous is not None, moved=moved)
        out = StringIO()
        yaml.dump(root, out)
        text = out.getvalue()
        head, _, rest = text.partition("\n") if text.startswith("# yaml-language-server") else ("", "", text)
        note = f"# Rolled over from {plan.info.year} by `plan-monitor plan new`: comments are last year's.\n"
        written[file.relative_to(source)] = f"{head}\n{note}{rest}" if head else f"{note}{rest}"
    schema = source / "plan-monitor.schema.json"
    _write_folder(destination, written, schema if schema.is_file() else None)
    empty = sum(text.count(": ~") for text in written.values())
    click.echo(
        f"Wrote {len(written)} rule files for {year} to {destination}/. Fill in each empty value (~) and each "
        f"target's source; `plan-monitor validate {destination}` names what is still empty ({empty} values)."
    )


@click.command()
@click.argument("folder", type=click.Path(path_type=Path))
def init(folder: Path) -> None:
    """Write a small commented plan to start from (header, two departments, one target of each kind)."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        fail(f"{folder}: already exists and is not an empty folder; expected a new folder")
    files = write_starter()
    _write_folder(folder, files, None)
    click.echo(f"Wrote a plan to start from in {folder}/ ({', '.join(sorted(str(p) for p in files))}).")
    click.echo(f"Check it with: plan-monitor validate {folder}")


def _write_folder(destination: Path, files: dict[Path, str], schema: Path | None) -> None:
    """All the files or none: written in a temporary folder beside the destination, then renamed."""
    staging = None
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
        for relative, text in files.items():
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            (staging / relative).write_text(text, encoding="utf-8")
        if schema is not None:
            shutil.copy2(schema, staging / schema.name)
        if destination.exists():
            destination.rmdir()  # empty, checked above
        staging.rename(destination)
    except OSError as exc:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        where = f" ({exc.filename})" if exc.filename and exc.strerror else ""
        fail(f"cannot write {destination}: {exc.strerror or exc}{where}")
