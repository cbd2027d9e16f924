"""A target's value is checked against the number its own quote gives, after the unit's scale:
a difference is a warning (the plan still loads), never silent."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from rules import load_plan
from rules.quoted_values import quoted_numbers
from rules.units import UNITS
from tests.conftest import TARGETS, revenue_target


@pytest.mark.parametrize(
    ("quote", "unit", "numbers"),
    [
        ("Thu ngân sách nhà nước trên địa bàn 10.788 tỷ đồng", "tỷ đồng", ["10788"]),
        ("Thu ngân sách nhà nước trên địa bàn 10.788 tỷ đồng", "triệu đồng", ["10788000"]),
        ("Tổng vốn đầu tư 7.088,973 tỷ đồng", "tỷ đồng", ["7088.973"]),
        ("Tốc độ tăng trưởng GRDP đạt 14%; năm 2022", "%", ["14"]),
        ("đón 1 triệu lượt khách du lịch", "lượt", ["1000000"]),
        ("đón 1,2 triệu lượt khách", "nghìn lượt", ["1200"]),
        ("đạt 135-140 triệu đồng/01ha", "triệu đồng/ha", ["135", "140"]),
        ("(5) đến ngày 31/7/2022, giai đoạn 2021-2025", "%", []),
    ],
)
def test_the_numbers_of_a_quote_in_the_target_s_unit(quote: str, unit: str, numbers: list[str]) -> None:
    assert quoted_numbers(quote, UNITS[unit], UNITS) == [Decimal(n) for n in numbers]


def test_a_value_the_quote_does_not_give_is_a_warning_at_the_value(rule_dir: Callable[..., Path]) -> None:
    slipped = revenue_target(value="10.7880", quote="Thu ngân sách đạt 10.788 tỷ đồng")
    plan = load_plan([rule_dir(revenue=slipped)])
    assert [str(w) for w in plan.warnings] == [
        f"{plan.files[1]}:7:12: warning: target revenue: value: 10.788 tỷ đồng (read as a plain decimal) is not a "
        "number of its quote, which gives 10788 tỷ đồng; expected the value as the source writes it "
        "(10.788 tỷ đồng is 10788)"
    ]
    assert plan.targets["revenue"].value == Decimal("10.7880")  # a warning: the plan is loaded as written


def test_the_value_the_quote_gives_and_a_quote_without_amounts_warn_nothing(rule_dir: Callable[..., Path]) -> None:
    assert load_plan([rule_dir(revenue=revenue_target(quote="Thu ngân sách đạt 10.788 tỷ đồng"))]).warnings == ()
    words = revenue_target(quote="Phấn đấu thu ngân sách vượt dự toán năm 2022")
    assert load_plan([rule_dir(revenue=words)]).warnings == ()


def test_validate_prints_the_warning_and_succeeds(rule_dir: Callable[..., Path]) -> None:
    folder = rule_dir(revenue=revenue_target(value="1000", quote="Thu ngân sách đạt 10.788 tỷ đồng"))
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 0, result.output
    assert "warning: target revenue: value: 1000 tỷ đồng (read as a plain decimal) is not a number" in result.stderr
    assert "1 warning" in result.stdout


def test_every_shipped_target_is_checked_against_its_quote_without_a_warning() -> None:
    plan = load_plan([TARGETS])
    assert [str(w) for w in plan.warnings if "quote" in w.message] == []
    checked = [t for t in plan.targets.values() if t.source.quote and quoted_numbers(t.source.quote,
               plan.units[t.unit], plan.units)]  # fmt: skip
    assert len(checked) >= len(plan.targets) - 1  # all but the disbursement, whose quote names no amount
