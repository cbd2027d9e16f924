"""The JSON records that programs read: targets, evaluations and stored figures. Their keys are a
stable interface, only ever added to; the command line and the web give the same records."""

from __future__ import annotations

from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Any

from monitor.lifecycle import AlertKey, AlertKind, AlertState
from rules import PRECISION, Evaluation, Plan, Target

if TYPE_CHECKING:
    from monitor.store.figures import StoredFigure


def number(value: Decimal | None) -> int | float | None:
    """A Decimal as a JSON number: an integer when it is whole."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _rounded(value: Decimal | None, places: int = 3) -> int | float | None:
    if value is None:
        return None
    with localcontext(prec=PRECISION):
        return number(value.quantize(Decimal(1).scaleb(-places)))


def target_record(plan: Plan, target: Target) -> dict[str, Any]:
    """The JSON object of one target; its keys are a stable interface, only ever added to."""
    escalation = plan.escalation_contact(target)
    return {
        "id": target.id,
        "section": target.section,
        "number": target.number,
        "name": target.name,
        "unit": target.unit,
        "kind": target.kind.value,
        "comparator": target.comparator.value,
        "value": number(target.value),
        "low": number(target.low),
        "high": number(target.high),
        "parts": [{"key": p.key, "name": p.name, "value": number(p.value)} for p in target.parts],
        "baseline": number(target.baseline.value) if target.baseline else None,
        "deadline": target.effective_deadline(plan.info.year).isoformat(),
        "trajectory": target.effective_trajectory().type,
        "reporting": target.reporting.every.value,
        "owner": target.owner,
        "escalation": escalation.id if escalation else None,
        "parent": target.parent,
        "breakdowns": [b.dimension for b in target.breakdowns],
        "source_lines": target.source.lines,
        "source_document": target.source.document,
        "label": target.label,
    }


def evaluation_record(evaluation: Evaluation, states: dict[AlertKey, AlertState]) -> dict[str, Any]:
    """The JSON object of one evaluation, with its alerts' states."""
    state = states.get(AlertKey(evaluation.target_id, evaluation.breakdown, AlertKind.PERFORMANCE), AlertState.INACTIVE)
    overdue = states.get(AlertKey(evaluation.target_id, evaluation.breakdown, AlertKind.OVERDUE), AlertState.INACTIVE)
    return {
        "id": evaluation.target_id,
        "breakdown": evaluation.breakdown or None,
        "as_of": evaluation.as_of.isoformat(),
        "status": evaluation.status.value,
        "reason": evaluation.reason,
        "actual": number(evaluation.actual),
        "period": evaluation.actual_period.label if evaluation.actual_period else None,
        "estimate": evaluation.actual_estimate,
        "source": evaluation.actual_source or None,
        "required": _rounded(evaluation.required),
        "gap": _rounded(evaluation.gap),
        "gap_points": _rounded(evaluation.gap_points),
        "projected": _rounded(evaluation.projected),
        "projected_pct": _rounded(evaluation.projected_pct),
        "pace_per_month": _rounded(evaluation.pace_per_month),
        "overdue_period": evaluation.overdue_period.label if evaluation.overdue_period else None,
        "alert_state": state.value,
        "report_alert_state": overdue.value,
    }


def figure_record(figure: StoredFigure) -> dict[str, Any]:
    """The JSON object of one stored figure, with where it came from."""
    f = figure
    return {
        "target": f.target_id,
        "breakdown": f.breakdown or None,
        "period": f.period,
        "period_end": f.period_end.isoformat(),
        "basis": f.basis.value,
        "value": number(f.value),
        "unit": f.unit,
        "reported_value": number(f.reported_value),
        "reported_unit": f.reported_unit,
        "status": f.status.value,
        "note": f.note,
        "file": f.file_name,
        "row": f.source_row,
        "submitter": f.submitter,
        "received_at": f.received_at.isoformat(),
        "current": f.is_current,
    }


def required_text(target: Target) -> str:
    """The target's requirement as a person writes it: '>= 14', '< 3', '135-140', '60/24/16'."""
    if target.low is not None and target.high is not None:
        return f"{target.low}-{target.high}"
    if target.parts:
        return " / ".join(f"{p.value}" for p in target.parts)
    symbol = {"at_least": ">=", "at_most": "<=", "above": ">", "below": "<"}[target.comparator.value]
    return f"{symbol} {target.value}"
