"""The plan at a glance in a terminal: worst first, in Vietnamese, as many columns as the width holds.

A narrow terminal gets the status, the target and its figure; wider ones add what was required,
the gap (ahead shown as ahead), the projection, the period, the alerts, the owner and the ids.
Columns are dropped, never squeezed into wrapped garbage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import cell_len
from rich.table import Table

from monitor.lifecycle import AlertKey, AlertKind, AlertState
from monitor.mail.compose import part_name
from monitor.progress import gap_text
from notifiers import STATUS_NAMES, formatting
from rules import Evaluation, Plan, Status, Target

COLOURS = {
    Status.MISSED: "bold red reverse",
    Status.CRITICAL: "bold red",
    Status.BEHIND: "red",
    Status.OVERDUE: "magenta",
    Status.AT_RISK: "yellow",
    Status.NO_DATA: "dim",
    Status.ON_TRACK: "green",
    Status.ACHIEVED: "bold green",
}
ALERT_NAMES = {
    AlertState.PENDING: "chờ xác nhận",
    AlertState.FIRING: "đang cảnh báo",
    AlertState.RESOLVED: "đã khắc phục",
}


@dataclass(frozen=True)
class Line:
    """What one row of the table is about."""

    target: Target
    evaluation: Evaluation
    states: dict[AlertKey, AlertState]
    owner: str


def _with_unit(line: Line, value: object) -> str:
    return f"{value} {line.target.unit}" if value else ""


def _status(line: Line) -> str:
    return STATUS_NAMES[line.evaluation.status.value]


def _target(line: Line) -> str:
    e, target = line.evaluation, line.target
    part = f" — {part_name(target, e.breakdown)}" if e.breakdown else ""
    return f"{target.label} {target.name}{part}"


def _actual(line: Line) -> str:
    e = line.evaluation
    text = _with_unit(line, formatting.rounded(e.actual))
    return f"{text} (ước)" if text and e.actual_estimate else text


def _required(line: Line) -> str:
    return _with_unit(line, formatting.rounded(line.evaluation.required))


def _gap(line: Line) -> str:
    return gap_text(line.evaluation, line.target.unit)


def _projection(line: Line) -> str:
    pct = line.evaluation.projected_pct
    return f"{formatting.rounded(pct, 1)}% KH" if pct is not None else ""


def _period(line: Line) -> str:
    e = line.evaluation
    if e.actual_period is not None:
        return formatting.period(e.actual_period.label)
    return f"thiếu báo cáo {formatting.period(e.overdue_period.label)}" if e.overdue_period else ""


def _alerts(line: Line) -> str:
    e = line.evaluation
    shown = []
    for kind, prefix in ((AlertKind.PERFORMANCE, ""), (AlertKind.OVERDUE, "báo cáo: ")):
        state = line.states.get(AlertKey(e.target_id, e.breakdown, kind), AlertState.INACTIVE)
        if state in ALERT_NAMES:
            shown.append(prefix + ALERT_NAMES[state])
    return ", ".join(shown)


def _owner(line: Line) -> str:
    return line.owner


def _ids(line: Line) -> str:
    e = line.evaluation
    return f"{e.target_id} {e.breakdown}".strip()


@dataclass(frozen=True)
class Column:
    header: str
    cell: Callable[[Line], str]
    numeric: bool = False


# In the order they are given room: a narrow terminal keeps the first ones.
NAME = Column("Chỉ tiêu", _target)
COLUMNS = (
    Column("Tình trạng", _status),
    NAME,
    Column("Thực hiện", _actual, numeric=True),
    Column("Chênh lệch", _gap, numeric=True),
    Column("Yêu cầu", _required, numeric=True),
    Column("Dự báo cả năm", _projection, numeric=True),
    Column("Kỳ số liệu", _period),
    Column("Cảnh báo", _alerts),
    Column("Đơn vị", _owner),
    Column("Mã", _ids),
)
NAME_ROOM = 28  # the least a target's name is given before another column is
EDGE = 4  # a column's borders and padding


def columns_for(width: int, cells: dict[Column, list[str]]) -> list[Column]:
    """The columns that fit `width` whole, in order of priority, the name keeping `NAME_ROOM`."""
    used = 1 + NAME_ROOM + EDGE
    shown = [NAME]
    for column in COLUMNS:
        if column is NAME:
            continue
        needed = max(cell_len(text) for text in [column.header, *cells[column]]) + EDGE
        if column is not COLUMNS[0] and used + needed > width:
            break
        used += needed
        shown.append(column)
    return [c for c in COLUMNS if c in shown]


def status_table(
    plan: Plan, evaluations: list[Evaluation], states: dict[AlertKey, AlertState], title: str, width: int
) -> Table:
    """The evaluations worst first, then in the plan's order, as a table `width` characters wide."""
    order = {target_id: n for n, target_id in enumerate(plan.targets)}
    lines = [
        Line(plan.targets[e.target_id], e, states, plan.targets[e.target_id].owner_of(e.breakdown))
        for e in sorted(evaluations, key=lambda e: (-e.status.severity, order[e.target_id]))
    ]
    cells = {column: [column.cell(line) for line in lines] for column in COLUMNS}
    shown = columns_for(width, cells)
    grid = Table(
        title=title, width=min(width, 1 + sum(EDGE + max(map(cell_len, [c.header, *cells[c]])) for c in shown))
    )
    for column in shown:
        grid.add_column(
            column.header,
            justify="right" if column.numeric else "left",
            no_wrap=column is not NAME,
            overflow="fold",
            ratio=1 if column is NAME else None,
        )
    for n, line in enumerate(lines):
        grid.add_row(*(cells[column][n] for column in shown), style=COLOURS[line.evaluation.status])
    return grid
