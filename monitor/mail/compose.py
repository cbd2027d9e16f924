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
from monitor.lifecycle import FIRES, AlertKind, MessageKind
from monitor.mail import facts
from monitor.mail.drawing import Drawn, draw, failed
from monitor.recording import Queued
from monitor.store.outbox import Outgoing
from notifiers import STATUS_NAMES, ChartData, Digest, Explanation, Item, Templates, formatting, render_digest, subject
from rules import (
    Evaluation,
    Kind,
    Measure,
    Observation,
    Period,
    PeriodKind,
    Plan,
    SeriesKey,
    Status,
    Target,
    due_date,
    shortfall_measure,
    target_value,
)


@dataclass(frozen=True)
class MailContext:
    """What composing needs besides the run: the sender's address and the templates."""

    sender: str
    templates: Templates
    reply_to: str | None = None
    public_url: str | None = None  # the portal's public base URL: explanations are sent there
    inbox: str = ""  # the inbox folder departments drop figures in
    max_charts: int = 6  # charts in one digest: those of its worst items; the others are told in words
    size_budget: int = 5_000_000  # bytes: a bigger digest keeps its worst items and counts the others
    remind_days: int = 3  # days before a report falls due that its owner is reminded, if its figure has not come

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
        return (
            f"Chưa nhận được báo cáo {formatting.period(evaluation.overdue_period.label)} "
            f"(hạn gửi {formatting.day(due)})."
        )
    status = evaluation.status
    if status == Status.ACHIEVED:
        return "Số liệu cuối kỳ đạt kế hoạch."
    if status == Status.MISSED:
        return _missed(target, evaluation)
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


_SIGNS = {"at_least": "≥", "at_most": "≤", "above": ">", "below": "<"}


def _missed(target: Target, evaluation: Evaluation) -> str:
    """The plain comparison a final figure fails: "Số liệu cuối kỳ 37,8% không đạt kế hoạch (≥ 38%)"."""
    unit = target.unit
    if target.kind == Kind.RANGE:
        wanted = f"{formatting.amount(target.low, unit)} – {formatting.amount(target.high, unit)}"
    elif target.kind == Kind.SHARE:
        wanted = f"{formatting.amount(evaluation.required, unit)}, lệch không quá " + formatting.amount(
            target.effective_tolerance().at_risk, "điểm %" if unit == "%" else unit
        )
    else:
        sign = _SIGNS.get(target.comparator.value, "")
        wanted = f"{sign} {formatting.amount(evaluation.required, unit)}".strip()
    return f"Số liệu cuối kỳ {formatting.amount(evaluation.actual, unit)} không đạt kế hoạch ({wanted}): không đạt."


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

    by_recipient = _with_charts(
        plan, _entries(plan, as_of, queued, evaluations, known, explanations, mail), mail, chart_of
    )
    composed = []
    for recipient, items in sorted(by_recipient.items()):
        department = plan.departments[recipient]
        digest = Digest(
            department.id, department.name, department.email, plan.info.province, plan.info.title, as_of,
            tuple(items), send_figures=facts.inbox_folder(mail.inbox, department.id),
        )  # fmt: skip
        message_id = f"<{as_of:%Y%m%d}.run{run_id}.{recipient}@{mail.domain}>"
        message = render_digest(
            digest, mail.templates, charts, sender=mail.sender, message_id=message_id, composed_at=now,
            size_budget=mail.size_budget, reply_to=mail.reply_to,
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
                wanted[series] = (series, data, chart_title(target, series.breakdown))
        return seen[series]

    _with_charts(plan, _entries(plan, as_of, queued, evaluations, known, explanations, mail), mail, chart_of)
    return list(wanted.values())


ChartOf = Callable[[Target, SeriesKey], "str | None"]


def chart_title(target: Target, breakdown: str) -> str:
    """A chart's title: the target's name, and the part's when the chart is a part's."""
    return target.name[:60] + (f" — {part_name(target, breakdown)}" if breakdown else "")


def _draw(
    plan: Plan, target: Target, series: SeriesKey, known: dict[str, list[Observation]], as_of: dt.date
) -> bytes | None:
    data = chart_data(target, series.breakdown, known.get(target.id, []), as_of, plan.info.year)
    if not data.actual:
        return None
    png, error = draw(data, chart_title(target, series.breakdown))
    if png is None:
        failed(series, error)
    return png


def _entries(
    plan: Plan,
    as_of: dt.date,
    queued: list[Queued],
    evaluations: dict[SeriesKey, Evaluation],
    known: dict[str, list[Observation]],
    explanations: dict[SeriesKey, Explanation],
    mail: MailContext,
) -> dict[str, list[tuple[Item, SeriesKey, bool]]]:
    """Each recipient's items, and whether each may carry a chart."""
    entries: dict[str, list[tuple[Item, SeriesKey, bool]]] = defaultdict(list)
    for q in queued:
        target = plan.targets[q.target_id]
        series = q.series
        evaluation = evaluations[series]
        period = evaluation.actual_period
        report_period = evaluation.overdue_period.label if evaluation.overdue_period else None
        owner = q.recipient.role == "owner"
        item = Item(
            target_id=target.id, number=target.label, name=target.name,
            part=part_name(target, q.breakdown) if q.breakdown else "", unit=target.unit,
            status=evaluation.status.value, message=q.message.value, alert=q.kind.value, role=q.recipient.role,
            reason=explain(target, evaluation, q.kind), rank=evaluation.status.severity, actual=evaluation.actual,
            period=_written_period(target, period), period_end=period.end if period else None,
            estimate=evaluation.actual_estimate, source=facts.source_text(plan, evaluation.actual_source),
            required=evaluation.required, gap=evaluation.gap, gap_points=evaluation.gap_points,
            projected=evaluation.projected, projected_pct=evaluation.projected_pct,
            pace_per_month=evaluation.pace_per_month, overdue_period=report_period,
            changed=changed(q.message, q.previous_status, evaluation.status.value),
            acknowledgement=explanations.get(series),
            target_value=target_value(target, as_of, q.breakdown), deadline=target.effective_deadline(plan.info.year),
            previous_year=facts.previous_year(known.get(target.id, []), q.breakdown, period),
            next_milestone=facts.next_milestone(target, period.end if period else None) if not q.breakdown else "",
            due=due_date(target, evaluation.overdue_period) if evaluation.overdue_period else None,
            explain_by=as_of + facts.EXPLAIN_WITHIN if owner and q.message != MessageKind.RESOLVED else None,
            link=facts.explanation_link(
                mail.public_url, target.id, q.breakdown,
                report_period or (period.label.removesuffix(" (lũy kế)") if period else None),
            ) if owner else None,
            worst_parts="" if q.breakdown else _worst_parts(target, evaluations),
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


def _written_period(target: Target, period: Period | None) -> str | None:
    """A flow's monthly figure is the year to date: "2022-07 (lũy kế)", written "lũy kế 7 tháng năm 2022"."""
    if period is None:
        return None
    label = period.label
    if target.kind == Kind.CUMULATIVE and period.kind == PeriodKind.MONTH and not label.endswith(" (lũy kế)"):
        return f"{label} (lũy kế)"
    return label


def _worst_parts(target: Target, evaluations: dict[SeriesKey, Evaluation]) -> str:
    """A total's parts furthest behind, worst first: "Vốn ODA (thiếu 72,5%), …"."""
    behind = [
        e for key in target.part_keys()
        if (e := evaluations.get(SeriesKey(target.id, key))) is not None and e.status in FIRES
    ]  # fmt: skip
    behind.sort(key=lambda e: -(e.gap_points or 0))
    named = []
    for e in behind[:3]:
        short = ""
        if e.gap is not None and e.gap_points is not None:
            short = f" (thiếu {formatting.amount(e.gap, target.unit)}, {formatting.rounded(e.gap_points, 1)} điểm % KH)"
        named.append(f"{part_name(target, e.breakdown)}{short}")
    return "; ".join(named)


def _slug(target_id: str, breakdown: str) -> str:
    if not breakdown:
        return target_id
    return f"{target_id}.{hashlib.sha1(breakdown.encode()).hexdigest()[:8]}"
