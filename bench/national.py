"""A national-scale plan and its figures, written as a user would have them: rule files and a CSV.

`provinces` rule files of `targets` cumulative targets each, every target broken down into `parts`
investors (34 x 100 x 30: 3,400 targets and 105,400 series, the targets' totals included). Each
province has a department owning its targets, escalating to one leader. The CSV holds each part's
year-to-date figure for every month up to November; the parts of every other target report 75 %
of what the trajectory requires (so the part and the target's total are critical: half the series
alert), the others 105 %.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

YEAR = 2022
AS_OF = dt.date(YEAR, 12, 15)
MONTHS = 11  # January to November: every report due by 15 December
MILESTONES = ((dt.date(YEAR, 3, 31), 15), (dt.date(YEAR, 6, 30), 40), (dt.date(YEAR, 9, 30), 65),
              (dt.date(YEAR, 12, 31), 100))  # fmt: skip
TARGET_VALUE = 1_000_000

HEADER = """\
plan: {province: Quốc gia, year: 2022, title: Kế hoạch quốc gia (tổng hợp), admin: van-phong}
departments:
  - {id: lanh-dao, name: Lãnh đạo, email: lanh-dao@gov.example, role: leader}
  - {id: van-phong, name: Văn phòng, email: van-phong@gov.example, escalation: lanh-dao}
"""


def _target(province: int, number: int, parts: int) -> str:
    part_value = TARGET_VALUE / parts
    lines = "\n".join(f"          - {{key: i{k}, name: Nhà đầu tư {k}, value: {part_value:g}}}" for k in range(parts))
    points = ", ".join(f"{{date: {d}, share: {s}}}" for d, s in MILESTONES)
    return f"""\
  - id: p{province:02d}-t{number:03d}
    number: {number + 1}
    name: Giải ngân vốn đầu tư công, tỉnh {province}, dự án {number}
    kind: cumulative
    comparator: at_least
    value: {TARGET_VALUE}
    unit: tỷ đồng
    reporting: {{every: month, basis: year_to_date}}
    trajectory: {{type: milestones, points: [{points}]}}
    tolerance: {{measure: relative, at_risk: 0, behind: 5, critical: 15}}
    owner: tinh-{province:02d}
    breakdowns:
      - dimension: investor
        parts:
{lines}
    source: {{lines: "1", quote: "synthetic"}}
"""


def write_plan(folder: Path, provinces: int, targets: int, parts: int) -> Path:
    """One file for the plan and departments, then one rule file per province."""
    folder.mkdir(parents=True, exist_ok=True)
    departments = "".join(
        f"  - {{id: tinh-{p:02d}, name: Sở Kế hoạch và Đầu tư tỉnh {p}, email: tinh-{p:02d}@gov.example, "
        f"escalation: lanh-dao}}\n"
        for p in range(provinces)
    )
    (folder / "plan.yaml").write_text(HEADER + departments, encoding="utf-8")
    for p in range(provinces):
        body = "".join(_target(p, n, parts) for n in range(targets))
        (folder / f"province-{p:02d}.yaml").write_text("targets:\n" + body, encoding="utf-8")
    return folder


def required_share(day: dt.date) -> float:
    """The milestones' share of the year's target at `day`, linear between them."""
    previous, share = dt.date(YEAR - 1, 12, 31), 0.0
    for when, pct in MILESTONES:
        if day <= when:
            return share + (pct / 100 - share) * (day - previous).days / (when - previous).days
        previous, share = when, pct / 100
    return 1.0


def month_end(month: int) -> dt.date:
    return dt.date(YEAR + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def alerting(number: int) -> bool:
    return number % 2 == 0


def write_rows(path: Path, provinces: int, targets: int, parts: int) -> int:
    """Every part's year-to-date figure for each month; returns the number of rows."""
    rows = 0
    part_value = TARGET_VALUE / parts
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("target,period,value,breakdown\n")
        for month in range(1, MONTHS + 1):
            share = required_share(month_end(month))
            for p in range(provinces):
                for n in range(targets):
                    value = part_value * share * (0.75 if alerting(n) else 1.05)
                    for k in range(parts):
                        out.write(f"p{p:02d}-t{n:03d},{YEAR}-{month:02d},{value + k / 1000:.3f},investor/i{k}\n")
                        rows += 1
    return rows
