"""Loading rule files: problems with the files themselves, and what a clean load yields."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from rules import RuleSetError, load_plan
from tests.conftest import revenue_target

TARGET = revenue_target(value="7088.973")


def _problems(paths: list[Path]) -> list[str]:
    with pytest.raises(RuleSetError) as caught:
        load_plan(paths)
    return [str(p) for p in caught.value.problems]


def test_values_are_read_exactly(rule_dir: Callable[..., Path]) -> None:
    plan = load_plan([rule_dir(targets=TARGET)])
    assert plan.targets["revenue"].value == Decimal("7088.973")


def test_a_missing_path_is_reported(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    assert _problems([missing]) == [f"{missing}: no such file or folder"]


def test_a_folder_without_rule_files_is_reported(tmp_path: Path) -> None:
    assert _problems([tmp_path]) == [f"{tmp_path}: no rule files (*.yaml) in this folder"]


def test_no_plan_header_is_reported(rule_dir: Callable[..., Path]) -> None:
    folder = rule_dir(plan="departments: []\n", targets=TARGET)
    problems = _problems([folder])
    assert f"{folder / 'plan.yaml'}: plan: no 'plan' header in any rule file; expected exactly one" in problems


def test_a_second_plan_header_is_reported(rule_dir: Callable[..., Path]) -> None:
    folder = rule_dir(other="plan: {province: X, year: 2022, title: T, admin: office}\n")
    # Files are read in name order: other.yaml comes first, so plan.yaml holds the second header.
    assert _problems([folder]) == [
        f"{folder / 'plan.yaml'}:2:3: plan: a second 'plan' header; the first is in {folder / 'other.yaml'}"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty; expected 'plan', 'departments' or 'targets'"),
        ("- a\n- b\n", "1:1: expected a mapping with 'plan', 'departments' or 'targets', found a list"),
        ("targets: {id: x}\n", "1:10: targets: expected a list, found a mapping"),
        ("targetz: []\n", "1:1: targetz: unknown field 'targetz'; did you mean 'targets'?"),
    ],
)
def test_file_level_mistakes(rule_dir: Callable[..., Path], text: str, message: str) -> None:
    folder = rule_dir(bad=text)
    bad = folder / "bad.yaml"
    separator = "" if message[0].isdigit() else ": "
    assert _problems([folder]) == [f"{bad}{':' if separator == '' else separator}{message}"]


def test_a_file_that_is_not_utf8_is_reported(rule_dir: Callable[..., Path]) -> None:
    folder = rule_dir()
    (folder / "latin1.yaml").write_bytes("targets: []  # Bác Giang\n".encode("latin-1"))
    problems = _problems([folder])
    assert len(problems) == 1
    assert problems[0].startswith(f"{folder / 'latin1.yaml'}: not UTF-8 text")


def test_one_bad_target_does_not_hide_problems_of_the_others(rule_dir: Callable[..., Path]) -> None:
    second = TARGET.replace("id: revenue", "id: other").replace("owner: finance", "owner: nobody")
    broken = TARGET.replace("value: 7088.973", "value: lots").replace("targets:\n", "")
    folder = rule_dir(targets=TARGET + broken + second.replace("targets:\n", ""))
    problems = _problems([folder])
    assert len(problems) == 3
    # The broken target is still checked without its bad value: it repeats the first one's id.
    assert "target revenue: id: duplicate target id 'revenue'" in problems[0]
    assert "target revenue: value: expected a valid decimal" in problems[1]
    assert "target other: owner: unknown department 'nobody'" in problems[2]


def test_a_name_on_two_lines_is_refused(rule_dir: Callable[..., Path]) -> None:
    folder = rule_dir(targets=TARGET.replace("name: Thu ngân sách", 'name: "Thu\\nBcc: x@y"'))
    assert ": target revenue: name: a name must be a single line" in _problems([folder])[0]


def test_a_file_that_cannot_be_read_is_a_problem_not_a_traceback(tmp_path: Path) -> None:
    from rules.loader import read_yaml

    folder = tmp_path / "economy.yaml"
    folder.mkdir()  # a folder where a file is expected: reading it fails like a file with no permission
    node, problem = read_yaml(folder)
    assert node is None
    assert problem is not None
    assert str(problem).startswith(f"{folder}: cannot read the file: ")
