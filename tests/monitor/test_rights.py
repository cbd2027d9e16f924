"""The rights rule, one place: a department writes its own series only; leaders comment; the
admin does all. The inbox applies the same rule to each department's folder."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from monitor import rights
from monitor.ingest.batch import Outcome
from monitor.ingest.inbox import process_inbox
from rules import Plan, load_plan
from tests.conftest import TARGETS
from tests.monitor.inbox_setup import GOOD, at, stored


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan([TARGETS])


def test_a_department_writes_only_its_own_targets_and_parts(plan: Plan) -> None:
    revenue = plan.targets["budget-revenue"]
    disbursement = plan.targets["public-investment-disbursement"]
    assert revenue.owner == "so-tai-chinh"
    assert rights.may_write_figure(plan, "so-tai-chinh", revenue)
    assert not rights.may_write_figure(plan, "so-yte", revenue)
    assert not rights.may_explain(plan, "so-yte", revenue)
    assert rights.may_write_figure(plan, "so-khdt", disbursement, "capital-source/oda")
    assert rights.refusal(plan, "so-yte", revenue) == (
        "budget-revenue belongs to so-tai-chinh; so-yte may send figures only for its own targets"
    )


def test_a_part_with_an_owner_of_its_own_is_that_owner_s_alone(rule_dir) -> None:
    text = """\
targets:
  - id: disbursement
    number: 4
    name: Giải ngân
    kind: cumulative
    comparator: at_least
    value: 100
    unit: tỷ đồng
    reporting: {every: month, basis: year_to_date}
    owner: leader
    breakdowns:
      - dimension: investor
        parts:
          - {key: finance, name: Sở Tài chính, value: 40, owner: finance}
          - {key: other, name: Khác, value: 60}
    source: {lines: "1", quote: "x"}
"""
    plan = load_plan([rule_dir(disbursement=text)])
    target = plan.targets["disbursement"]
    assert rights.may_write_figure(plan, "finance", target, "investor/finance")
    assert not rights.may_write_figure(plan, "finance", target, "investor/other")
    assert not rights.may_write_figure(plan, "finance", target)
    assert rights.may_explain(plan, "finance", target, "investor/finance")
    assert not rights.may_explain(plan, "leader", target, "investor/finance")
    assert rights.may_write_figure(plan, "leader", target, "investor/finance")  # the target's owner compiles it
    assert [(w.target.id, w.whole, w.parts) for w in rights.writable(plan, "finance")] == [
        ("disbursement", False, ("investor/finance",))
    ]


def test_leaders_comment_and_the_admin_does_all(plan: Plan) -> None:
    revenue = plan.targets["budget-revenue"]
    assert rights.person(plan, "chu-tich") == rights.Person("chu-tich", "Chủ tịch UBND tỉnh", rights.Access.LEADER)
    assert rights.may_comment(plan, "chu-tich")
    assert not rights.may_write_figure(plan, "chu-tich", revenue)
    assert plan.info.admin == "van-phong-ubnd"
    assert rights.may_write_figure(plan, "van-phong-ubnd", revenue)
    assert rights.may_comment(plan, "van-phong-ubnd")
    assert not rights.may_comment(plan, "so-tai-chinh")
    assert rights.person(plan, "nobody") is None
    assert rights.by_address(plan, " So-Tai-Chinh@BacGiang.example ") == rights.person(plan, "so-tai-chinh")


def test_a_file_in_another_department_s_folder_carrying_its_target_is_refused_and_nothing_stored(
    sqlite: sa.Engine, tmp_path: Path
) -> None:
    from tests.monitor.inbox_setup import small_plan

    plan = small_plan(tmp_path / "rules")
    inbox = tmp_path / "inbox"
    (inbox / "leader").mkdir(parents=True)
    (inbox / "leader" / "thu-ngan-sach.csv").write_text(GOOD + "revenue,2022-04,1000\n", encoding="utf-8")

    [report] = process_inbox(sqlite, plan, inbox, now=at(0))

    assert report.outcome == Outcome.REJECTED
    assert stored(sqlite) == []
    why = (inbox / "rejected" / "thu-ngan-sach.csv.errors.txt").read_text(encoding="utf-8")
    assert "row 2 target='revenue': revenue belongs to finance; leader may send figures only for its own targets" in why
    assert "row 3 target='revenue'" in why

    (inbox / "office").mkdir()
    (inbox / "office" / "thu-ngan-sach.csv").write_text(GOOD, encoding="utf-8")  # the admin may
    [report] = process_inbox(sqlite, plan, inbox, now=at(1))
    assert report.outcome == Outcome.INGESTED
