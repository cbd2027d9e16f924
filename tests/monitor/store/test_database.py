"""Opening the database: migrations on both stores, and refusing a schema that does not match."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from monitor.store.database import (
    SchemaError,
    _scripts_head,
    _stored_revision,
    check_schema,
    create_engine,
    current_revision,
    head_revision,
    open_database,
)


def test_migrations_reach_head_and_create_the_tables(engine: sa.Engine) -> None:
    assert current_revision(engine) == head_revision()
    assert {"observation", "ingestion", "alembic_version"} <= set(sa.inspect(engine).get_table_names())
    check_schema(engine)


def test_the_quick_schema_check_reads_what_alembic_reads(engine: sa.Engine, database_url: str) -> None:
    assert _scripts_head() == head_revision()
    assert _stored_revision(engine) == current_revision(engine)
    empty = create_engine(database_url)
    with empty.begin() as connection:
        connection.exec_driver_sql("DROP TABLE alembic_version")
    assert _stored_revision(empty) is None


def test_an_unmigrated_database_is_refused_with_what_to_run(database_url: str) -> None:
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE something_else (id INTEGER)")
    with pytest.raises(SchemaError, match=r"has no plan-monitor schema; run: plan-monitor db upgrade"):
        open_database(database_url)


def test_a_newer_schema_is_refused(engine: sa.Engine, database_url: str) -> None:
    with engine.begin() as connection:
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(SchemaError, match=r"revision 9999, newer than this program knows .*upgrade plan-monitor"):
        open_database(database_url)


def test_a_new_sqlite_file_is_created_migrated_and_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "plan-monitor.db"
    engine = open_database(f"sqlite:///{path}")
    assert path.exists()
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
