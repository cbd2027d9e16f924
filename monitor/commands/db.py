"""Commands about the database schema."""

from __future__ import annotations

import click
import sqlalchemy as sa

from monitor import plans
from monitor.commands.common import asked_plan, fail, plan_option, settings
from monitor.commands.store import database_problem
from monitor.store import database as db
from rules import RuleSetError


@click.group()
def db_group() -> None:
    """The database schema: show its revision, upgrade it."""


def _engine() -> sa.Engine:
    url = settings().effective_database_url()
    try:
        engine = db.create_engine(url)
        engine.connect().close()
    except (sa.exc.OperationalError, sa.exc.ArgumentError, db.DatabaseURLError) as exc:
        fail(database_problem(url, exc), status=2)
    return engine


@db_group.command()
@plan_option
def upgrade() -> None:
    """Bring the database schema to this program's revision."""
    engine = _engine()
    before = db.current_revision(engine)
    try:
        db.upgrade(engine, plan=_plan_of_old_rows())
    except db.SchemaError as exc:  # a store of a later program, or one that would not name its plan
        fail(f"upgrade refused, nothing changed: {exc}", status=2)
    except sa.exc.SQLAlchemyError as exc:  # a failed migration is rolled back; say why
        fail(f"upgrade failed, nothing changed: {exc}", status=2)
    click.echo(f"database schema: {before or 'empty'} -> {db.current_revision(engine)}")


def _plan_of_old_rows() -> str | None:
    """The key of the plan whose rows a store made for one plan holds: the plan `--plan` names, or
    the only one configured (migration 0008 refuses a store with rows when there is none)."""
    config = settings()
    try:
        loaded = plans.load_plans(config.targets, config.data_dir / "cache")
    except (RuleSetError, plans.PlanChoiceError) as exc:
        if asked_plan() is not None:
            fail(f"--plan {asked_plan()!r}: the configured plans cannot be loaded: {exc}", status=2)
        return None
    if asked_plan() is None and len(loaded) != 1:
        return None
    try:
        return plans.choose(loaded, asked_plan()).info.key
    except plans.PlanChoiceError as exc:
        fail(str(exc), status=2)


@db_group.command()
def current() -> None:
    """Print the database schema revision and this program's."""
    click.echo(f"database: {db.current_revision(_engine()) or 'empty'}; program: {db.head_revision()}")
