"""What a digest holds: one email per recipient per evaluation run, its items worst first.

Plain values: the notifiers know targets, figures and alerts only as these, never the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property

STATUS_NAMES = {
    "critical": "Nghiêm trọng",
    "behind": "Chậm tiến độ",
    "overdue": "Chưa gửi báo cáo",
    "at_risk": "Có nguy cơ chậm",
    "no_data": "Chưa có số liệu",
    "on_track": "Đúng tiến độ",
    "achieved": "Đạt kế hoạch",
    "missed": "Không đạt",
}
MESSAGE_NAMES = {
    "firing": "Cảnh báo mới",
    "escalated": "Báo cáo lãnh đạo",
    "repeat": "Nhắc lại",
    "resolved": "Đã khắc phục",
}
ROLE_NAMES = {
    "owner": "đơn vị chủ trì chỉ tiêu",
    "notify": "đơn vị phối hợp theo dõi",
    "escalation": "lãnh đạo phụ trách (chỉ tiêu chậm kéo dài hoặc nghiêm trọng)",
}


@dataclass(frozen=True)
class Explanation:
    """A department's explanation ("giải trình") of a shortfall in one period."""

    period: str
    cause: str
    remedy: str
    expected: dt.date | None
    by: str


@dataclass(frozen=True)
class ChartData:
    """The actual figures and the required trajectory of one target, for a small chart."""

    actual: tuple[tuple[dt.date, Decimal], ...]
    required: tuple[tuple[dt.date, Decimal], ...]
    unit: str
    target: Decimal | None = None  # the year's target: a line across the chart
    as_of: dt.date | None = None  # the evaluation date: a mark
    deadline: dt.date | None = None  # the target's deadline: a mark


@dataclass(frozen=True)
class TrajectoryChart:
    """A target's whole chart for a page: its figures and required trajectory (the emails' data),
    the projection to the deadline, the milestones, the year's target, and each breakdown part."""

    main: ChartData
    target: Decimal | None
    deadline: dt.date
    projection: tuple[tuple[dt.date, Decimal], ...] = ()  # from the latest figure to the deadline
    milestones: tuple[tuple[dt.date, Decimal], ...] = ()  # the value each milestone asks by its date
    parts: tuple[tuple[str, ChartData], ...] = ()  # a part's name and its own figures and trajectory


@dataclass(frozen=True, slots=True)  # a national digest holds tens of thousands
class Item:
    """One target (or breakdown part) in a digest, with everything its reader needs."""

    target_id: str
    number: str  # the source's numbering: "(5)", "IV.1"
    name: str
    part: str  # the breakdown part's name, or ""
    unit: str
    status: str
    message: str  # firing, escalated, repeat, resolved
    alert: str  # performance, overdue
    role: str  # why the recipient gets it: owner, notify, escalation
    reason: str
    rank: int  # the status's severity as the engine orders statuses: larger is worse
    actual: Decimal | None = None
    period: str | None = None
    period_end: dt.date | None = None
    estimate: bool = False
    source: str | None = None
    required: Decimal | None = None
    gap: Decimal | None = None
    gap_points: Decimal | None = None
    projected: Decimal | None = None
    projected_pct: Decimal | None = None
    pace_per_month: Decimal | None = None
    overdue_period: str | None = None
    changed: str = ""  # what changed since the last email about it
    acknowledgement: Explanation | None = None
    chart_id: str | None = None  # the Content-ID of its chart, shared across recipients
    target_value: Decimal | None = None  # the year's target in force
    deadline: dt.date | None = None
    previous_year: Decimal | None = None  # the figure of the same period of the previous year, if stored
    next_milestone: str = ""  # "65% KH trước 30/09/2022"
    due: dt.date | None = None  # when the missing report was due
    explain_by: dt.date | None = None  # when an explanation ("giải trình") is expected
    link: str | None = None  # where the owner sends its explanation, on the portal
    worst_parts: str = ""  # for a total: its parts furthest behind

    @property
    def rate(self) -> bool:
        """A percentage (a growth rate, a share): gaps in points, no "% of plan"."""
        return self.unit == "%"

    @property
    def gap_unit(self) -> str:
        return "điểm %" if self.rate else self.unit

    @property
    def share_of_target(self) -> Decimal | None:
        """The figure as a percentage of the year's target (a flow's progress); none for a rate."""
        if self.rate or self.actual is None or not self.target_value:
            return None
        return self.actual / self.target_value * 100

    @property
    def report(self) -> bool:
        """A missing report (or its arrival), told in the digest's compact table."""
        return self.alert == "overdue"

    @property
    def severity(self) -> int:
        """Sorts a digest worst first: what is still behind before what was resolved, then by status."""
        return self.rank + (10 if self.message != "resolved" else 0)

    @property
    def order(self) -> tuple[int, str, int, Decimal, str]:
        """Worst first, then in the plan's numbering, the total before its parts, the parts by the
        size of their shortfall."""
        shortfall = self.gap_points if self.gap_points is not None else (self.gap or Decimal(0))
        return -self.severity, self.number, 1 if self.part else 0, -shortfall, self.part

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status)

    @property
    def message_name(self) -> str:
        if self.report and self.message == "resolved":
            return "Đã nhận báo cáo"  # the report came: the target itself may still be behind
        return MESSAGE_NAMES.get(self.message, self.message)

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.role, self.role)


@dataclass(frozen=True)
class Digest:
    """One email: a recipient, the run's date, and the items about them, worst first."""

    recipient_id: str
    recipient_name: str
    address: str
    province: str
    plan_title: str
    as_of: dt.date
    items: tuple[Item, ...]
    sender_name: str = "Hệ thống theo dõi kế hoạch"
    send_figures: str = ""  # how to send figures: the department's inbox folder
    detailed: int | None = None  # the worst shortfalls told in full; those after them in a table (None: all)

    @cached_property
    def shortfalls(self) -> list[Item]:
        """The items about figures, worst first: a leader's digest leads with these."""
        return [i for i in self.ordered if not i.report]

    @cached_property
    def reports(self) -> list[Item]:
        """The missing (and arrived) reports, for the compact table at the end."""
        return [i for i in self.ordered if i.report]

    @property
    def behind(self) -> int:
        """How many targets the digest reports as behind (firing, escalated or repeated)."""
        return len({i.target_id for i in self.items if i.message != "resolved" and i.alert == "performance"})

    @cached_property
    def ordered(self) -> list[Item]:
        return sorted(self.items, key=lambda i: i.order)
