"""Commands about the database schema."""

from __future__ import annotations

import click
import sqlalchemy as sa

from monitor.commands.common import fail, settings
from monitor.commands.store import database_problem
from monitor.store import database as db


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
def upgrade() -> None:
    """Bring the database schema to this program's revision."""
    engine = _engine()
    before = db.current_revision(engine)
    try:
        db.upgrade(engine)
    except sa.exc.SQLAlchemyError as exc:  # a failed migration is rolled back; say why
        fail(f"upgrade failed, nothing changed: {exc}", status=2)
    click.echo(f"database schema: {before or 'empty'} -> {db.current_revision(engine)}")


@db_group.command()
def current() -> None:
    """Print the database schema revision and this program's."""
    click.echo(f"database: {db.current_revision(_engine()) or 'empty'}; program: {db.head_revision()}")
