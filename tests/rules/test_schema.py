"""The JSON Schema: the committed copy is current, and it agrees with the loader."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ruamel.yaml import YAML

from rules import rule_file_schema
from rules.plan import RuleFile
from tests.conftest import TARGETS

SCHEMA_FILE = TARGETS / "plan-monitor.schema.json"


def _plain(path: Path) -> Any:
    """A rule file as JSON data: dates become ISO strings, as an editor's YAML server sees them."""
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    return json.loads(json.dumps(data, default=lambda v: v.isoformat() if isinstance(v, dt.date) else str(v)))


def test_committed_schema_is_current() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8").strip() == rule_file_schema().strip(), (
        "run: plan-monitor schema > targets/plan-monitor.schema.json"
    )


@pytest.mark.parametrize("path", sorted(TARGETS.glob("*.yaml")), ids=lambda p: p.name)
def test_every_shipped_file_satisfies_the_schema_and_round_trips(path: Path) -> None:
    data = _plain(path)
    jsonschema.validate(data, json.loads(rule_file_schema()))
    loaded = RuleFile.model_validate(data)
    again = RuleFile.model_validate_json(loaded.model_dump_json(by_alias=True, exclude_unset=True))
    assert again == loaded


def test_the_schema_rejects_a_misspelt_field() -> None:
    data = _plain(TARGETS / "economy.yaml")
    data["targets"][0]["trajectroy"] = data["targets"][0].pop("trajectory")
    with pytest.raises(jsonschema.ValidationError, match="trajectroy"):
        jsonschema.validate(data, json.loads(rule_file_schema()))


def test_the_schema_wants_numbers_not_vietnamese_text() -> None:
    data = _plain(TARGETS / "economy.yaml")
    data["targets"][0]["value"] = "14,0"
    with pytest.raises(jsonschema.ValidationError, match="'14,0' is not valid"):
        jsonschema.validate(data, json.loads(rule_file_schema()))
