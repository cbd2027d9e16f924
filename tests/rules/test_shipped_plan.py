"""The shipped 2022 plan: complete, faithful to the source, and clean."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from rules import Comparator, Kind, Plan
from rules.trajectory import Milestones, MonthlyProfile

# Counted by reading Part two of the source (targets/source/bac-giang-2021-2022.txt, lines 1575-1720):
# (1) GRDP growth with industry-construction, industry, construction, services, agriculture,
#     product taxes, and the economic structure set; (10) communes and districts; (11) two school
#     levels; (12) beds, health insurance, social insurance; (13) villages, wards, communes;
# (14) poverty and its disadvantaged-commune part; (15) trained, certified, unemployment, labour
# structure; (16)-(18) three each; IV.1 new jobs and rural working time; IV.2 revenue growth and
# domestic revenue growth; IV.3 investment structure, growth and ratio to GRDP; IV.4 grain, rice,
# grain per head; V.4 public-investment disbursement.
EXPECTED_PER_ITEM = {
    ("III", 1): 8, ("III", 2): 1, ("III", 3): 1, ("III", 5): 1, ("III", 6): 1, ("III", 7): 1,
    ("III", 8): 1, ("III", 9): 1, ("III", 10): 2, ("III", 11): 2, ("III", 12): 3, ("III", 13): 3,
    ("III", 14): 2, ("III", 15): 4, ("III", 16): 3, ("III", 17): 3, ("III", 18): 3, ("III", 19): 1,
    ("IV", 1): 2, ("IV", 2): 2, ("IV", 3): 3, ("IV", 4): 3,
    ("V", 4): 1,
}  # fmt: skip


def test_the_number_of_targets_per_source_item_matches_the_source(shipped_plan: Plan) -> None:
    counted = Counter((t.section, t.number) for t in shipped_plan.targets.values())
    assert dict(counted) == EXPECTED_PER_ITEM


def test_section_three_keeps_the_source_numbering_without_item_four(shipped_plan: Plan) -> None:
    numbers = {t.number for t in shipped_plan.targets.values() if t.section == "III"}
    assert numbers == set(range(1, 20)) - {4}


def test_every_target_cites_lines_of_part_two(shipped_plan: Plan) -> None:
    for target in shipped_plan.targets.values():
        assert (target.source.quote or "").strip(), target.id
        assert 1575 <= target.source.first_line <= 1910, target.id


def test_lower_is_better_and_strict_targets_say_so(shipped_plan: Plan) -> None:
    targets = shipped_plan.targets
    at_most = {t.id for t in targets.values() if t.comparator == Comparator.AT_MOST}
    assert at_most == {"poverty-rate", "poverty-rate-disadvantaged-communes", "urban-unemployment"}
    above = {t.id for t in targets.values() if t.comparator == Comparator.ABOVE}
    assert above == {"social-investment", "health-insurance-coverage"}  # "trên 69 nghìn tỷ", "trên 99%"


def test_money_targets_are_in_the_units_of_the_source(shipped_plan: Plan) -> None:
    targets = shipped_plan.targets
    assert (targets["budget-revenue"].value, targets["budget-revenue"].unit) == (Decimal(10788), "tỷ đồng")
    assert (targets["social-investment"].value, targets["social-investment"].unit) == (Decimal(69000), "tỷ đồng")
    farm = targets["farm-output-per-ha"]
    assert (farm.low, farm.high, farm.unit) == (Decimal(135), Decimal(140), "triệu đồng/ha")


def test_share_sets_match_the_source(shipped_plan: Plan) -> None:
    structure = shipped_plan.targets["economic-structure"]
    assert [(p.key, p.value) for p in structure.parts] == [
        ("industry-construction", Decimal(60)),
        ("services", Decimal(24)),
        ("agriculture", Decimal(16)),
    ]
    labour = shipped_plan.targets["labour-structure"]
    assert sum(p.value for p in labour.parts) == Decimal(100)
    assert sum(p.baseline or 0 for p in labour.parts) == Decimal(100)


def test_disbursement_runs_to_31_january_by_milestones_and_capital_source(shipped_plan: Plan) -> None:
    target = shipped_plan.targets["public-investment-disbursement"]
    assert target.kind == Kind.CUMULATIVE
    assert target.effective_deadline(2022) == dt.date(2023, 1, 31)
    trajectory = target.effective_trajectory()
    assert isinstance(trajectory, Milestones)
    assert trajectory.points[-1].date == dt.date(2023, 1, 31)
    assert trajectory.points[-1].share == Decimal(100)
    shares = [p.share for p in trajectory.points]
    assert shares == sorted(shares)
    sources = {b.dimension: b for b in target.breakdowns}["capital-source"]
    assert {p.key for p in sources.parts} == {"central-budget", "oda", "provincial-budget", "carried-over"}
    assert target.value is not None
    assert sum(p.value or 0 for p in sources.parts) <= target.value
    assert "investor" in {b.dimension for b in target.breakdowns}


def test_seasonal_flows_have_twelve_month_profiles(shipped_plan: Plan) -> None:
    for target_id in ("tourist-arrivals", "grain-output", "rice-output"):
        trajectory = shipped_plan.targets[target_id].effective_trajectory()
        assert isinstance(trajectory, MonthlyProfile)
        assert len(trajectory.shares) == 12
        assert sum(trajectory.shares) == Decimal(100)


def test_every_owner_has_an_escalation_contact(shipped_plan: Plan) -> None:
    for target in shipped_plan.targets.values():
        contact = shipped_plan.escalation_contact(target)
        assert contact is not None, target.id
        assert contact.email.endswith("@bacgiang.example")


def test_parents_are_in_the_same_source_item(shipped_plan: Plan) -> None:
    children = [t for t in shipped_plan.targets.values() if t.parent]
    assert {t.id for t in shipped_plan.children("grdp-growth-industry-construction")} == {
        "grdp-growth-industry",
        "grdp-growth-construction",
    }  # item (1): industry-construction splits into industry and construction
    for target in children:
        assert target.parent is not None
        parent = shipped_plan.targets[target.parent]
        assert (parent.section, parent.number) == (target.section, target.number), target.id
