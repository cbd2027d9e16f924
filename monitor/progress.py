"""The progress report's rows, from the store and the engine: the plan's targets in the source's
order, each judged as of a date, the main targets counted as the source counts them, and the
items behind with their explanations. No rendering here: `notifiers.render_report_*` write it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa

from monitor.lifecycle import AlertKind
from monitor.mail.compose import explain, part_name
from monitor.store.figures import observations
from monitor.store.muting import latest_acknowledgements
from notifiers import SECTION_NAMES, Explanation, LaggingItem, ProgressReport, ReportRow, ReportSection, formatting
from rules import Comparator, Evaluation, Kind, Plan, SeriesKey, Status, Target, evaluate_plan, target_value

SECTIONS = ("III", "IV", "V")
MAIN_SECTION = "III"  # the source's "chỉ tiêu chủ yếu": (1)…(19), the ones its count is of
LAGGING = frozenset({Status.CRITICAL, Status.BEHIND, Status.OVERDUE})
HUNDRED = Decimal(100)
_SYMBOLS = {Comparator.AT_LEAST: "", Comparator.AT_MOST: "≤ ", Comparator.ABOVE: "> ", Comparator.BELOW: "< "}


def in_order(plan: Plan) -> list[Target]:
    """The plan's targets as the source numbers them: section, number, then as declared."""
    declared = {target_id: n for n, target_id in enumerate(plan.targets)}
    return sorted(plan.targets.values(), key=lambda t: (SECTIONS.index(t.section), t.number, declared[t.id]))


def plan_text(target: Target, value: Decimal | None) -> str:
    """The year's target as the source writes it: "14", "> 69.000", "≤ 13", "135 - 140", "60 / 24 / 16"."""
    if target.low is not None and target.high is not None:
        return f"{formatting.number(target.low)} - {formatting.number(target.high)}"
    if target.parts:
        return " / ".join(formatting.number(p.value) for p in target.parts)
    if value is None:
        return ""
    return _SYMBOLS.get(target.comparator, "") + formatting.number(value)


def gap_text(evaluation: Evaluation, unit: str) -> str:
    """The gap as a person says it: "thiếu 1.234 tỷ đồng", "vượt 12 tỷ đồng" (ahead), "đạt"."""
    gap = evaluation.gap
    if gap is None:
        return ""
    if abs(gap) < Decimal("0.005"):  # nothing left once rounded to the cent it is written in
        return "đạt yêu cầu"
    word = "thiếu" if gap > 0 else "vượt"
    return f"{word} {formatting.rounded(abs(gap))} {unit}"


def share_of_plan(target: Target, actual: Decimal | None, value: Decimal | None) -> Decimal | None:
    """The figure as a percentage of the year's target, where that says something: flows and counts."""
    if actual is None or not value or target.kind not in (Kind.CUMULATIVE, Kind.MILESTONE):
        return None
    return actual / value * HUNDRED


def _row(plan: Plan, target: Target, evaluation: Evaluation, number: str, level: int) -> ReportRow:
    breakdown = evaluation.breakdown
    value = target_value(target, evaluation.as_of, breakdown)
    own = not breakdown
    previous: Decimal | None = None
    if own and target.baseline is not None:
        previous = target.baseline.value
    elif breakdown and target.parts:
        previous = next((p.baseline for p in target.parts if p.key == breakdown), None)
    baseline_year = target.baseline.year if target.baseline and target.baseline.year else plan.info.year - 1
    return ReportRow(
        target_id=target.id,
        breakdown=breakdown,
        number=number,
        name=target.name if own else part_name(target, breakdown),
        unit=target.unit,
        plan_text=plan_text(target, value) if own else (formatting.number(value) if value is not None else ""),
        # A number where the plan is one plain number; "> 69.000" and "≤ 13" stay as written.
        plan_value=value if not own or target.comparator == Comparator.AT_LEAST else None,
        actual=None if own and target.parts else evaluation.actual,  # a share set's figures are its shares'
        period=evaluation.actual_period.label if evaluation.actual_period and not (own and target.parts) else None,
        estimate=evaluation.actual_estimate,
        share_of_plan=share_of_plan(target, evaluation.actual, value),
        previous=previous,
        previous_year=baseline_year if previous is not None else None,
        status=evaluation.status.value,
        level=level,
    )


def _series(target: Target, evaluations: dict[SeriesKey, Evaluation]) -> Iterator[Evaluation]:
    """The target's own verdict, then its shares' or its breakdown parts'."""
    own = evaluations.get(SeriesKey(target.id))
    if own is None:
        return
    yield own
    yield from own.parts
    for key in target.part_keys():
        found = evaluations.get(SeriesKey(target.id, key))
        if found is not None:
            yield found


def _owned(target: Target, evaluation: Evaluation, owner: str | None) -> bool:
    if owner is None:
        return True
    if target.parts and evaluation.breakdown:  # a share belongs to whoever owns the share set
        return target.owner == owner
    return target.owner_of(evaluation.breakdown) == owner


def _explanations(engine: sa.Engine, plan: str) -> dict[SeriesKey, Explanation]:
    with engine.connect() as connection:
        latest = latest_acknowledgements(connection, plan=plan)
    return {
        key: Explanation(record.period, record.cause, record.remedy, record.expected_date, record.created_by)
        for key, record in latest.items()
    }


def progress_report(engine: sa.Engine, plan: Plan, as_of: dt.date, *, owner: str | None = None) -> ProgressReport:
    """The report as of `as_of` on the figures stored now, for the plan or one department's series."""
    judged = evaluate_plan(plan, observations(engine, plan=plan.info.key), as_of)
    return build_report(plan, judged, as_of, _explanations(engine, plan.info.key), owner=owner)


@dataclass(frozen=True)
class Line:
    """One series in the source's order: its target, its verdict, and its row of the report."""

    target: Target
    evaluation: Evaluation
    row: ReportRow


def lines(plan: Plan, judged: list[Evaluation], *, owner: str | None = None) -> Iterator[Line]:
    """Every series judged (or those `owner` is judged on), in the source's order: each target,
    then its shares or breakdown parts; the source's number on the first line that has it."""
    evaluations = {SeriesKey(e.target_id, e.breakdown): e for e in judged}
    shown_numbers: set[tuple[str, int]] = set()
    for target in in_order(plan):
        for evaluation in _series(target, evaluations):
            if not _owned(target, evaluation, owner):
                continue
            key = (target.section, target.number)
            number = "" if key in shown_numbers else str(target.number)
            shown_numbers.add(key)
            level = 1 if (evaluation.breakdown or target.parent) else 0
            yield Line(target, evaluation, _row(plan, target, evaluation, number, level))


def build_report(
    plan: Plan,
    judged: list[Evaluation],
    as_of: dt.date,
    explanations: dict[SeriesKey, Explanation],
    *,
    owner: str | None = None,
) -> ProgressReport:
    """The report from evaluations already made (the dashboard's, the command line's)."""
    rows: dict[str, list[ReportRow]] = {section: [] for section in SECTIONS}
    worst_by_number: dict[int, Status] = {}
    lagging: list[tuple[int, LaggingItem]] = []
    for line in lines(plan, judged, owner=owner):
        target, evaluation, row = line.target, line.evaluation, line.row
        rows[target.section].append(row)
        if target.section == MAIN_SECTION and target.parent is None and not evaluation.breakdown:
            before = worst_by_number.get(target.number)
            if before is None or evaluation.status.severity > before.severity:
                worst_by_number[target.number] = evaluation.status
        if evaluation.status in LAGGING or evaluation.overdue_period is not None:
            lagging.append((evaluation.status.severity, _lagging(plan, target, evaluation, explanations)))
    counts: dict[str, int] = {}
    for status in sorted(worst_by_number.values(), key=lambda s: -s.severity):
        counts[status.value] = counts.get(status.value, 0) + 1
    department = plan.departments[owner].name if owner else None
    return ProgressReport(
        province=plan.info.province,
        year=plan.info.year,
        as_of=as_of,
        sections=tuple(
            ReportSection(section, SECTION_NAMES[section], tuple(rows[section]))
            for section in SECTIONS
            if rows[section]
        ),
        main_total=len(worst_by_number),
        main_met=sum(1 for status in worst_by_number.values() if status == Status.ACHIEVED),
        main_by_status=tuple(counts.items()),
        lagging=tuple(item for _, item in sorted(lagging, key=lambda entry: -entry[0])),
        department=department,
    )


def _lagging(
    plan: Plan, target: Target, evaluation: Evaluation, explanations: dict[SeriesKey, Explanation]
) -> LaggingItem:
    missing = evaluation.status == Status.OVERDUE or (
        evaluation.status not in LAGGING and evaluation.overdue_period is not None
    )
    reason = explain(target, evaluation, AlertKind.OVERDUE if missing else AlertKind.PERFORMANCE)
    return LaggingItem(
        number=target.label,
        name=target.name,
        part=part_name(target, evaluation.breakdown) if evaluation.breakdown else "",
        unit=target.unit,
        status=evaluation.status.value,
        reason=reason,
        actual=evaluation.actual,
        period=evaluation.actual_period.label if evaluation.actual_period else None,
        required=evaluation.required,
        gap=evaluation.gap,
        projected_pct=evaluation.projected_pct,
        owner=plan.departments[target.owner_of(evaluation.breakdown)].name,
        explanation=explanations.get(SeriesKey(target.id, evaluation.breakdown)),
    )
