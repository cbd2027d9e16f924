"""What the loader hands to the checks: validated entries with where they were written."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from rules.errors import Problem
from rules.locate import PathPart, locate
from rules.plan import Department, PlanInfo
from rules.target import Target
from rules.units import DeclaredUnit

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Declared(Generic[M]):
    """A validated entry together with where it was written, so later checks can point at it."""

    value: M
    file: Path
    node: Any
    label: str
    # Fields that failed validation and were left out so the rest could still be checked; the
    # checks say nothing about them (their own problems are reported already).
    dropped: frozenset[str] = field(default=frozenset())

    def problem(self, path: Sequence[PathPart], message: str, *, at_value: bool = True) -> Problem:
        return problem_at(self.file, self.node, self.label, path, message, at_value=at_value)

    def warning(self, path: Sequence[PathPart], message: str) -> Problem:
        return replace(self.problem(path, message), warning=True)

    def keeps(self, problem: Problem) -> bool:
        """Whether `problem` is about a field that was read, not one left out as invalid."""
        if not self.dropped:
            return True
        where = problem.field.removeprefix(f"{self.label}: ")
        return where.split(".")[0].split("[")[0] not in self.dropped


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
    units: list[Declared[DeclaredUnit]] = field(default_factory=list)
    headers: int = 0  # 'plan' sections read, valid or not
