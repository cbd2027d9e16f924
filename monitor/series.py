"""Evaluating the whole plan: every target, every breakdown part, from the stored figures."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

import sqlalchemy as sa

from monitor.observations import StoredFigure, figures
from rules import Plan, Target
from rules.evaluate import Evaluation, evaluate
from rules.observation import FigureStatus, Observation
from rules.periods import Period
from rules.target import Basis


def observations(stored: Iterable[StoredFigure]) -> dict[str, list[Observation]]:
    """The stored figures as evaluation's observations, by target id."""
    periods: dict[str, Period] = {}
    by_target: dict[str, list[Observation]] = defaultdict(list)
    for f in stored:
        period = periods.get(f.period)
        if period is None:
            period = periods[f.period] = Period.parse(f.period)
        by_target[f.target_id].append(
            Observation(
                period,
                f.value,
                Basis(f.basis),
                f.breakdown,
                FigureStatus(f.status),
                f.received_at,
                f"{f.file_name}:{f.source_row}",
            )
        )
    return by_target


def series_of(target: Target, known: Iterable[Observation] = ()) -> list[str]:
    """The series judged for a target: the target itself, then each breakdown part that has an
    amount of its own or figures reported for it (a part with neither has nothing to judge)."""
    reported = {o.breakdown for o in known}
    parts = [key for key in target.part_keys() if key in reported or _amount(target, key) is not None]
    return ["", *parts]


def _amount(target: Target, key: str) -> Decimal | None:
    found = target.part(key)
    return found[1].value if found else None


def evaluate_plan(plan: Plan, by_target: dict[str, list[Observation]], as_of: dt.date) -> list[Evaluation]:
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


def evaluate_stored(engine: sa.Engine, plan: Plan, as_of: dt.date) -> list[Evaluation]:
    """Evaluate the plan on the figures currently stored."""
    return evaluate_plan(plan, observations(figures(engine)), as_of)
