"""Checks that span fields or files: what a schema alone cannot say.

Each check takes validated entries and returns problems pointing at the field to change. They run
on every entry that passed validation, so one run reports everything at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from rules.completeness import breakdown_sums, empty_values
from rules.declared import Collected, Declared
from rules.errors import Problem
from rules.locate import PathPart
from rules.plan import PlanInfo, Role
from rules.quoted_values import quoted_values
from rules.sources import Documents, check_sources
from rules.target import ALLOWED_TRAJECTORIES, Comparator, Kind, Revision, Target
from rules.trajectory import CumulativePeriod, EachPeriod, Milestones, MonthlyProfile
from rules.unit_checks import check_units, plan_units
from rules.units import Unit

HUNDRED = Decimal(100)


def check(collected: Collected, documents: Documents | None) -> list[Problem]:
    """Every problem across the collected entries, the citations checked against `documents`
    (the plan's, read; None without a plan header)."""
    problems = _plan_header(collected)
    info = collected.plans[0].value if collected.plans else None
    problems += _unique(collected.departments, "department")
    problems += _unique(collected.targets, "target")
    contacts = {d.value.id: d.value.role for d in collected.departments}
    problems += _department_refs(collected, contacts)
    problems += check_units(collected)
    units = plan_units(collected)
    target_ids = {t.value.id for t in collected.targets}
    for entry in collected.targets:
        problems += check_target(entry, info, contacts, target_ids, units)
    problems += _parent_cycles(collected.targets)
    if collected.plans and documents is not None:
        problems += check_sources(collected.plans[0], collected.targets, documents)
    return problems


def check_target(
    entry: Declared[Target],
    info: PlanInfo | None,
    contacts: dict[str, Role],
    target_ids: set[str],
    units: dict[str, Unit],
) -> list[Problem]:
    """Problems of one target on its own and in its references (none about a field left out as
    invalid: its own problem is reported already)."""
    problems = _values(entry) + _unit(entry, units) + _tolerance(entry) + _breakdowns(entry)
    problems += breakdown_sums(entry) + quoted_values(entry, units)
    problems += _references(entry, contacts, target_ids)
    if info:
        problems += _trajectory(entry, info) + _dates(entry, info)
    empty = empty_values(entry)
    emptied = {p.field for p in empty}
    return [p for p in problems if entry.keeps(p) and p.field not in emptied] + empty


def _plan_header(collected: Collected) -> list[Problem]:
    if not collected.plans:
        if not collected.files:
            return []  # nothing was read: the missing files are reported already
        if collected.headers:
            return []  # there is one, and what is wrong with it is reported already
        return [Problem(collected.files[0], 0, 0, "plan", "no 'plan' header in any rule file; expected exactly one")]
    return [
        extra.problem([], f"a second 'plan' header; the first is in {collected.plans[0].file}", at_value=False)
        for extra in collected.plans[1:]
    ]


def _unique(entries: Sequence[Declared[Any]], kind: str) -> list[Problem]:
    first: dict[str, Declared[Any]] = {}
    problems: list[Problem] = []
    for entry in entries:
        ident = str(entry.value.id)
        if ident in first:
            seen = first[ident]
            line = seen.problem(["id"], "").line
            problems.append(
                entry.problem(["id"], f"duplicate {kind} id '{ident}'; first declared at {seen.file}:{line}")
            )
        else:
            first[ident] = entry
    return problems


def _department_refs(collected: Collected, contacts: dict[str, Role]) -> list[Problem]:
    problems: list[Problem] = []
    for entry in collected.departments:
        ref = entry.value.escalation
        if ref is not None:
            problems += _contact(entry, ["escalation"], ref, contacts, Role.LEADER)
    for plan in collected.plans:
        problems += _contact(plan, ["admin"], plan.value.admin, contacts, None)
    return problems


def _contact(
    entry: Declared[Any],
    path: Sequence[PathPart],
    ref: str,
    contacts: dict[str, Role],
    role: Role | None,
) -> list[Problem]:
    if ref not in contacts:
        return [entry.problem(path, f"unknown department '{ref}'; expected an id from the departments file")]
    if role is not None and contacts[ref] != role:
        return [entry.problem(path, f"'{ref}' is a {contacts[ref].value}; expected a {role.value}")]
    return []


def _references(entry: Declared[Target], contacts: dict[str, Role], target_ids: set[str]) -> list[Problem]:
    target = entry.value
    problems = _contact(entry, ["owner"], target.owner, contacts, None)
    if target.escalation is not None:
        problems += _contact(entry, ["escalation"], target.escalation, contacts, Role.LEADER)
    for index, ref in enumerate(target.notify):
        problems += _contact(entry, ["notify", index], ref, contacts, None)
    for b, breakdown in enumerate(target.breakdowns):
        for p, part in enumerate(breakdown.parts):
            if part.owner is not None:
                problems += _contact(entry, ["breakdowns", b, "parts", p, "owner"], part.owner, contacts, None)
    if target.parent is not None:
        if target.parent == target.id:
            problems.append(entry.problem(["parent"], "a target cannot be its own parent"))
        elif target.parent not in target_ids:
            problems.append(entry.problem(["parent"], f"unknown target '{target.parent}'; expected a target id"))
    return problems


def _parent_cycles(entries: Sequence[Declared[Target]]) -> list[Problem]:
    parents = {e.value.id: e.value.parent for e in entries}
    problems: list[Problem] = []
    for entry in entries:
        if entry.value.parent == entry.value.id:
            continue  # reported as its own parent
        seen = {entry.value.id}
        node = parents.get(entry.value.id)
        while node is not None and node in parents:
            if node in seen:
                problems.append(entry.problem(["parent"], f"parents form a cycle through '{node}'"))
                break
            seen.add(node)
            node = parents[node]
    return problems


def _values(entry: Declared[Target]) -> list[Problem]:
    t = entry.value
    problems: list[Problem] = []
    expected = {Kind.SHARE: Comparator.SHARE, Kind.RANGE: Comparator.BETWEEN}.get(t.kind)
    if expected and t.comparator != expected:
        problems.append(
            entry.problem(
                ["comparator"], f"a {t.kind.value} target compares '{expected.value}'; found '{t.comparator.value}'"
            )
        )
    elif not expected and t.comparator in (Comparator.SHARE, Comparator.BETWEEN):
        want = "share" if t.comparator == Comparator.SHARE else "range"
        problems.append(
            entry.problem(["comparator"], f"'{t.comparator.value}' needs kind '{want}'; found kind '{t.kind.value}'")
        )
    needs = (
        {"parts"}
        if t.comparator == Comparator.SHARE
        else {"low", "high"}
        if t.comparator == Comparator.BETWEEN
        else {"value"}
    )
    for name in ("value", "low", "high", "parts"):
        present = bool(getattr(t, name)) if name == "parts" else getattr(t, name) is not None
        if name in needs and not present:
            problems.append(entry.problem([name], f"required for comparator '{t.comparator.value}'"))
        elif name not in needs and present:
            problems.append(
                entry.problem(
                    [name],
                    f"not used with comparator '{t.comparator.value}'; expected {', '.join(sorted(needs))}",
                    at_value=False,
                )
            )
    if t.low is not None and t.high is not None and t.low > t.high:
        problems.append(entry.problem(["low"], f"low {t.low} is above high {t.high}; expected low <= high"))
    if t.parts:
        problems += _share_parts(entry)
    return problems


def _share_parts(entry: Declared[Target]) -> list[Problem]:
    parts = entry.value.parts
    problems = [
        entry.problem(["parts", i, "key"], f"duplicate key '{p.key}'")
        for i, p in enumerate(parts)
        if p.key in {q.key for q in parts[:i]}
    ]
    for field, values in (("value", [p.value for p in parts]), ("baseline", [p.baseline for p in parts])):
        given = [v for v in values if v is not None]
        if not given:
            continue
        if len(given) != len(values):
            problems.append(entry.problem(["parts"], f"'{field}' given for some parts only; give it for all or none"))
            continue
        total, slack = sum(given, Decimal(0)), rounding_slack(given)
        if abs(total - HUNDRED) > slack:
            problems.append(
                entry.problem(
                    ["parts"], f"the parts' {field}s sum to {total}; expected 100 (within rounding, ±{slack})"
                )
            )
    return problems


def rounding_slack(values: Iterable[Decimal]) -> Decimal:
    """How far from 100 a sum of rounded shares may honestly be: half a last digit per share."""
    values = list(values)
    exponents = [e for e in (v.as_tuple().exponent for v in values) if isinstance(e, int)]
    places = max((-e for e in exponents), default=0)
    return len(values) * Decimal("0.5") * Decimal(10) ** -max(places, 0)


def _unit(entry: Declared[Target], units: dict[str, Unit]) -> list[Problem]:
    t = entry.value
    unit = units.get(" ".join(t.unit.split()))
    if unit is None:
        return [
            entry.problem(
                ["unit"],
                f"unknown unit '{t.unit}'; expected one that `plan-monitor units` lists, e.g. 'tỷ đồng', '%', "
                "or one the plan declares under 'units'",
            )
        ]
    if unit.dimension == "percent" and t.kind in (Kind.LEVEL, Kind.SHARE):
        checked: list[tuple[list[PathPart], Decimal | None]] = [(["value"], t.value)]
        checked += [(["parts", i, "value"], p.value) for i, p in enumerate(t.parts)]
        for path, value in checked:
            if value is not None and not Decimal(0) <= value <= HUNDRED:
                return [entry.problem(path, f"{value} is not a percentage; expected 0 to 100")]
    return []


def _tolerance(entry: Declared[Target]) -> list[Problem]:
    tol = entry.value.tolerance
    if tol and not tol.at_risk <= tol.behind <= tol.critical:
        found = f"at_risk {tol.at_risk}, behind {tol.behind}, critical {tol.critical}"
        return [entry.problem(["tolerance"], f"found {found}; expected at_risk <= behind <= critical")]
    return []


def _breakdowns(entry: Declared[Target]) -> list[Problem]:
    t = entry.value
    problems: list[Problem] = []
    for b, breakdown in enumerate(t.breakdowns):
        if breakdown.dimension in {x.dimension for x in t.breakdowns[:b]}:
            problems.append(
                entry.problem(["breakdowns", b, "dimension"], f"duplicate dimension '{breakdown.dimension}'")
            )
        keys: set[str] = set()
        for p, part in enumerate(breakdown.parts):
            if part.key in keys:
                problems.append(entry.problem(["breakdowns", b, "parts", p, "key"], f"duplicate key '{part.key}'"))
            keys.add(part.key)
    return problems


def _trajectory(entry: Declared[Target], info: PlanInfo) -> list[Problem]:
    t = entry.value
    trajectory = t.effective_trajectory()
    if trajectory.type not in ALLOWED_TRAJECTORIES[t.kind]:
        allowed = ", ".join(sorted(ALLOWED_TRAJECTORIES[t.kind]))
        return [
            entry.problem(
                ["trajectory", "type"],
                f"'{trajectory.type}' does not suit a {t.kind.value} target; expected one of: {allowed}",
            )
        ]
    if isinstance(trajectory, Milestones):
        return _milestones(entry, trajectory, info.start, _deadline(entry, info))
    if isinstance(trajectory, MonthlyProfile):
        shares = trajectory.shares
        if len(shares) != 12:
            return [entry.problem(["trajectory", "shares"], f"{len(shares)} shares; expected 12, January to December")]
        if any(s < 0 for s in shares):
            return [entry.problem(["trajectory", "shares"], "a month's share is negative; expected 0 or more")]
        total = sum(shares, Decimal(0))
        if abs(total - HUNDRED) > rounding_slack(shares):
            return [entry.problem(["trajectory", "shares"], f"the shares sum to {total}; expected 100")]
    if isinstance(trajectory, EachPeriod) and trajectory.scenario:
        year_value = trajectory.scenario.get(CumulativePeriod.YEAR)
        if year_value is not None and t.value is not None and year_value != t.value:
            return [
                entry.problem(
                    ["trajectory", "scenario", "year"], f"{year_value} differs from the target value {t.value}"
                )
            ]
    return []


def _milestones(entry: Declared[Target], trajectory: Milestones, start: dt.date, deadline: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    points = trajectory.points
    for i, point in enumerate(points):
        at: list[PathPart] = ["trajectory", "points", i]
        if not start <= point.date <= deadline:
            problems.append(
                entry.problem([*at, "date"], f"{point.date} is outside the plan period; expected {start} to {deadline}")
            )
        if i and point.date <= points[i - 1].date:
            problems.append(
                entry.problem(
                    [*at, "date"],
                    f"{point.date} is not after the previous milestone {points[i - 1].date}; expected dates in order",
                )
            )
        if not Decimal(0) <= point.share <= HUNDRED:
            problems.append(entry.problem([*at, "share"], f"{point.share} is not a percentage; expected 0 to 100"))
        elif i and point.share <= points[i - 1].share:
            problems.append(
                entry.problem(
                    [*at, "share"],
                    f"{point.share} is not above the previous {points[i - 1].share}; expected increasing shares",
                )
            )
    if points[-1].share != HUNDRED:
        problems.append(
            entry.problem(
                ["trajectory", "points", len(points) - 1, "share"],
                f"the last milestone is {points[-1].share}%; expected 100% by the deadline",
            )
        )
    return problems


def _dates(entry: Declared[Target], info: PlanInfo) -> list[Problem]:
    t = entry.value
    problems: list[Problem] = []
    deadline = _deadline(entry, info)
    if t.deadline is not None and not info.start <= t.deadline <= dt.date(info.year + 1, 12, 31):
        problems.append(
            entry.problem(
                ["deadline"], f"{t.deadline} is outside the plan; expected {info.start} to the end of {info.year + 1}"
            )
        )
    problems += _revisions(entry, ["revisions"], t.revisions, info.start, deadline)
    for b, breakdown in enumerate(t.breakdowns):
        for p, part in enumerate(breakdown.parts):
            problems += _revisions(
                entry, ["breakdowns", b, "parts", p, "revisions"], part.revisions, info.start, deadline
            )
    return problems


def _revisions(
    entry: Declared[Target], path: list[PathPart], revisions: Sequence[Revision], start: dt.date, deadline: dt.date
) -> list[Problem]:
    problems: list[Problem] = []
    for i, revision in enumerate(revisions):
        where = [*path, i, "effective"]
        if not start <= revision.effective <= deadline:
            problems.append(
                entry.problem(where, f"{revision.effective} is outside the plan period; expected {start} to {deadline}")
            )
        elif i and revision.effective <= revisions[i - 1].effective:
            problems.append(
                entry.problem(
                    where, f"{revision.effective} is not after the previous revision {revisions[i - 1].effective}"
                )
            )
    return problems


def _deadline(entry: Declared[Target], info: PlanInfo) -> dt.date:
    """The target's deadline; the latest a plan allows when the one written is invalid."""
    if "deadline" in entry.dropped:
        return dt.date(info.year + 1, 12, 31)
    return entry.value.effective_deadline(info.year)
