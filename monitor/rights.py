"""Who may do what: the one rule, used by the portal, the inbox and the command line.

A department reads the whole plan but writes figures only for the series it owns (a target and its
parts, or a breakdown part whose own owner it is) and explanations only for its own alerts (of a
part with an owner of its own: that owner's). Leaders read all
and may comment. The plan's admin department does all. Nothing else decides rights.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rules import Plan, Role, Target


class Access(StrEnum):
    """What a signed-in department is, for the rule."""

    DEPARTMENT = "department"
    LEADER = "leader"
    ADMIN = "admin"


ACCESS_NAMES = {Access.DEPARTMENT: "Sở, ngành", Access.LEADER: "Lãnh đạo", Access.ADMIN: "Quản trị"}


@dataclass(frozen=True)
class Person:
    """A department (or leader, or the admin) of the plan, as the rule sees it."""

    department_id: str
    name: str
    access: Access


def person(plan: Plan, department_id: str) -> Person | None:
    """The plan's department of that id as the rule sees it; None for an id the plan has not."""
    department = plan.departments.get(department_id)
    if department is None:
        return None
    if department_id == plan.info.admin:
        access = Access.ADMIN
    elif department.role == Role.LEADER:
        access = Access.LEADER
    else:
        access = Access.DEPARTMENT
    return Person(department_id, department.name, access)


def by_address(plan: Plan, address: str) -> Person | None:
    """The department whose address this is (letter case aside), if any."""
    wanted = address.strip().casefold()
    for department in plan.departments.values():
        if department.email.casefold() == wanted:
            return person(plan, department.id)
    return None


def may_write_figure(plan: Plan, department_id: str, target: Target, breakdown: str = "") -> bool:
    """Whether the department may send a figure for the series: the target's owner for the target
    and every part (it compiles the report), a part's own owner for that part, the admin for all."""
    if department_id in (plan.info.admin, target.owner):
        return True
    return bool(breakdown) and target.owner_of(breakdown) == department_id


def may_explain(plan: Plan, department_id: str, target: Target, breakdown: str = "") -> bool:
    """Whether the department may record the explanation ("giải trình") of the series' alert: the
    alert's own department (a part's own owner for that part), or the admin."""
    return department_id in (plan.info.admin, target.owner_of(breakdown))


def may_comment(plan: Plan, department_id: str) -> bool:
    """Whether the department may comment on an explanation: leaders and the admin."""
    found = person(plan, department_id)
    return found is not None and found.access in (Access.LEADER, Access.ADMIN)


def refusal(plan: Plan, department_id: str, target: Target, breakdown: str = "") -> str | None:
    """Why the department may not send a figure for the series, or None if it may."""
    if may_write_figure(plan, department_id, target, breakdown):
        return None
    series = f"{target.id} {breakdown}".strip()
    return (
        f"{series} belongs to {target.owner_of(breakdown)}; {department_id} may send figures only for its own targets"
    )


@dataclass(frozen=True)
class Writable:
    """A target the department may send figures for, with the series it may write."""

    target: Target
    whole: bool  # the target's own total
    parts: tuple[str, ...]  # breakdown part keys ("capital-source/oda")


def writable(plan: Plan, department_id: str) -> list[Writable]:
    """The targets (and parts) the department may send figures for, in the plan's order."""
    found = []
    for target in sorted(plan.targets.values(), key=lambda t: (t.section, t.number, t.id)):
        whole = may_write_figure(plan, department_id, target)
        parts = tuple(k for k in target.part_keys() if may_write_figure(plan, department_id, target, k))
        if whole or parts:
            found.append(Writable(target, whole, parts))
    return found
