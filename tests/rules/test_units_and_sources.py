"""Units a plan declares, several source documents, notes instead of quotes, default tolerances."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from rules import Measure, RuleSetError, load_plan
from tests.conftest import BASE_PLAN, revenue_target
from tests.rules.factories import target

UNITS = """\
units:
  - {label: tỷ USD, dimension: usd, scale: 1000000000, name: tỷ đô la Mỹ}
  - {label: giường/vạn dân, dimension: beds_per_10000, scale: 1}
  - {label: nghìn lượt khách, dimension: visits, scale: 1000}
"""


def test_a_declared_unit_is_used_by_targets_and_converts_exactly(rule_dir: Callable[..., Path]) -> None:
    folder = rule_dir(units=UNITS, targets=revenue_target().replace("unit: tỷ đồng", "unit: tỷ USD"))
    plan = load_plan([folder])
    billion, million = plan.find_unit("tỷ USD"), plan.find_unit("triệu USD")
    assert billion is not None
    assert million is not None
    assert million.convert(Decimal("1234.567"), billion) == Decimal("1.234567")
    assert billion.convert(Decimal("0.000000001"), million) == Decimal("0.000001")
    visits = plan.find_unit("nghìn lượt khách")
    assert visits is not None
    assert plan.units["lượt"].dimension == visits.dimension
    assert plan.find_unit("giường/vạn dân") is not None
    # Another plan does not see them.
    assert load_plan([rule_dir(units="units: []\n", targets=revenue_target())]).find_unit("tỷ USD") is None


def test_a_conversion_never_rounds() -> None:
    from rules.units import Unit

    small, large = Unit("a", "d", Decimal(1)), Unit("b", "d", Decimal(10) ** 30)
    value = Decimal("123456789012345678901234567890.123456789")
    assert large.convert(small.convert(value, large), small) == value


def test_a_second_document_is_cited_by_id_and_checked(rule_dir: Callable[..., Path]) -> None:
    plan_text = BASE_PLAN.replace(
        "  admin: office",
        "  admin: office\n  document: main.txt\n  documents:\n"
        "    - {id: qd-giao-von, path: decision.txt, title: Quyết định giao vốn}",
    )
    good = revenue_target(lines="2", quote="giao 7.088,973 tỷ đồng").replace(
        'source: {lines: "2"', 'source: {document: qd-giao-von, lines: "2"'
    )
    folder = rule_dir(plan=plan_text, targets=good)
    (folder / "main.txt").write_text("Nghị quyết\nThu ngân sách\n", encoding="utf-8")
    (folder / "decision.txt").write_text("Quyết định\ngiao 7.088,973 tỷ đồng\n", encoding="utf-8")
    assert load_plan([folder]).targets["revenue"].source.document == "qd-giao-von"
    # The same quote is not in the main document, and an unknown id is named.
    (folder / "targets.yaml").write_text(good.replace("document: qd-giao-von, ", ""), encoding="utf-8")
    (folder / "other.yaml").write_text(
        good.replace("id: revenue", "id: other").replace("qd-giao-von", "qd-khac"), encoding="utf-8"
    )
    with pytest.raises(RuleSetError) as caught:
        load_plan([folder])
    shown = [str(p) for p in caught.value.problems]
    assert shown == [
        f"{folder / 'other.yaml'}:11:24: target other: source.document: unknown document 'qd-khac'; "
        "expected an id from the plan's 'documents' (qd-giao-von)",
        f"{folder / 'targets.yaml'}:11:13: target revenue: source: the quote is not at line 2 of main.txt; "
        "expected its words as written there",
    ]


def test_a_note_instead_of_a_quote_is_a_warning_and_the_plan_loads(rule_dir: Callable[..., Path]) -> None:
    noted = revenue_target().replace('source: {lines: "1", quote: "x"}', 'source: {note: "Thêm theo QĐ 25/QĐ-UBND"}')
    plan = load_plan([rule_dir(targets=noted)])
    assert [str(w).split(": ", 1)[1] for w in plan.warnings] == [
        "warning: target revenue: source: a note instead of a quote; not checked against a source: "
        "add the lines and quote when known"
    ]
    assert plan.targets["revenue"].source.quote is None


def test_sections_and_numbering_follow_the_document(rule_dir: Callable[..., Path]) -> None:
    text = revenue_target().replace("number: 5", 'number: 3\n    section: "2"\n    numbering: "2.3"')
    later = revenue_target().replace("id: revenue", "id: later").replace("number: 5", "number: 1\n    section: A")
    ten = revenue_target().replace("id: revenue", "id: ten").replace("number: 5", 'number: 1\n    section: "10"')
    plan = load_plan([rule_dir(targets=text, later=later, ten=ten)])
    assert plan.targets["revenue"].label == "2.3"
    assert plan.targets["ten"].label == "10.1"
    assert [t.id for t in sorted(plan.targets.values(), key=lambda t: t.order)] == ["revenue", "ten", "later"]
    assert sorted(["V", "IV", "III", "IX", "X"], key=lambda s: target(section=s).order) == ["III", "IV", "V", "IX", "X"]


@pytest.mark.parametrize(
    ("kind", "comparator", "unit", "measure"),
    [
        ("level", "at_least", "USD", Measure.RELATIVE),
        ("level", "at_least", "triệu đồng/lao động", Measure.RELATIVE),
        ("level", "at_least", "%", Measure.POINTS),
        ("growth_rate", "at_least", "%", Measure.POINTS),
        ("cumulative", "at_least", "tỷ đồng", Measure.RELATIVE),
    ],
)
def test_default_tolerance_fits_the_unit(kind: str, comparator: str, unit: str, measure: Measure) -> None:
    declared = target(kind=kind, comparator=comparator, unit=unit, value=50, trajectory={"type": "year_end"})
    tolerance = declared.effective_tolerance()
    assert tolerance.measure == measure
    expected = (Decimal(5), Decimal(15)) if measure == Measure.RELATIVE else (Decimal("0.5"), Decimal(2))
    assert (tolerance.behind, tolerance.critical) == expected
