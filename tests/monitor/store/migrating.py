"""What the migration tests share: a store made at an older revision with rows in it, and the rows
of its tables as they are read back."""

from __future__ import annotations

import sqlalchemy as sa

from monitor.store.database import create_engine, upgrade

Rows = dict[str, list[dict[str, object]]]


def old_store(url: str, revision: str, rows: Rows) -> sa.Engine:
    """The store at `url` migrated to `revision`, with `rows` (table name: its rows) inserted."""
    engine = create_engine(url)
    upgrade(engine, revision)
    tables = sa.MetaData()
    tables.reflect(engine)
    with engine.begin() as connection:
        for name, table_rows in rows.items():
            table = tables.tables[name]
            connection.execute(sa.insert(table), table_rows)
            # The rows came with their ids: on PostgreSQL, the next ones follow them.
            if engine.dialect.name == "postgresql" and "id" in table.c:
                sequence = sa.func.pg_get_serial_sequence(name, "id")
                connection.execute(sa.select(sa.func.setval(sequence, sa.func.max(table.c.id))))
    return engine


def rows_of(engine: sa.Engine, *names: str) -> Rows:
    """The rows of the tables named, each as a dict, in the order of their first column."""
    tables = sa.MetaData()
    tables.reflect(engine)
    with engine.connect() as connection:
        return {
            name: [dict(r._mapping) for r in connection.execute(sa.select(tables.tables[name]).order_by(sa.text("1")))]
            for name in names
        }
