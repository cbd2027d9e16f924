"""Citations: each quote must stand at the lines it names in the plan's source document."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rules import RuleSetError, load_plan
from tests.conftest import BASE_PLAN, revenue_target

DOCUMENT = "Phần thứ hai\n\n(5) Thu ngân sách nhà nước đạt 10.788 tỷ \n\nđồng;\n"


def _plan_with_document(rule_dir: Callable[..., Path], lines: str, quote: str) -> Path:
    folder = rule_dir(
        plan=BASE_PLAN.replace("  admin: office", "  admin: office\n  document: source.txt"),
        targets=revenue_target(lines=lines, quote=quote),
    )
    (folder / "source.txt").write_text(DOCUMENT, encoding="utf-8")
    return folder


def test_a_quote_across_wrapped_lines_is_found(rule_dir: Callable[..., Path]) -> None:
    folder = _plan_with_document(rule_dir, "3-5", "Thu ngân sách nhà nước đạt 10.788 tỷ đồng")
    assert load_plan([folder]).targets["revenue"].source.last_line == 5


@pytest.mark.parametrize(
    ("lines", "quote", "message"),
    [
        ("3", "Thu ngân sách nhà nước đạt 10.788 tỷ đồng", "the quote is not at line 3 of source.txt"),
        ("3", "đạt 10.789 tỷ", "the quote is not at line 3 of source.txt"),
        ("1-9", "Phần", "lines 1-9 is outside source.txt, which has 5 lines"),
    ],
)
def test_a_quote_not_at_its_lines_is_reported(
    rule_dir: Callable[..., Path], lines: str, quote: str, message: str
) -> None:
    folder = _plan_with_document(rule_dir, lines, quote)
    with pytest.raises(RuleSetError) as caught:
        load_plan([folder])
    [problem] = caught.value.problems
    assert (problem.file.name, problem.line, problem.field) == ("targets.yaml", 11, "target revenue: source")
    assert message in problem.message


def test_a_missing_document_is_reported(rule_dir: Callable[..., Path]) -> None:
    folder = rule_dir(plan=BASE_PLAN.replace("  admin: office", "  admin: office\n  document: gone.txt"))
    with pytest.raises(RuleSetError) as caught:
        load_plan([folder])
    [problem] = caught.value.problems
    assert problem.field == "plan: document"
    assert "cannot read the source document" in problem.message
