"""What the loader hands to the checks: validated entries with where they were written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from rules.errors import Problem
from rules.locate import PathPart, locate
from rules.plan import Department, PlanInfo
from rules.target import Target

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Declared(Generic[M]):
    """A validated entry together with where it was written, so later checks can point at it."""

    value: M
    file: Path
    node: Any
    label: str

    def problem(self, path: Sequence[PathPart], message: str, *, at_value: bool = True) -> Problem:
        return problem_at(self.file, self.node, self.label, path, message, at_value=at_value)


def problem_at(
    file: Path, node: Any, label: str, path: Sequence[PathPart], message: str, *, at_value: bool = True
) -> Problem:
    """A problem at `path` inside `node`, the YAML node of the entry called `label`."""
    where = locate(node, path, at_value=at_value)
    field = f"{label}: {where.field}" if where.field else label
    return Problem(file, where.line, where.column, field, message)


@dataclass
class Collected:
    """Everything read from a set of files: the valid entries and the problems met so far."""

    files: list[Path]
    plans: list[Declared[PlanInfo]]
    departments: list[Declared[Department]]
    targets: list[Declared[Target]]
    problems: list[Problem]
