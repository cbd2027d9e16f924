"""A run's queued messages as each recipient's digest items, worst first.

The shortfalls told in full (the worst `detailed` of a digest) and the missing reports are built
with every fact their reader needs; the others, told in one line of a table, only with what that
line says (a national plan's digests hold tens of thousands of them).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from monitor.lifecycle import FIRES, AlertKind, MessageKind
from monitor.mail import facts
from monitor.mail.wording import changed, explain, part_name
from monitor.recording import Queued
from notifiers import Explanation, Item, formatting
from rules import (
    Evaluation,
    Kind,
    Observation,
    Period,
    PeriodKind,
    Plan,
    SeriesKey,
    Target,
    due_date,
    target_value,
)

Entries = dict[str, list[tuple[Item, SeriesKey, bool]]]
"""Each recipient's items worst first, each with its series and whether it may carry a chart."""


def entries(
    plan: Plan,
    as_of: dt.date,
    queued: list[Queued],
    evaluations: dict[SeriesKey, Evaluation],
    known: dict[str, list[Observation]],
    explanations: dict[SeriesKey, Explanation],
    *,
    public_url: str | None,
    detailed: int,
) -> Entries:
    """Each recipient's items worst first: the worst `detailed` shortfalls and the reports in full."""
    names: dict[SeriesKey, str] = {}
    listed: dict[str, list[tuple[Item, Queued]]] = defaultdict(list)
    for q in queued:
        target = plan.targets[q.target_id]
        series = q.series
        if series not in names:
            names[series] = part_name(target, q.breakdown) if q.breakdown else ""
        listed[q.recipient.department].append((_brief(target, q, evaluations[series], names[series]), q))
    built: Entries = {}
    for recipient, items in listed.items():
        items.sort(key=lambda entry: entry[0].order)
        told, out = 0, []
        for item, q in items:
            target = plan.targets[q.target_id]
            if item.report or told < detailed:
                item = _full(plan, as_of, q, evaluations, known, explanations, public_url, item)
            told += 0 if item.report else 1
            chartable = q.kind == AlertKind.PERFORMANCE and target.kind != Kind.SHARE
            out.append((item, q.series, chartable))
        built[recipient] = out
    return built


def _brief(target: Target, q: Queued, evaluation: Evaluation, part: str) -> Item:
    """What a line of the table says, and what orders the digest and writes its subject."""
    return Item(
        target_id=target.id, number=target.label, name=target.name, part=part, unit=target.unit,
        status=evaluation.status.value, message=q.message.value, alert=q.kind.value, role=q.recipient.role,
        reason="", rank=evaluation.status.severity, actual=evaluation.actual, required=evaluation.required,
        gap=evaluation.gap, gap_points=evaluation.gap_points,
    )  # fmt: skip


def _full(
    plan: Plan,
    as_of: dt.date,
    q: Queued,
    evaluations: dict[SeriesKey, Evaluation],
    known: dict[str, list[Observation]],
    explanations: dict[SeriesKey, Explanation],
    public_url: str | None,
    brief: Item,
) -> Item:
    """Every fact of an item told in full."""
    target = plan.targets[q.target_id]
    series = q.series
    evaluation = evaluations[series]
    period = evaluation.actual_period
    report_period = evaluation.overdue_period.label if evaluation.overdue_period else None
    owner = q.recipient.role == "owner"
    return Item(
        target_id=target.id, number=target.label, name=target.name, part=brief.part, unit=target.unit,
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
            public_url, target.id, q.breakdown,
            report_period or (period.label.removesuffix(" (lũy kế)") if period else None),
        ) if owner else None,
        worst_parts="" if q.breakdown else _worst_parts(target, evaluations),
    )  # fmt: skip


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
