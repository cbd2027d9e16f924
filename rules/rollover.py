"""Rolling a plan's rule files over to the next year, as parsed YAML (comments and layout kept).

Departments, cadences, trajectories' shapes and tolerances are kept; the plan's year and its title
move on; dates (deadlines, milestones) move a year; last year's targets become this year's
baselines and the values are left empty (``~``) for the planner, which the validator names until
they are filled in. Revisions were last year's amendments and are dropped; citations become notes
until the new document's lines are cited, and a baseline cites last year's document.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

PREVIOUS = "previous-plan"  # the id under which the new plan cites last year's document


def roll_plan_header(header: CommentedMap, year: int, previous_document: str | None) -> None:
    """The header of the new year's plan: its year and title, last year's document as a further one."""
    old = int(header["year"])
    header["year"] = year
    header["title"] = str(header["title"]).replace(str(old), str(year))
    for key in ("document", "documents"):
        header.pop(key, None)
    if previous_document is not None:
        header["documents"] = CommentedSeq(
            [CommentedMap([("id", PREVIOUS), ("path", previous_document), ("title", f"Kế hoạch năm {old}")])]
        )


def roll_target(target: CommentedMap, year: int, *, cited: bool, moved: set[int]) -> None:
    """One target of last year, made `year`'s: `cited` if last year's document is declared; `moved`
    holds the nodes already moved (a trajectory shared by a YAML alias moves once)."""
    shift = 1
    if isinstance(target.get("name"), str):
        target["name"] = target["name"].replace(str(year - 1), str(year))
    old_values = {key: target[key] for key in ("value", "low", "high") if key in target}
    for key in old_values:
        target[key] = None
    if target.get("value") is None and "value" in old_values and old_values["value"] is not None:
        baseline = CommentedMap([("value", old_values["value"])])
        if cited and isinstance(target.get("source"), CommentedMap) and "quote" in target["source"]:
            old = target["source"]
            baseline["cite"] = CommentedMap([("document", PREVIOUS), ("lines", old["lines"]), ("quote", old["quote"])])
        target["baseline"] = baseline
    for part in target.get("parts") or []:
        if isinstance(part, CommentedMap) and "value" in part:
            part["baseline"] = part["value"]
            part["value"] = None
    for breakdown in target.get("breakdowns") or []:
        breakdown.pop("unallocated", None)
        for part in breakdown.get("parts") or []:
            part.pop("revisions", None)
            if "value" in part:
                part["value"] = None
    target.pop("revisions", None)
    target.pop("note", None)
    if "deadline" in target:
        target["deadline"] = _moved(target["deadline"], shift)
    trajectory = target.get("trajectory")
    if isinstance(trajectory, CommentedMap) and id(trajectory) not in moved:
        moved.add(id(trajectory))
        for point in trajectory.get("points") or []:
            point["date"] = _moved(point["date"], shift)
        scenario = trajectory.get("scenario")
        if isinstance(scenario, CommentedMap):
            for period in scenario:
                scenario[period] = None
    target["source"] = CommentedMap(
        [("note", f"Kế hoạch năm {year}: ghi số dòng ('lines') và trích dẫn ('quote') của văn bản giao chỉ tiêu")]
    )


def _moved(day: Any, years: int) -> Any:
    if not isinstance(day, dt.date):
        return day
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)
