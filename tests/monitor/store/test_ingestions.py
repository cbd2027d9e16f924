"""The direct ingestion path's statements name the store's tables as the SQLModel tables declare them."""

from __future__ import annotations

from monitor.store.ingestions import OBSERVATION_TYPES
from monitor.store.schema import Ingestion, ObservationRecord


def test_the_bound_column_types_are_the_observation_tables_own() -> None:
    columns = ObservationRecord.__table__.c  # type: ignore[attr-defined]
    for name, kind in OBSERVATION_TYPES.items():
        declared = columns[name].type
        assert type(kind) is type(declared), name
        assert getattr(kind, "timezone", None) == getattr(declared, "timezone", None), name


def test_the_ingestion_row_written_has_the_tables_columns() -> None:
    written = {"id", "plan", "sha256", "file_name", "format", "rows", "submitter", "received_at"}
    assert written == set(Ingestion.__table__.c.keys())  # type: ignore[attr-defined]
