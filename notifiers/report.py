"""What the progress report holds: the plan's main targets in the layout of the source document.

"Tình hình thực hiện các chỉ tiêu chủ yếu kế hoạch phát triển kinh tế - xã hội năm 2022": a table
of the targets (STT, chỉ tiêu, đơn vị tính, kế hoạch năm, thực hiện (kỳ), % kế hoạch, cùng kỳ năm
trước, đánh giá) by section, the count of main targets met as the source counts them, then the
items behind with their explanations. Plain values, as the digest's are: numbers stay numbers
until a renderer writes them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from notifiers.digest import STATUS_NAMES, Explanation

# The wording of the report's last column: the source's own words for a main target's standing.
ASSESSMENT_NAMES = {
    "achieved": "Đạt/vượt",
    "on_track": "Đúng tiến độ",
    "at_risk": "Có nguy cơ chậm",
    "behind": "Chậm",
    "critical": "Nghiêm trọng",
    "overdue": "Chưa có số liệu",
    "no_data": "Chưa có số liệu",
}
SECTION_NAMES = {"III": "Mục tiêu chủ yếu", "IV": "Một số cân đối lớn", "V": "Nhiệm vụ và giải pháp chủ yếu"}
MET = frozenset({"achieved"})


@dataclass(frozen=True)
class ReportRow:
    """One line of the table: a target (level 0), a sub-target or a part of one (level 1)."""

    target_id: str
    breakdown: str
    number: str  # STT: "1" for the source's "(1)"; "" for a line under the one before
    name: str
    unit: str
    plan_text: str  # the year's target as written: "14", "> 69.000", "≤ 13", "135 - 140"
    plan_value: Decimal | None  # the same as a number, when it is one number
    actual: Decimal | None
    period: str | None  # the figure's period code ("2022-H1"); notifiers.formatting.period names it
    estimate: bool
    share_of_plan: Decimal | None  # % kế hoạch: the figure as a percentage of the year's target
    previous: Decimal | None  # the previous year's figure
    previous_year: int | None
    status: str
    level: int = 0

    @property
    def assessment(self) -> str:
        return ASSESSMENT_NAMES.get(self.status, self.status)

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)


@dataclass(frozen=True)
class ReportSection:
    key: str  # "III", "IV", "V"
    title: str
    rows: tuple[ReportRow, ...]


@dataclass(frozen=True)
class LaggingItem:
    """A target or part behind (or with its report missing), with the explanation recorded."""

    number: str  # "(5)", "V.4"
    name: str
    part: str
    unit: str
    status: str
    reason: str
    actual: Decimal | None
    period: str | None
    required: Decimal | None
    gap: Decimal | None
    projected_pct: Decimal | None
    owner: str  # the department's name
    explanation: Explanation | None

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)


@dataclass(frozen=True)
class ProgressReport:
    """The whole report as of a date, for the plan or one department."""

    province: str
    year: int
    as_of: dt.date
    sections: tuple[ReportSection, ...]
    main_total: int  # the numbered main targets (section III's "(1)"…"(19)": 18 in the 2022 plan)
    main_met: int
    main_by_status: tuple[tuple[str, int], ...]  # each number's worst status, counted, worst first
    lagging: tuple[LaggingItem, ...]
    department: str | None = None  # the department's name when the report is one department's

    @property
    def title(self) -> str:
        return f"Tình hình thực hiện các chỉ tiêu chủ yếu kế hoạch phát triển kinh tế - xã hội năm {self.year}"

    @property
    def met_sentence(self) -> str:
        """The source's count: "13/18 chỉ tiêu chủ yếu đạt và vượt kế hoạch"."""
        return f"{self.main_met}/{self.main_total} chỉ tiêu chủ yếu đạt và vượt kế hoạch"

    @property
    def status_sentence(self) -> str:
        """The main targets by standing: "3 đúng tiến độ, 2 chậm, …"."""
        counts: dict[str, int] = {}
        for status, n in self.main_by_status:
            word = ASSESSMENT_NAMES.get(status, status).lower()
            counts[word] = counts.get(word, 0) + n
        return ", ".join(f"{n} {word}" for word, n in counts.items())

    @property
    def rows(self) -> list[ReportRow]:
        return [row for section in self.sections for row in section.rows]
