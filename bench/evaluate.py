"""Evaluation benchmark: 100,000 target series as of one date, against NumPy doing the same arithmetic.

Run: .venv/bin/python -m bench.evaluate [--provinces 34 --targets 100 --parts 30]
Each series has 12 monthly year-to-date figures and a milestone trajectory; every series is judged
by `rules.evaluate` (the daemon's code) as of 15 December. NumPy computes the same arithmetic
(latest figure, required share by milestones, shortfall, band, run-rate projection) on arrays in
the same run. Prints series per second, peak memory, and the ratio. Goal: < 5 s, < 500 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time
from decimal import Decimal

import numpy as np

from rules import Basis, Observation, Period, Status, Target, evaluate

YEAR = 2022
AS_OF = dt.date(YEAR, 12, 15)
MILESTONES = [
    (dt.date(YEAR, 3, 31), 15),
    (dt.date(YEAR, 6, 30), 40),
    (dt.date(YEAR, 9, 30), 65),
    (dt.date(YEAR, 12, 31), 100),
]


def make_target(number: int, parts: int) -> Target:
    return Target.model_validate({
        "id": f"t{number}", "number": 1, "name": f"Chỉ tiêu {number}", "kind": "cumulative",
        "comparator": "at_least", "value": 1_000_000, "unit": "tỷ đồng",
        "reporting": {"every": "month", "basis": "year_to_date"},
        "trajectory": {"type": "milestones", "points": [{"date": d, "share": s} for d, s in MILESTONES]},
        "tolerance": {"measure": "relative", "at_risk": 0, "behind": 5, "critical": 15},
        "owner": "x", "source": {"lines": "1", "quote": "x"},
        "breakdowns": [{"dimension": "part", "parts": [{"key": f"p{k}", "name": f"P{k}", "value": 1_000_000 / parts}
                                                       for k in range(parts)]}],
    })  # fmt: skip


def figures(rng: np.random.Generator, series: int, plan: float) -> np.ndarray:
    """Year-to-date figures: 12 months a series, each month adding a random part of 1/12 of its plan."""
    monthly = rng.uniform(0.6, 1.3, size=(series, 12)) * (plan / 12)
    return np.cumsum(monthly, axis=1)


def observations(values: np.ndarray, parts: int) -> list[tuple[str, list[Observation]]]:
    """Each series' figures as the daemon hands them to evaluation (built before the clock starts)."""
    months = [Period.month(YEAR, m) for m in range(1, 13)]
    out = []
    for row in range(values.shape[0]):
        breakdown = f"part/p{row % parts}"
        series = [Observation(months[m], Decimal(f"{values[row, m]:.3f}"), Basis.YEAR_TO_DATE, breakdown)
                  for m in range(12)]  # fmt: skip
        out.append((breakdown, series))
    return out


def run_rules(
    targets: list[Target], series: list[tuple[str, list[Observation]]], parts: int
) -> tuple[float, dict[Status, int]]:
    counts: dict[Status, int] = {}
    start = time.perf_counter()
    for row, (breakdown, known) in enumerate(series):
        status = evaluate(targets[row // parts], known, AS_OF, year=YEAR, breakdown=breakdown).status
        counts[status] = counts.get(status, 0) + 1
    return time.perf_counter() - start, counts


def run_numpy(values: np.ndarray, plan: float) -> tuple[float, dict[str, int]]:
    start = time.perf_counter()
    known = sum(1 for m in range(1, 13) if dt.date(YEAR + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1) <= AS_OF)
    actual = values[:, known - 1]
    day = dt.date(YEAR, known, 1) if known < 12 else dt.date(YEAR, 12, 1)
    end_of_month = dt.date(YEAR + known // 12, known % 12 + 1, 1) - dt.timedelta(days=1)
    previous, share = dt.date(YEAR, 1, 1) - dt.timedelta(days=1), 0.0
    for when, pct in MILESTONES:
        if end_of_month <= when:
            share = share + (pct / 100 - share) * (end_of_month - previous).days / (when - previous).days
            break
        previous, share = when, pct / 100
    required = np.full(actual.shape, plan * share)
    gap = required - actual
    relative = gap / required * 100
    status = np.select([gap <= 0, relative <= 5, relative <= 15], [1, 3, 5], default=6)
    projected = actual / share
    _ = (projected, day)
    elapsed = time.perf_counter() - start
    names = {1: "on_track", 3: "at_risk", 5: "behind", 6: "critical"}
    return elapsed, {names[int(s)]: int(n) for s, n in zip(*np.unique(status, return_counts=True), strict=True)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--targets", type=int, default=100)
    parser.add_argument("--parts", type=int, default=30)
    args = parser.parse_args()
    targets = [make_target(n, args.parts) for n in range(args.provinces * args.targets)]
    series = len(targets) * args.parts
    values = figures(np.random.default_rng(2022), series, 1_000_000 / args.parts)
    seconds, counts = run_rules(targets, observations(values, args.parts), args.parts)
    vector, vector_counts = run_numpy(values, 1_000_000 / args.parts)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rules.evaluate: {series:,} series in {seconds:.2f} s = {series / seconds:,.0f} series/s (goal: < 5 s)")
    print(
        f"statuses: {', '.join(f'{n:,} {s.value}' for s, n in sorted(counts.items(), key=lambda kv: kv[0].severity))}"
    )
    print(f"numpy, the same arithmetic vectorized: {vector * 1000:.1f} ms; statuses {vector_counts}")
    print(f"ratio rules / numpy: {seconds / vector:,.0f}x")
    print(f"peak memory: {peak:.0f} MB (goal: < 500 MB)")


if __name__ == "__main__":
    main()
