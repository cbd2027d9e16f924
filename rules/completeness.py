"""Whether a target's amounts are complete: no value left empty for the planner to fill, and a
breakdown whose parts add up to the total."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rules.declared import Declared
from rules.errors import Problem
from rules.locate import MAPPINGS, PathPart
from rules.target import Kind, Target

EMPTY = "still empty; fill in the plan's value"


def empty_values(entry: Declared[Target]) -> list[Problem]:
    """Each value written but left empty (``value: ~``, as `plan new` leaves them for the planner)."""
    node = entry.node
    problems = [entry.problem([key], EMPTY) for key in ("value", "low", "high") if _empty(node, key)]
    for b, split in enumerate(_items(node, "breakdowns")):
        for p, part in enumerate(_items(split, "parts")):
            if _empty(part, "value"):
                problems.append(
                    entry.problem(
                        ["breakdowns", b, "parts", p, "value"],
                        f"{EMPTY} (or leave 'value' out if the part has no amount of its own)",
                    )
                )
    return problems


def breakdown_sums(entry: Declared[Target]) -> list[Problem]:
    """Parts of an additive target whose amounts exceed its total (an error), or, all given, fall
    short of it (a warning: declare the rest as `unallocated` if the source leaves it unsplit)."""
    t = entry.value
    if t.kind not in (Kind.CUMULATIVE, Kind.MILESTONE) or t.value is None:
        return []
    problems: list[Problem] = []
    for b, breakdown in enumerate(t.breakdowns):
        where: list[PathPart] = ["breakdowns", b, "parts"]
        values = [part.value for part in breakdown.parts if part.value is not None]
        total = sum(values, Decimal(0))
        rest = breakdown.unallocated or Decimal(0)
        if values and total + rest > t.value:
            held = f"the parts sum to {total} {t.unit}" + (f", with {rest} unallocated" if rest else "")
            problems.append(entry.problem(where, f"{held}, more than the target's {t.value} {t.unit}"))
        elif len(values) == len(breakdown.parts) and total + rest < t.value:
            gap = t.value - total - rest
            problems.append(
                entry.warning(
                    where,
                    f"the parts sum to {total} {t.unit}{f' with {rest} unallocated' if rest else ''}, "
                    f"{gap} short of the target's {t.value} {t.unit}; expected them to add up "
                    "(declare what no part holds as 'unallocated', with a comment saying why)",
                )
            )
    return problems


def _empty(node: Any, key: str) -> bool:
    return isinstance(node, MAPPINGS) and key in node and node[key] is None


def _items(node: Any, key: str) -> list[Any]:
    found = node.get(key) if isinstance(node, MAPPINGS) else None
    return list(found) if isinstance(found, list) else []
