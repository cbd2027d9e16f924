"""Errors raised while loading and checking rule files.

Hierarchy::

    RuleError (ValueError)
    └── RuleSetError        one or more Problems found in a set of rule files

A `Problem` is a value, not an exception: the loader collects every problem in every file before
raising, so a planner sees all of them at once. A problem marked `warning` does not stop the plan
loading (a note instead of a quote, parts that do not add up to their total); it is shown beside
the errors and kept on the loaded plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a rule file: where it is, which field, what was found and expected."""

    file: Path
    line: int  # 1-based; 0 when the problem concerns the file as a whole
    column: int  # 1-based; 0 when unknown
    field: str  # dotted path, e.g. "target grdp-growth: trajectory.points[2].date"
    message: str
    warning: bool = False  # shown, but the plan still loads

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else f"{self.file}"
        if self.warning:
            where += ": warning"
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class RuleError(ValueError):
    """Base class of the errors of the rules package."""


class RuleSetError(RuleError):
    """The rule files hold one or more problems; `problems` lists them in file and line order,
    `warnings` the warnings found beside them."""

    def __init__(self, problems: list[Problem], warnings: list[Problem] | None = None) -> None:
        self.problems = sorted(problems)
        self.warnings = sorted(warnings or [])
        count = len(self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the rule files")
