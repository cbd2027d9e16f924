"""The facts of a digest item that its reader acts on, as officials write them: the figure's source
(its file and who sent it), the same period of the previous year, the next milestone, the link
for an explanation. Pure: from the plan, the figures and the run's date."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from urllib.parse import quote, urlencode

from notifiers import formatting
from rules import Milestones, Observation, Period, Plan, Target

EXPLAIN_WITHIN = dt.timedelta(days=7)  # an explanation ("giải trình") is expected within a week
_SOURCE = re.compile(r"^(?P<file>.+?):(?P<row>\d+)(?: \((?P<sender>[^()]+)\))?$")


def source_text(plan: Plan, source: str | None) -> str | None:
    """ "giai-ngan.xlsx:14 (so-khdt)" -> "tệp giai-ngan.xlsx, Sở Kế hoạch và Đầu tư gửi"."""
    if not source:
        return None
    found = _SOURCE.match(source)
    if found is None:
        return "tổng hợp từ các phần" if source.startswith("sum of") else source
    text = f"tệp {found['file']}"
    sender = found["sender"]
    if sender:
        department = plan.departments.get(sender)
        text += f", {department.name if department else sender} gửi"
    return text


def previous_year(known: list[Observation], breakdown: str, period: Period | None) -> Decimal | None:
    """The figure stored for the same period of the previous year, if any (official first)."""
    if period is None:
        return None
    label = period.label.removesuffix(" (lũy kế)")
    year, dash, rest = label.partition("-")
    if not year.isdigit():
        return None
    wanted = f"{int(year) - 1}{dash}{rest}"
    rivals = [o for o in known if o.breakdown == breakdown and o.period.label == wanted]
    return max(rivals, key=lambda o: o.rank).value if rivals else None


def next_milestone(target: Target, day: dt.date | None) -> str:
    """The next milestone after the figure's date: "65% KH trước 30/09/2022"."""
    trajectory = target.effective_trajectory()
    if day is None or not isinstance(trajectory, Milestones):
        return ""
    for point in trajectory.points:
        if point.date > day:
            return f"{formatting.rounded(point.share, 1)}% KH trước {formatting.day(point.date)}"
    return ""


def explanation_link(public_url: str | None, target_id: str, breakdown: str, period: str | None) -> str | None:
    """The portal's page for an explanation: {public_url}/giai-trinh/{target_id}?part=…&period=…"""
    if not public_url:
        return None
    query = urlencode({"part": breakdown, "period": period or ""})
    return f"{public_url}/giai-trinh/{quote(target_id)}?{query}"


def inbox_folder(inbox: str, department: str) -> str:
    """How a department sends figures: its own inbox folder."""
    return f"đặt tệp số liệu vào thư mục {inbox.rstrip('/')}/{department}" if inbox else ""
