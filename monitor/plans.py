"""Which plans the program watches, and which one a command, a data file or a daemon job is about.

A plan is known by its key, made of its province and year (``bac-giang-2022``, `PlanInfo.key`).
`PLAN_MONITOR_TARGETS` names one plan folder, several (separated by os.pathsep, ":" on Linux, or
a list in the settings file), or a folder of plan folders: a folder that holds no rule file
itself but whose sub-folders do. Each plan folder holds one plan.

With one plan loaded nothing needs naming. With several, a command is told which with ``--plan``
(its key, or only its year or province when that picks one plan), and each plan has its own inbox
folder, ``inbox/<plan key>/<department>/``: a figure file names targets of one plan.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from monitor import plancache
from monitor.plancache import Verdict
from rules import holds_rules, plan_key, slug

if TYPE_CHECKING:
    from rules import Plan

Found = TypeVar("Found")


class PlanChoiceError(LookupError):
    """No plan, or more than one, answers what was asked; the message lists the plans loaded."""


def plan_folders(paths: Sequence[Path]) -> list[Path]:
    """The plan folders `paths` name: each folder (or file) as given, except a folder of plan
    folders, which stands for its sub-folders that hold rule files."""
    folders: list[Path] = []
    for path in paths:
        if path.is_dir() and not holds_rules(path):
            inner = sorted(p for p in path.iterdir() if p.is_dir() and holds_rules(p))
            if inner:
                folders.extend(inner)
                continue
        folders.append(path)
    return folders


def load_plans(paths: Sequence[Path], cache_dir: Path | None) -> dict[str, Plan]:
    """The plans of the folders `paths` name, by key; `RuleSetError` for the first invalid one,
    `PlanChoiceError` if two folders hold the same plan."""
    return _by_key(
        paths, lambda folder: plancache.load([folder], cache_dir), lambda p: (p.info.key, p.info.province, p.info.year)
    )


def verdicts(paths: Sequence[Path], cache_dir: Path | None) -> dict[str, Verdict]:
    """What checking each plan of the folders `paths` name found, by key, as `load_plans` would
    find it: the cache's verdict on an unchanged plan, the plan loaded (and kept) otherwise."""

    return _by_key(paths, lambda folder: plancache.checked([folder], cache_dir), lambda v: (v.key, v.province, v.year))


def _by_key(
    paths: Sequence[Path], get: Callable[[Path], Found], named: Callable[[Found], tuple[str, str, int]]
) -> dict[str, Found]:
    found: dict[str, Found] = {}
    where: dict[str, Path] = {}
    for folder in plan_folders(paths):
        plan = get(folder)
        key, province, year = named(plan)
        if key in found:
            raise PlanChoiceError(
                f"{where[key]} and {folder} both hold the plan {key} ({province}, {year}); expected one folder per plan"
            )
        found[key], where[key] = plan, folder
    return found


def listing(plans: Mapping[str, Plan]) -> str:
    """The plans loaded, for a message: "bac-giang-2022 (Bắc Giang 2022), bac-giang-2023 (…)"."""
    return ", ".join(f"{key} ({p.info.province} {p.info.year})" for key, p in sorted(plans.items()))


def choose(plans: Mapping[str, Plan], asked: str | None) -> Plan:
    """The plan `asked` names (its key, "Bắc Giang 2022", or a year or province that only one plan
    has); with one plan loaded and nothing asked, that plan. `PlanChoiceError` otherwise."""
    if not plans:
        raise PlanChoiceError("no plan is loaded; PLAN_MONITOR_TARGETS names no plan folder")
    if asked is None or not asked.strip():
        if len(plans) == 1:
            return next(iter(plans.values()))
        raise PlanChoiceError(f"{len(plans)} plans are loaded; name one with --plan: {listing(plans)}")
    wanted = slug(asked)
    if wanted in plans:
        return plans[wanted]
    matches = [p for p in plans.values() if wanted in (str(p.info.year), slug(p.info.province))]
    if len(matches) == 1:
        return matches[0]
    why = "names more than one" if matches else "names none"
    raise PlanChoiceError(f"--plan {asked!r} {why} of the plans loaded: {listing(plans)}")


def previous_year(plans: Mapping[str, Plan], plan: Plan) -> Plan | None:
    """The same province's plan of the year before, when it is loaded too."""
    return plans.get(plan_key(plan.info.province, plan.info.year - 1))


def plan_inbox(inbox: Path, plan: Plan, plans: Mapping[str, Plan]) -> Path:
    """Where a plan's files arrive: the inbox itself with one plan, ``inbox/<plan key>`` with several."""
    return inbox if len(plans) <= 1 else inbox / plan.info.key


def folder_of(plan: Plan, paths: Sequence[Path]) -> Path | None:
    """The plan folder of `paths` that holds `plan`'s rule files."""
    for folder in plan_folders(paths):
        if plan.files and plan.files[0].is_relative_to(folder):
            return folder
    return None


ASIDE = ("processed", "rejected", "quarantine")


def strays(inbox: Path, plans: Mapping[str, Plan]) -> list[Path]:
    """With several plans, the files in the inbox outside every plan's folder (in ``inbox/`` itself or
    in a folder that is no plan's key): no plan takes them, so they are said, not left unseen."""
    if len(plans) <= 1 or not inbox.is_dir():
        return []
    found: list[Path] = []
    for entry in sorted(inbox.iterdir()):
        if entry.name in plans or entry.name in ASIDE or entry.name.startswith("."):
            continue
        if entry.is_dir() and not entry.is_symlink():
            found.extend(sorted(p for p in entry.rglob("*") if p.is_file() and not p.name.startswith(".")))
        else:
            found.append(entry)
    return found


def stray_message(path: Path, plans: Mapping[str, Plan]) -> str:
    return (
        f"{path}: in no plan's inbox folder, so no plan takes it; with several plans, put it in "
        f"inbox/<plan key>/<department>/, where <plan key> is one of: {', '.join(sorted(plans))}"
    )
