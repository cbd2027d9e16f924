"""The plan as a whole: its header, the departments, the targets, and one rule file's layout."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from pydantic import Field, field_validator

from rules.base import RuleModel
from rules.errors import Problem
from rules.keys import plan_key
from rules.target import Id, Target
from rules.units import UNITS, DeclaredUnit, Unit


class SourceDocumentRef(RuleModel):
    """A further document the plan cites: a resolution, a decision, last year's plan."""

    id: Id
    path: str = Field(min_length=1, description="the document (plain text), relative to the file of the plan header")
    title: str | None = Field(None, description="what the document is, e.g. 'Quyết định số 25/QĐ-UBND'")


class PlanInfo(RuleModel):
    """The plan's header: which province, which year, which document it comes from."""

    province: str = Field(min_length=1)
    year: int = Field(ge=2000, le=2100)
    title: str = Field(min_length=1)
    document: str | None = Field(
        None, description="the source document (plain text), relative to this file; citations are checked against it"
    )
    documents: tuple[SourceDocumentRef, ...] = Field(
        (), description="further source documents (a decision on the disbursement plan…), cited by their id"
    )
    admin: Id = Field(description="department id of the operator told about invalid rule edits")

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def key(self) -> str:
        """The plan's identity in the store and on the command line: province and year, e.g.
        "bac-giang-2022" for Bắc Giang's 2022 plan."""
        return plan_key(self.province, self.year)


class Role(StrEnum):
    """Whether a contact is a department that owns targets or a leader that alerts escalate to."""

    DEPARTMENT = "department"
    LEADER = "leader"


class NumberFormat(StrEnum):
    """How a department writes numbers, which settles a text such as "41.250" in its files."""

    VIETNAMESE = "vietnamese"  # 41.250 is 41250; 7.622,8 is 7622.8
    PLAIN = "plain"  # 41.250 is 41.25


class Department(RuleModel):
    """A department ("sở, ngành") or leader that owns targets or receives escalations."""

    id: Id
    name: str = Field(min_length=1, pattern=r"^[^\r\n]+$")
    email: str = Field(pattern=r'^[^@\s<>,;"]+@[^@\s<>,;"]+\.[^@\s<>,;"]+$')
    role: Role = Role.DEPARTMENT
    escalation: Id | None = Field(None, description="leader told when this department's targets stay behind")
    number_format: NumberFormat | None = Field(
        None, description="how its data files write numbers: settles '41.250' (vietnamese: 41250, plain: 41.25)"
    )

    @field_validator("name", "email")
    @classmethod
    def _printable(cls, text: str) -> str:
        if any(unicodedata.category(c) == "Cc" for c in text):
            raise ValueError("expected printable text, without control characters")
        return text


class RuleFile(RuleModel):
    """The layout of one rule file. Any file may hold any of the three sections."""

    plan: PlanInfo | None = None
    units: tuple[DeclaredUnit, ...] = ()
    departments: tuple[Department, ...] = ()
    targets: tuple[Target, ...] = ()


@dataclass(frozen=True)
class Plan:
    """A checked set of rule files: the header, the departments and the targets, by id."""

    info: PlanInfo
    departments: dict[str, Department]
    targets: dict[str, Target]
    files: tuple[Path, ...] = field(default=())
    warnings: tuple[Problem, ...] = field(default=())
    units: dict[str, Unit] = field(default_factory=lambda: dict(UNITS))
    # The source documents the citations were checked against: each path, with the SHA-256 of the
    # bytes read then.
    sources: tuple[tuple[str, str], ...] = field(default=())

    def find_unit(self, label: str) -> Unit | None:
        """The unit written `label`: one the plan declares, or a built-in one."""
        return self.units.get(" ".join(label.split()))

    def escalation_contact(self, target: Target, breakdown: str = "") -> Department | None:
        """Who hears when a series stays behind: the target's own escalation contact, else that of
        the department judged on the series."""
        contact = target.escalation or self.departments[target.owner_of(breakdown)].escalation
        return self.departments[contact] if contact else None

    def period_window(self, target: Target) -> tuple[dt.date, dt.date]:
        """The first and last day a figure of `target` (or an explanation of one) may be about:
        from the plan's start to the target's deadline."""
        return self.info.start, target.effective_deadline(self.info.year)

    def children(self, target_id: str) -> list[Target]:
        return [t for t in self.targets.values() if t.parent == target_id]


def rule_file_schema() -> str:
    """The JSON Schema of a rule file, for editors and checkers."""
    document = RuleFile.model_json_schema()
    document = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "plan-monitor rule file",
        **{k: v for k, v in document.items() if k != "title"},
    }
    return json.dumps(document, ensure_ascii=False, indent=2)
