"""The migrations build exactly the tables the models declare (the portal's included), on both stores."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import monitor.store.schema  # noqa: F401  (registers the tables)


def test_the_migrated_schema_is_the_models_schema(engine: sa.Engine) -> None:
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []
    tables = set(sa.inspect(engine).get_table_names())
    assert {"sign_in_link", "sign_in_request", "web_session", "submission", "comment"} <= tables
