"""Shared fixtures: where the shipped plan lives, and a helper that writes small rule sets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rules import Plan, load_plan

ROOT = Path(__file__).resolve().parent.parent
TARGETS = ROOT / "targets"

BASE_PLAN = """\
plan:
  province: Bắc Giang
  year: 2022
  title: Test plan
  admin: office
departments:
  - {id: leader, name: Phó Chủ tịch, email: leader@bacgiang.example, role: leader}
  - {id: office, name: Văn phòng, email: office@bacgiang.example, escalation: leader}
  - {id: finance, name: Sở Tài chính, email: finance@bacgiang.example, escalation: leader}
"""


@pytest.fixture(scope="session")
def shipped_plan() -> Plan:
    return load_plan([TARGETS])


@pytest.fixture
def rule_dir(tmp_path: Path) -> Callable[..., Path]:
    """Write rule files into a fresh folder: `rule_dir(name=text, ...)`, with a base plan unless given."""

    def write(**files: str) -> Path:
        folder = tmp_path / "rules"
        folder.mkdir(exist_ok=True)
        files.setdefault("plan", BASE_PLAN)
        for name, text in files.items():
            (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
        return folder

    return write
