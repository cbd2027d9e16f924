"""Composing a run's messages: one digest per recipient, rendered and ready for the outbox.

Runs inside the run's transaction, so a message exists exactly when the transition that owes it
does. Charts are rendered once per series and shared by every digest that shows it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from monitor.lifecycle import AlertKind, MessageKind
from notifiers.chart import render_chart
from notifiers.digest import STATUS_NAMES, Acknowledgement, ChartData, Digest, Item
from notifiers.formatting import rounded
from notifiers.render import Templates, render_digest, subject
from rules import Plan, Target
from rules.evaluate import Evaluation, Status, due_date, evaluate
from rules.observation import Observation
from rules.required import required_value
from rules.target import Kind, Measure


@dataclass(frozen=True)
class MailContext:
    """What composing needs besides the run: the sender's address and the templates."""

    sender: str
    templates: Templates

    @property
    def domain(self) -> str:
        return self.sender.rpartition("@")[2]


@dataclass(frozen=True)
class Composed:
    message_id: str
    recipient: str
    address: str
    subject: str
    message: bytes


def part_name(target: Target, breakdown: str) -> str:
    for share in target.parts:
        if share.key == breakdown:
            return share.name
    found = target.part(breakdown)
    if found is None:
        return breakdown
    split, part = found
    return f"{split.name or split.dimension}: {part.name}"


def explain(target: Target, evaluation: Evaluation, kind: AlertKind) -> str:
    """The verdict in Vietnamese, from its numbers."""
    if kind == AlertKind.OVERDUE:
        if evaluation.overdue_period is None:
            return "Đã nhận được báo cáo."
        due = due_date(target, evaluation.overdue_period)
        return f"Chưa nhận được báo cáo kỳ {evaluation.overdue_period} (hạn gửi {due:%d/%m/%Y})."
    status = evaluation.status
    if status == Status.ACHIEVED:
        return "Số liệu cuối kỳ đạt kế hoạch."
    if status == Status.ON_TRACK:
        return "Đạt yêu cầu đến thời điểm của số liệu."
    if status in (Status.NO_DATA, Status.OVERDUE):
        return "Chưa có số liệu để đánh giá."
    if evaluation.required is None or evaluation.gap is None:
        return "Chỉ tiêu đánh giá vào cuối năm; số liệu mới nhất chưa đạt kế hoạch."
    tolerance = target.effective_tolerance()
    if tolerance.measure == Measure.RELATIVE and evaluation.required:
        short = f"{rounded(evaluation.gap / abs(evaluation.required) * 100, 1)}% so với yêu cầu"
        bands = f"ngưỡng chậm {rounded(tolerance.behind, 1)}%, nghiêm trọng {rounded(tolerance.critical, 1)}%"
    else:
        unit = "điểm %" if target.unit == "%" else target.unit
        short = f"{rounded(evaluation.gap, 2)} {unit} so với yêu cầu"
        bands = f"ngưỡng chậm {rounded(tolerance.behind, 2)}, nghiêm trọng {rounded(tolerance.critical, 2)} {unit}"
    word = "Lệch" if target.kind == Kind.SHARE else "Thiếu"
    return f"{word} {short} ({bands}): {STATUS_NAMES[status.value].lower()}."


def changed(message: MessageKind, previous: str, current: str) -> str:
    """What changed since the last email about this series."""
    names = STATUS_NAMES
    if message == MessageKind.FIRING:
        return "Cảnh báo mới phát sinh."
    if message == MessageKind.ESCALATED:
        return "Chậm kéo dài hoặc nghiêm trọng: báo cáo lãnh đạo phụ trách."
    if previous and previous != current:
        return f"Từ «{names.get(previous, previous)}» chuyển sang «{names.get(current, current)}»."
    return "Không thay đổi so với thư trước; đề nghị đơn vị khắc phục hoặc gửi giải trình."


def chart_data(target: Target, breakdown: str, known: list[Observation], as_of: dt.date, year: int) -> ChartData:
    """The series' figures over time and the trajectory required, for its chart."""
    series = [o for o in known if o.breakdown == breakdown or (not breakdown and target.kind == Kind.CUMULATIVE)]
    actual: dict[dt.date, Decimal] = {}
    # The latest date reported in each month: the chart's scale. Daily figures from many
    # investors would otherwise mean one evaluation of the whole series per day.
    last_in_month: dict[tuple[int, int], dt.date] = {}
    for observation in series:
        end = observation.period.end
        if end <= as_of and end > last_in_month.get((end.year, end.month), dt.date.min):
            last_in_month[end.year, end.month] = end
    for end in sorted(last_in_month.values()):
        verdict = evaluate(target, series, end, year=year, breakdown=breakdown)
        if verdict.actual is not None and verdict.actual_period is not None:
            actual[verdict.actual_period.end] = verdict.actual
    required: list[tuple[dt.date, Decimal]] = []
    deadline = target.effective_deadline(year)
    day = dt.date(year, 1, 1) - dt.timedelta(days=1)
    while day <= deadline:
        value = required_value(target, year, day, breakdown)
        if value is not None:
            required.append((day, value))
        following = day + dt.timedelta(days=1)
        day = dt.date(following.year + following.month // 12, following.month % 12 + 1, 1) - dt.timedelta(days=1)
    return ChartData(tuple(sorted(actual.items())), tuple(required), target.unit)


def compose(
    plan: Plan,
    run_id: int,
    as_of: dt.date,
    queued: list[Any],
    evaluations: dict[tuple[str, str], Evaluation],
    known: dict[str, list[Observation]],
    acknowledgements: dict[tuple[str, str], Acknowledgement],
    mail: MailContext,
    now: dt.datetime,
) -> list[Composed]:
    """One rendered message per recipient of the run's queued notifications."""
    by_recipient: dict[str, list[Item]] = defaultdict(list)
    charts: dict[str, bytes] = {}
    chart_of: dict[tuple[str, str], str | None] = {}
    for q in queued:
        target = plan.targets[q.target_id]
        evaluation = evaluations[(q.target_id, q.breakdown)]
        series = (q.target_id, q.breakdown)
        if series not in chart_of:
            chart_of[series] = None
            if q.kind == AlertKind.PERFORMANCE and target.kind != Kind.SHARE:
                cid = f"chart.{run_id}.{_slug(q.target_id, q.breakdown)}@{mail.domain}"
                data = chart_data(target, q.breakdown, known.get(q.target_id, []), as_of, plan.info.year)
                if data.actual:
                    charts[cid] = render_chart(data, target.name[:60])
                    chart_of[series] = cid
        by_recipient[q.recipient.department].append(
            Item(
                target_id=target.id, number=target.label, name=target.name,
                part=part_name(target, q.breakdown) if q.breakdown else "", unit=target.unit,
                status=evaluation.status.value, message=q.message.value, alert=q.kind.value, role=q.recipient.role,
                reason=explain(target, evaluation, q.kind), actual=evaluation.actual,
                period=evaluation.actual_period.label if evaluation.actual_period else None,
                period_end=evaluation.actual_period.end if evaluation.actual_period else None,
                estimate=evaluation.actual_estimate, source=evaluation.actual_source or None,
                required=evaluation.required, gap=evaluation.gap, gap_points=evaluation.gap_points,
                projected=evaluation.projected, projected_pct=evaluation.projected_pct,
                pace_per_month=evaluation.pace_per_month,
                overdue_period=evaluation.overdue_period.label if evaluation.overdue_period else None,
                changed=changed(q.message, q.previous_status, evaluation.status.value),
                acknowledgement=acknowledgements.get(series), chart_id=chart_of[series],
            )
        )  # fmt: skip
    composed = []
    for recipient, items in sorted(by_recipient.items()):
        department = plan.departments[recipient]
        digest = Digest(
            department.id, department.name, department.email, plan.info.province, plan.info.title, as_of,
            tuple(items),
        )  # fmt: skip
        message_id = f"<{as_of:%Y%m%d}.run{run_id}.{recipient}@{mail.domain}>"
        message = render_digest(
            digest, mail.templates, charts, sender=mail.sender, message_id=message_id, composed_at=now
        )
        composed.append(Composed(message_id, recipient, department.email, subject(digest), message.as_bytes()))
    return composed


def _slug(target_id: str, breakdown: str) -> str:
    if not breakdown:
        return target_id
    return f"{target_id}.{hashlib.sha1(breakdown.encode()).hexdigest()[:8]}"
