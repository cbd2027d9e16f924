"""The units a plan declares (section ``units``): checked, and merged with the built-in ones."""

from __future__ import annotations

from rules.declared import Collected
from rules.errors import Problem
from rules.units import UNITS, Unit


def check_units(collected: Collected) -> list[Problem]:
    """A declared unit is new, or the same as the built-in one of its label; units of one dimension
    convert into each other exactly."""
    problems: list[Problem] = []
    known: dict[str, Unit] = dict(UNITS)
    for entry in collected.units:
        unit = entry.value.unit()
        same = known.get(unit.label)
        if same is not None and (same.dimension, same.scale) != (unit.dimension, unit.scale):
            origin = "a built-in unit" if unit.label in UNITS and same is UNITS[unit.label] else "declared already"
            problems.append(
                entry.problem(
                    ["label"],
                    f"'{unit.label}' is {origin}, of dimension '{same.dimension}' and scale {same.scale}; "
                    "expected another label or the same dimension and scale",
                )
            )
            continue
        inexact = [
            other.label
            for other in known.values()
            if other.dimension == unit.dimension and not (unit.converts_exactly(other) and other.converts_exactly(unit))
        ]
        if inexact:
            problems.append(
                entry.problem(
                    ["scale"],
                    f"{unit.scale} does not convert exactly to '{inexact[0]}' of the same dimension; "
                    "expected a scale whose ratio to the others is a decimal (10, 1000, 0.5)",
                )
            )
            continue
        known[unit.label] = unit
    return problems


def plan_units(collected: Collected) -> dict[str, Unit]:
    """The built-in units and those the plan declares, by label."""
    units = dict(UNITS)
    for entry in collected.units:
        units.setdefault(entry.value.label, entry.value.unit())
    return units
