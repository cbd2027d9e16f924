"""Properties that must hold for every target, checked on generated targets and figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from rules.judging import Status, evaluate
from rules.required import required_value
from tests.rules.factories import YEAR, figure, target

values = st.decimals(min_value=1, max_value=100_000, places=2, allow_nan=False, allow_infinity=False)
dates = st.dates(min_value=dt.date(YEAR, 1, 1), max_value=dt.date(YEAR, 12, 31))
months = st.integers(min_value=1, max_value=12)


@st.composite
def tolerances(draw: st.DrawFn) -> dict[str, object]:
    a, b, c = sorted(draw(st.lists(st.decimals(min_value=0, max_value=50, places=1), min_size=3, max_size=3)))
    return {"measure": draw(st.sampled_from(["relative", "points"])), "at_risk": a, "behind": b, "critical": c}


@st.composite
def trajectories(draw: st.DrawFn) -> dict[str, object]:
    kind = draw(st.sampled_from(["linear", "milestones", "monthly_profile"]))
    if kind == "milestones":
        days = sorted(draw(st.sets(dates, min_size=1, max_size=4)))
        shares = sorted(draw(st.sets(st.integers(min_value=1, max_value=99), min_size=len(days), max_size=len(days))))
        points = [{"date": d, "share": s} for d, s in zip(days, shares, strict=True)]
        return {"type": "milestones", "points": [*points[:-1], {"date": dt.date(YEAR, 12, 31), "share": 100}]}
    if kind == "monthly_profile":
        weights: list[int] = draw(
            st.lists(st.integers(min_value=0, max_value=20), min_size=12, max_size=12).filter(any)
        )
        total = sum(weights)
        profile: list[Decimal] = [Decimal(w) * 100 / total for w in weights]
        profile[-1] += Decimal(100) - sum(profile)
        return {"type": "monthly_profile", "shares": profile}
    return {"type": "linear"}


@st.composite
def targets(draw: st.DrawFn, comparators: list[str]) -> object:
    kind = draw(st.sampled_from(["cumulative", "level", "growth_rate"]))
    comparator = draw(st.sampled_from(comparators))
    fields: dict[str, object] = {"kind": kind, "comparator": comparator, "value": draw(values),
                                 "tolerance": draw(tolerances())}  # fmt: skip
    if kind == "cumulative":
        fields["trajectory"] = draw(trajectories())
    elif kind == "level":
        fields |= {"unit": "USD", "baseline": {"value": draw(values)}, "trajectory": {"type": "linear"},
                   "reporting": {"every": "month", "basis": "level"}}  # fmt: skip
    else:
        fields |= {"unit": "%", "trajectory": {"type": "each_period"}}
    return target(**fields)


@given(targets(["at_least", "above"]), months, values, values)
@settings(max_examples=300, deadline=None)
def test_a_higher_figure_never_worsens_a_higher_is_better_status(t, month, a, b) -> None:
    low, high = sorted((a, b))
    as_of = dt.date(YEAR + (month == 12), month % 12 + 1, 15)
    worse = evaluate(t, [figure(f"{YEAR}-{month:02d}", low)], as_of, year=YEAR).status
    better = evaluate(t, [figure(f"{YEAR}-{month:02d}", high)], as_of, year=YEAR).status
    assert better.severity <= worse.severity


@given(targets(["at_most", "below"]), months, values, values)
@settings(max_examples=300, deadline=None)
def test_a_lower_figure_never_worsens_a_lower_is_better_status(t, month, a, b) -> None:
    low, high = sorted((a, b))
    as_of = dt.date(YEAR + (month == 12), month % 12 + 1, 15)
    better = evaluate(t, [figure(f"{YEAR}-{month:02d}", low)], as_of, year=YEAR).status
    worse = evaluate(t, [figure(f"{YEAR}-{month:02d}", high)], as_of, year=YEAR).status
    assert better.severity <= worse.severity


@given(targets(["at_least", "above", "at_most", "below"]))
@settings(max_examples=200, deadline=None)
def test_the_trajectory_runs_from_the_start_value_to_the_target(t) -> None:
    start = required_value(t, YEAR, dt.date(YEAR, 1, 1) - dt.timedelta(days=1))
    end = required_value(t, YEAR, dt.date(YEAR, 12, 31))
    assert end == t.value
    if t.kind == "cumulative":
        assert start == 0
    elif t.kind == "level":
        assert start == t.baseline.value


@given(targets(["at_least", "above", "at_most", "below"]), values)
@settings(max_examples=300, deadline=None)
def test_the_year_end_verdict_is_the_plain_comparison(t, actual) -> None:
    result = evaluate(t, [figure(f"{YEAR}", actual)], dt.date(YEAR + 1, 2, 1), year=YEAR)
    plain = {
        "at_least": actual >= t.value,
        "above": actual > t.value,
        "at_most": actual <= t.value,
        "below": actual < t.value,
    }[t.comparator.value]
    assert (result.status == Status.ACHIEVED) == plain


@given(st.lists(values, min_size=1, max_size=5), months)
@settings(max_examples=200, deadline=None)
def test_a_total_rolled_up_from_its_parts_is_their_sum(amounts, month) -> None:
    parts = [{"key": f"p{i}", "name": f"P{i}", "value": 100_000} for i in range(len(amounts))]
    t = target(value=100_000 * len(amounts), breakdowns=[{"dimension": "source", "parts": parts}])
    figures = [figure(f"{YEAR}-{month:02d}", a, breakdown=f"source/p{i}") for i, a in enumerate(amounts)]
    as_of = dt.date(YEAR + (month == 12), month % 12 + 1, 15)
    total = evaluate(t, figures, as_of, year=YEAR)
    each = [evaluate(t, figures, as_of, year=YEAR, breakdown=f"source/p{i}") for i in range(len(amounts))]
    assert total.actual == sum(e.actual for e in each if e.actual is not None)
    parts_required = sum(e.required for e in each if e.required is not None)
    assert total.required is not None
    assert abs(total.required - parts_required) <= Decimal("1e-18") * total.required  # Decimal's 28 digits
