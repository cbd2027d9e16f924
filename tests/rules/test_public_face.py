"""The rules package's public face: every name it lists is there, each imported when first used."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import rules
from tests.conftest import ROOT

PROBE = """
import json, sys
from rules import RuleSetError, holds_rules, plan_key, rule_files, slug
print(json.dumps(sorted(sys.modules)))
"""


def test_every_public_name_is_there_and_no_other() -> None:
    from rules.loader import load_plan
    from rules.plan import Plan

    assert (rules.Plan, rules.load_plan) == (Plan, load_plan)
    for name in rules.__all__:
        getattr(rules, name)
    assert set(rules.__all__) <= set(dir(rules))
    with pytest.raises(AttributeError, match="no attribute 'Plans'"):
        rules.Plans  # type: ignore[attr-defined]  # noqa: B018


def test_finding_rule_files_loads_neither_yaml_nor_pydantic() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    loaded = {name.split(".")[0] for name in json.loads(done.stdout)}
    assert "rules" in loaded
    assert loaded.isdisjoint({"pydantic", "pydantic_core", "yaml", "ruamel"}), sorted(loaded)
