"""Which files are rule files: the ``*.yaml`` of a folder, leaving out the rule tests beside them.

Light on purpose (no YAML, no pydantic): finding and hashing a plan's files is what a command does
before it knows whether the plan must be read at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rules.errors import Problem

RULE_SUFFIXES = (".yaml", ".yml")
TEST_SUFFIXES = (".test.yaml", ".test.yml")  # rule tests live beside the rules but are not rules


def is_rule_file(path: Path) -> bool:
    """A ``*.yaml`` file, or a link of that name to nothing (which the loader says it cannot read,
    rather than the plan losing that file's entries unsaid)."""
    if path.suffix not in RULE_SUFFIXES or path.name.endswith(TEST_SUFFIXES):
        return False
    return path.is_file() or (path.is_symlink() and not path.exists())


def holds_rules(folder: Path) -> bool:
    """Whether `folder` itself holds a rule file."""
    return any(is_rule_file(p) for p in folder.iterdir())


def rule_files(paths: Iterable[Path]) -> tuple[list[Path], list[Problem]]:
    """The rule files named by `paths`: files as given, folders searched for ``*.yaml``."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if is_rule_file(p))
            if not found:
                problems.append(Problem(path, 0, 0, "", "no rule files (*.yaml) in this folder"))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(path, 0, 0, "", "no such file or folder"))
    return files, problems
