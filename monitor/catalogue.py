"""The declared targets as rows for people (a table) and for programs (stable JSON)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rules import Plan, Target


def number(value: Decimal | None) -> int | float | None:
    """A Decimal as a JSON number: an integer when it is whole."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


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
    }


def required_text(target: Target) -> str:
    """The target's requirement as a person writes it: '>= 14', '< 3', '135-140', '60/24/16'."""
    if target.low is not None and target.high is not None:
        return f"{target.low}-{target.high}"
    if target.parts:
        return " / ".join(f"{p.value}" for p in target.parts)
    symbol = {"at_least": ">=", "at_most": "<=", "above": ">", "below": "<"}[target.comparator.value]
    return f"{symbol} {target.value}"
