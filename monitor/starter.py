"""The small commented plan `plan-monitor init` writes: a header, two departments, one target of
each kind, and the few lines of source document they cite. It validates as written."""

from __future__ import annotations

from pathlib import Path

SOURCE = """\
NGHỊ QUYẾT VỀ KẾ HOẠCH PHÁT TRIỂN KINH TẾ - XÃ HỘI NĂM 2023 (văn bản mẫu)

1. Tốc độ tăng tổng sản phẩm (GRDP) đạt 8%.
2. Thu ngân sách nhà nước trên địa bàn đạt 10.000 tỷ đồng.
3. Tỷ lệ che phủ rừng đạt 38%.
4. Cơ cấu kinh tế: công nghiệp - xây dựng 60%; dịch vụ 25%; nông, lâm nghiệp, thủy sản 15%.
5. Giá trị sản xuất trên 01 ha đất nông nghiệp đạt 130-140 triệu đồng.
6. Có thêm 20 xã đạt chuẩn nông thôn mới.
"""

PLAN = """\
# yaml-language-server: $schema=plan-monitor.schema.json
# The plan's header: one in all the rule files of a plan. `document` is the plain-text source the
# targets cite (relative to this file); each quote is checked against the lines it names.
plan:
  province: Tỉnh mẫu
  year: 2023
  title: Kế hoạch phát triển kinh tế - xã hội năm 2023 (mẫu)
  document: source/nghi-quyet.txt
  admin: van-phong          # told by email when a rule edit is refused
"""

DEPARTMENTS = """\
# yaml-language-server: $schema=plan-monitor.schema.json
# Who owns targets (role: department, the default) and who hears when they stay behind (leader).
departments:
  - id: chu-tich
    name: Chủ tịch UBND tỉnh
    email: chu-tich@tinh-mau.example
    role: leader
  - id: van-phong
    name: Văn phòng UBND tỉnh
    email: van-phong@tinh-mau.example
    escalation: chu-tich    # the leader told when this department's targets stay behind
"""

TARGETS = """\
# yaml-language-server: $schema=plan-monitor.schema.json
# One target of each kind. Values are numbers with a dot before the decimals (7088.973), never
# Vietnamese text ("7.088,973"). `plan-monitor units` lists the units; README explains each field.
targets:
  # A growth rate, compared per cumulative period (Q1, 6 months, 9 months, year).
  - id: grdp-growth
    number: 1
    name: Tốc độ tăng GRDP
    kind: growth_rate
    comparator: at_least
    value: 8
    unit: "%"
    reporting: {every: quarter, basis: year_to_date, due_day: 10}
    owner: van-phong
    source: {lines: "3", quote: "Tốc độ tăng tổng sản phẩm (GRDP) đạt 8%"}

  # A flow summed over the year, judged against a straight line from 1 January.
  - id: budget-revenue
    number: 2
    name: Thu ngân sách nhà nước trên địa bàn
    kind: cumulative
    comparator: at_least
    value: 10000
    unit: tỷ đồng
    baseline: {value: 9500}   # last year's figure
    reporting: {every: month, basis: year_to_date, due_day: 5}
    trajectory: {type: linear}
    owner: van-phong
    source: {lines: "4", quote: "Thu ngân sách nhà nước trên địa bàn đạt 10.000 tỷ đồng"}

  # A level at a date, judged at year end.
  - id: forest-cover
    number: 3
    name: Tỷ lệ che phủ rừng
    kind: level
    comparator: at_least
    value: 38
    unit: "%"
    reporting: {every: year, basis: level, due_day: 15}
    trajectory: {type: year_end}
    owner: van-phong
    source: {lines: "5", quote: "Tỷ lệ che phủ rừng đạt 38%"}

  # A set of shares summing to 100.
  - id: economic-structure
    number: 4
    name: Cơ cấu kinh tế
    kind: share
    comparator: share
    unit: "%"
    parts:
      - {key: industry-construction, name: Công nghiệp - xây dựng, value: 60}
      - {key: services, name: Dịch vụ, value: 25}
      - {key: agriculture, name: "Nông, lâm nghiệp, thủy sản", value: 15}
    reporting: {every: half_year, basis: level, due_day: 15}
    owner: van-phong
    source: {lines: "6", quote: "công nghiệp - xây dựng 60%; dịch vụ 25%; nông, lâm nghiệp, thủy sản 15%"}

  # A value inside a range at year end.
  - id: farm-output-per-ha
    number: 5
    name: Giá trị sản xuất trên 01 ha đất nông nghiệp
    kind: range
    comparator: between
    low: 130
    high: 140
    unit: triệu đồng/ha
    reporting: {every: year, basis: level, due_day: 15}
    owner: van-phong
    source: {lines: "7", quote: "đạt 130-140 triệu đồng"}

  # A count reached by dated milestones (percent of the way from the baseline to the target).
  - id: new-rural-communes
    number: 6
    name: Số xã đạt chuẩn nông thôn mới trong năm
    kind: milestone
    comparator: at_least
    value: 20
    unit: xã
    reporting: {every: quarter, basis: year_to_date, due_day: 10}
    trajectory:
      type: milestones
      points:
        - {date: 2023-06-30, share: 30}
        - {date: 2023-12-31, share: 100}
    owner: van-phong
    source: {lines: "8", quote: "Có thêm 20 xã đạt chuẩn nông thôn mới"}
"""


def write_starter() -> dict[Path, str]:
    """The starter plan's files, by path relative to its folder."""
    return {
        Path("plan.yaml"): PLAN,
        Path("departments.yaml"): DEPARTMENTS,
        Path("targets.yaml"): TARGETS,
        Path("source/nghi-quyet.txt"): SOURCE,
    }
