"""A synthetic plan and data file of any size, for benchmarks and for tests that need volume.

The plan has one cumulative target broken down by `parts` investors; the data file holds one
year-to-date figure per investor and day, so every row has its own key.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

PLAN = """\
plan: {{province: Bench, year: 2022, title: Synthetic plan, admin: office}}
departments:
  - {{id: leader, name: Leader, email: leader@bacgiang.example, role: leader}}
  - {{id: office, name: Office, email: office@bacgiang.example, escalation: leader}}
targets:
  - id: investment
    number: 1
    name: Giải ngân
    kind: cumulative
    comparator: at_least
    value: 1000000
    unit: tỷ đồng
    reporting: {{every: month, basis: year_to_date}}
    owner: office
    breakdowns:
      - dimension: investor
        parts:
{parts}
    source: {{lines: "1", quote: "synthetic"}}
"""


def write_plan(folder: Path, parts: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = "\n".join(f"          - {{key: i{n}, name: Investor {n}}}" for n in range(parts))
    (folder / "plan.yaml").write_text(PLAN.format(parts=lines), encoding="utf-8")
    return folder


def write_rows(path: Path, rows: int, parts: int) -> Path:
    """`rows` rows, each a distinct (investor, day), each investor's total growing; needs rows <= parts * 365."""
    if rows > parts * 365:
        raise ValueError("not enough distinct keys: raise parts")
    days = [(dt.date(2022, 1, 1) + dt.timedelta(days=d)).isoformat() for d in range(365)]
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("target,period,value,breakdown\n")
        for n in range(rows):
            day = n // parts  # a year-to-date total: each investor's grows from day to day
            out.write(f"investment,{days[day]},{day * 1000 + n % 997}.25,investor/i{n % parts}\n")
    return path
