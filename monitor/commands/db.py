"""Commands about the database schema."""

from __future__ import annotations

import click

from monitor import database as db
from monitor.commands.common import fail, settings


@click.group()
def db_group() -> None:
    """The database schema: show its revision, upgrade it."""


@db_group.command()
def upgrade() -> None:
    """Bring the database schema to this program's revision."""
    engine = db.create_engine(settings().effective_database_url())
    try:
        before = db.current_revision(engine)
        db.upgrade(engine)
    except Exception as exc:  # a failed migration is rolled back; say why
        fail(f"upgrade failed, nothing changed: {exc}", status=2)
    click.echo(f"database schema: {before or 'empty'} -> {db.current_revision(engine)}")


@db_group.command()
def current() -> None:
    """Print the database schema revision and this program's."""
    engine = db.create_engine(settings().effective_database_url())
    click.echo(f"database: {db.current_revision(engine) or 'empty'}; program: {db.head_revision()}")
