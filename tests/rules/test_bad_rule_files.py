"""Every kind of mistake a planner can make in a rule file, with the exact message expected.

Each case under ``bad/`` is a rule file (or a folder of them) loaded beside ``bad/_base``, and the
``.expected`` file beside it holds the problems, one per line, as `plan-monitor validate` prints them:
the errors, then the warnings.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rules import RuleSetError, load_plan

BAD = Path(__file__).parent / "bad"
CASES = sorted(p.name.removesuffix(".expected") for p in BAD.glob("*.expected"))


def _case_path(name: str) -> Path:
    folder = Path(name)
    return folder if (BAD / folder).is_dir() else Path(f"{name}.yaml")


@pytest.mark.parametrize("name", CASES)
def test_bad_rule_file_reports_every_problem_with_its_location(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(BAD)
    with pytest.raises(RuleSetError) as caught:
        load_plan([Path("_base"), _case_path(name)])
    expected = (BAD / f"{name}.expected").read_text(encoding="utf-8").splitlines()
    assert [str(p) for p in [*caught.value.problems, *caught.value.warnings]] == expected


def test_every_case_has_an_expected_file() -> None:
    inputs = {p.stem for p in BAD.glob("*.yaml")} | {p.name for p in BAD.iterdir() if p.is_dir()}
    assert inputs - {"_base"} == set(CASES)


def test_base_alone_is_valid() -> None:
    plan = load_plan([BAD / "_base"])
    assert plan.targets == {}
    assert set(plan.departments) == {"leader", "office", "finance"}
