"""Composing a run's messages: one digest per recipient, rendered and ready for the outbox.

Runs inside the run's transaction (monitor.mail.queue), so a message exists exactly when the
transition that owes it does. Charts are drawn once per series, before the transaction
(`charts_wanted`, monitor.mail.drawing), and shared by every digest that shows it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace

from monitor.charts import chart_data
from monitor.lifecycle import AlertKind, MessageKind
from monitor.mail.drawing import Drawn, draw, failed
from monitor.recording import Queued
from monitor.store.outbox import Outgoing
from notifiers import STATUS_NAMES, ChartData, Digest, Explanation, Item, Templates, formatting, render_digest, subject
from rules import Evaluation, Kind, Measure, Observation, Plan, SeriesKey, Status, Target, due_date, shortfall_measure


@dataclass(frozen=True)
class MailContext:
    """What composing needs besides the run: the sender's address and the templates."""

    sender: str
    templates: Templates
    max_charts: int = 6  # charts in one digest: those of its worst items; the others are told in words
    size_budget: int = 5_000_000  # bytes: a bigger digest keeps its worst items and counts the others

    @property
    def domain(self) -> str:
        return self.sender.rpartition("@")[2]


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
    rounded = formatting.rounded
    if tolerance.measure == Measure.RELATIVE and evaluation.required:
        short = f"{rounded(shortfall_measure(target, evaluation.gap, evaluation.required), 1)}% so với yêu cầu"
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


def compose(
    plan: Plan,
    run_id: int,
    as_of: dt.date,
    queued: list[Queued],
    evaluations: dict[SeriesKey, Evaluation],
    known: dict[str, list[Observation]],
    explanations: dict[SeriesKey, Explanation],
    mail: MailContext,
    now: dt.datetime,
    drawn: Drawn | None = None,
) -> list[Outgoing]:
    """One rendered message per recipient of the run's queued notifications.

    A digest carries the charts of its worst items only (`mail.max_charts`); each chart is drawn once,
    whoever receives it: taken from `drawn` (drawn before the run's transaction, monitor.mail.drawing),
    or drawn here if it is not there."""
    charts: dict[str, bytes] = {}
    cids: dict[SeriesKey, str | None] = {}
    drawn = drawn or {}

    def chart_of(target: Target, series: SeriesKey) -> str | None:
        if series not in cids:
            cids[series] = None
            png = drawn[series] if series in drawn else _draw(plan, target, series, known, as_of)
            if png is not None:
                cid = f"chart.{run_id}.{_slug(target.id, series.breakdown)}@{mail.domain}"
                charts[cid] = png
                cids[series] = cid
        return cids[series]

    by_recipient = _with_charts(plan, _entries(plan, queued, evaluations, explanations), mail, chart_of)
    composed = []
    for recipient, items in sorted(by_recipient.items()):
        department = plan.departments[recipient]
        digest = Digest(
            department.id, department.name, department.email, plan.info.province, plan.info.title, as_of,
            tuple(items),
        )  # fmt: skip
        message_id = f"<{as_of:%Y%m%d}.run{run_id}.{recipient}@{mail.domain}>"
        message = render_digest(
            digest, mail.templates, charts, sender=mail.sender, message_id=message_id, composed_at=now,
            size_budget=mail.size_budget,
        )  # fmt: skip
        composed.append(Outgoing(message_id, recipient, department.email, subject(digest), message.as_bytes()))
    return composed


def charts_wanted(
    plan: Plan,
    as_of: dt.date,
    queued: list[Queued],
    evaluations: dict[SeriesKey, Evaluation],
    known: dict[str, list[Observation]],
    explanations: dict[SeriesKey, Explanation],
    mail: MailContext,
) -> list[tuple[SeriesKey, ChartData, str]]:
    """The charts `compose` will put in these digests: each series once, with its data and title."""
    wanted: dict[SeriesKey, tuple[SeriesKey, ChartData, str]] = {}
    seen: dict[SeriesKey, str | None] = {}

    def chart_of(target: Target, series: SeriesKey) -> str | None:
        if series not in seen:
            data = chart_data(target, series.breakdown, known.get(target.id, []), as_of, plan.info.year)
            seen[series] = "wanted" if data.actual else None
            if data.actual:
                wanted[series] = (series, data, target.name[:60])
        return seen[series]

    _with_charts(plan, _entries(plan, queued, evaluations, explanations), mail, chart_of)
    return list(wanted.values())


ChartOf = Callable[[Target, SeriesKey], "str | None"]


def _draw(
    plan: Plan, target: Target, series: SeriesKey, known: dict[str, list[Observation]], as_of: dt.date
) -> bytes | None:
    data = chart_data(target, series.breakdown, known.get(target.id, []), as_of, plan.info.year)
    if not data.actual:
        return None
    png, error = draw(data, target.name[:60])
    if png is None:
        failed(series, error)
    return png


def _entries(
    plan: Plan,
    queued: list[Queued],
    evaluations: dict[SeriesKey, Evaluation],
    explanations: dict[SeriesKey, Explanation],
) -> dict[str, list[tuple[Item, SeriesKey, bool]]]:
    """Each recipient's items, and whether each may carry a chart."""
    entries: dict[str, list[tuple[Item, SeriesKey, bool]]] = defaultdict(list)
    for q in queued:
        target = plan.targets[q.target_id]
        series = q.series
        evaluation = evaluations[series]
        item = Item(
            target_id=target.id, number=target.label, name=target.name,
            part=part_name(target, q.breakdown) if q.breakdown else "", unit=target.unit,
            status=evaluation.status.value, message=q.message.value, alert=q.kind.value, role=q.recipient.role,
            reason=explain(target, evaluation, q.kind), rank=evaluation.status.severity, actual=evaluation.actual,
            period=evaluation.actual_period.label if evaluation.actual_period else None,
            period_end=evaluation.actual_period.end if evaluation.actual_period else None,
            estimate=evaluation.actual_estimate, source=evaluation.actual_source or None,
            required=evaluation.required, gap=evaluation.gap, gap_points=evaluation.gap_points,
            projected=evaluation.projected, projected_pct=evaluation.projected_pct,
            pace_per_month=evaluation.pace_per_month,
            overdue_period=evaluation.overdue_period.label if evaluation.overdue_period else None,
            changed=changed(q.message, q.previous_status, evaluation.status.value),
            acknowledgement=explanations.get(series),
        )  # fmt: skip
        chartable = q.kind == AlertKind.PERFORMANCE and target.kind != Kind.SHARE
        entries[q.recipient.department].append((item, series, chartable))
    return entries


def _with_charts(
    plan: Plan, entries: dict[str, list[tuple[Item, SeriesKey, bool]]], mail: MailContext, chart_of: ChartOf
) -> dict[str, list[Item]]:
    """Each recipient's items worst first, the worst `mail.max_charts` that can have one with their chart."""
    by_recipient: dict[str, list[Item]] = {}
    for recipient, listed in entries.items():
        items, shown = [], 0
        for item, series, chartable in sorted(listed, key=lambda entry: entry[0].order):
            if chartable and shown < mail.max_charts:
                cid = chart_of(plan.targets[series.target_id], series)
                if cid is not None:
                    item, shown = replace(item, chart_id=cid), shown + 1
            items.append(item)
        by_recipient[recipient] = items
    return by_recipient


def _slug(target_id: str, breakdown: str) -> str:
    if not breakdown:
        return target_id
    return f"{target_id}.{hashlib.sha1(breakdown.encode()).hexdigest()[:8]}"
