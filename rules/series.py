"""Series and the whole plan's evaluation.

A series is what one verdict is about: a target itself, or one of its breakdown parts.
`evaluate_plan` judges every series of a plan from the figures known, in the plan's order;
like `evaluate`, it is pure.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from rules.judging import Evaluation, evaluate
from rules.observation import Observation
from rules.plan import Plan
from rules.target import Target


class SeriesKey(NamedTuple):
    """A target id and a breakdown part's key ("" for the target itself)."""

    target_id: str
    breakdown: str = ""


def series_of(target: Target, known: Iterable[Observation] = ()) -> list[str]:
    """The series judged for a target: the target itself, then each breakdown part that has an
    amount of its own or figures reported for it (a part with neither has nothing to judge)."""
    reported = {o.breakdown for o in known}
    parts = []
    for key in target.part_keys():
        found = target.part(key)
        if key in reported or (found is not None and found[1].value is not None):
            parts.append(key)
    return ["", *parts]


def evaluate_plan(plan: Plan, by_target: Mapping[str, Sequence[Observation]], as_of: dt.date) -> list[Evaluation]:
    """One evaluation per target and breakdown part, in the plan's order."""
    results = []
    for target in plan.targets.values():
        known = by_target.get(target.id, [])
        by_part: dict[str, list[Observation]] = defaultdict(list)
        for observation in known:
            by_part[observation.breakdown].append(observation)
        for breakdown in series_of(target, known):
            # The target's own series sees every figure (it may roll its parts up); a part, only its own.
            figures_seen = known if not breakdown else by_part[breakdown]
            results.append(evaluate(target, figures_seen, as_of, year=plan.info.year, breakdown=breakdown))
    return results
