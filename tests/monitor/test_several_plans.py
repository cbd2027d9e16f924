"""Two plans in one store through the real command line: the shipped 2022 plan and a 2023 plan made
with `plan new` and filled in, each with its own figures, alerts, explanations and digests."""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections import Counter
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from monitor.cli import cli
from monitor.settings import Settings
from monitor.web import create_app
from rules import load_plan
from tests.conftest import TARGETS
from tests.monitor.test_planning import _fill as fill_values
from tests.monitor.web.conftest import SECRET

BOTH = "bac-giang-2022 (Bắc Giang 2022), bac-giang-2023 (Bắc Giang 2023)"
EXAMPLES = TARGETS.parent / "examples" / "2022"


def _cli(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def plans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder of two plan folders, 2022 (shipped) and 2023 (rolled over and filled), configured."""
    folder = tmp_path / "plans"
    shutil.copytree(TARGETS, folder / "2022")
    made = _cli("plan", "new", "--from", str(folder / "2022"), "--year", "2023", "--to", str(folder / "2023"))
    assert made.exit_code == 0, made.output
    fill_values(folder / "2023", folder / "2022")
    monkeypatch.setenv("PLAN_MONITOR_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(folder))
    monkeypatch.delenv("PLAN_MONITOR_DATABASE_URL", raising=False)
    return folder


def test_a_command_names_its_plan_when_several_are_loaded(plans: Path) -> None:
    missing = _cli("status")
    assert missing.exit_code == 2
    assert missing.stderr.strip() == f"plan-monitor: 2 plans are loaded; name one with --plan: {BOTH}"
    unknown = _cli("data", "--plan", "ha-noi-2023")
    assert unknown.exit_code == 2
    assert unknown.stderr.strip() == f"plan-monitor: --plan 'ha-noi-2023' names none of the plans loaded: {BOTH}"
    both = _cli("targets", "--plan", "Bắc Giang")  # a province both plans have
    assert both.exit_code == 2
    assert "names more than one of the plans loaded" in both.stderr
    assert "Traceback" not in missing.output + unknown.output + both.output
    checked = _cli("validate")  # every plan loaded, without --plan
    assert checked.exit_code == 0, checked.output
    assert [line.split("(")[-1] for line in checked.stdout.splitlines()] == [
        "Kế hoạch phát triển kinh tế - xã hội năm 2022 tỉnh Bắc Giang)",
        "Kế hoạch phát triển kinh tế - xã hội năm 2023 tỉnh Bắc Giang), 52 warnings",
    ]
    listed = _cli("targets", "--plan", "2023", "--format", "json")
    assert listed.exit_code == 0, listed.output
    assert {t["id"] for t in json.loads(listed.stdout)} >= {"budget-revenue", "grdp-growth"}


def test_each_plan_has_its_own_figures_alerts_explanations_and_digests(plans: Path, tmp_path: Path) -> None:
    this_year = tmp_path / "thu-ngan-sach-2023.csv"
    this_year.write_text('chỉ tiêu,kỳ,giá trị,đơn vị\nbudget-revenue,2023-06,"3.000,0",tỷ đồng\n', encoding="utf-8")
    last_year = EXAMPLES / "06-so-tai-chinh-thu-ngan-sach.csv"
    # A file names targets of one plan: last year's figures are refused by this year's plan.
    wrong = _cli("ingest", "--plan", "2023", str(last_year))
    assert wrong.exit_code == 1
    assert "period='2022-07': outside the plan; expected a period from 2023-01-01 to 2023-12-31" in wrong.stderr
    assert _cli("ingest", "--plan", "2022", str(last_year)).exit_code == 0
    assert _cli("ingest", "--plan", "bac-giang-2023", str(this_year)).exit_code == 0

    def stored(plan: str) -> list[tuple[str, str, str]]:
        shown = _cli("data", "--plan", plan, "--format", "json")
        assert shown.exit_code == 0, shown.output
        return [(r["target"], r["period"], str(r["value"])) for r in json.loads(shown.stdout)]

    assert stored("2023") == [("budget-revenue", "2023-06", "3000")]
    assert ("budget-revenue", "2023-06", "3000") not in stored("2022")
    assert ("budget-revenue", "2022-07", "8652") in stored("2022")

    # This year is judged first; last year's run, on an earlier date, is still its own plan's.
    judged = _cli("evaluate", "--plan", "2023", "--as-of", "2023-07-31", "--format", "json")
    assert judged.exit_code == 0, judged.output
    revenue_2023 = next(r for r in json.loads(judged.stdout) if r["id"] == "budget-revenue" and not r["breakdown"])
    assert revenue_2023["status"] in ("behind", "critical")
    assert str(revenue_2023["actual"]) == "3000"
    assert revenue_2023["alert_state"] in ("pending", "firing")
    earlier = _cli("evaluate", "--plan", "2022", "--as-of", "2022-07-31", "--format", "json")
    assert earlier.exit_code == 0, earlier.output
    revenue_2022 = next(r for r in json.loads(earlier.stdout) if r["id"] == "budget-revenue" and not r["breakdown"])
    assert str(revenue_2022["actual"]) == "8652"
    assert revenue_2022["status"] != revenue_2023["status"]

    # An explanation of "6 tháng" is this plan's first half, and only this plan's.
    acked = _cli("ack", "add", "budget-revenue", "--plan", "2023", "--period", "6 tháng", "--cause", "mưa lũ",
                 "--remedy", "thu bù", "--by", "so-tai-chinh")  # fmt: skip
    assert acked.exit_code == 0, acked.output
    assert acked.stdout.strip() == "acknowledged budget-revenue for 2023-H1"
    assert "mưa lũ" in _cli("ack", "list", "--plan", "2023").stdout
    assert "mưa lũ" not in _cli("ack", "list", "--plan", "2022").stdout

    sent = _cli("outbox", "send")
    assert sent.exit_code == 0, sent.output
    digests = [
        message_from_bytes(p.read_bytes(), policy=policy.default) for p in (tmp_path / "var" / "mail").glob("*.eml")
    ]
    by_year = {
        year: [m for m in digests if f"năm {year}" in m.get_body(("plain",)).get_content()]  # type: ignore[union-attr]
        for year in (2022, 2023)
    }
    assert by_year[2022]
    assert by_year[2023]
    assert not set(map(id, by_year[2022])) & set(map(id, by_year[2023]))  # each digest is one plan's
    finance_2023 = [m for m in by_year[2023] if "Sở Tài chính" in str(m["To"])]
    assert finance_2023, [str(m["To"]) for m in by_year[2023]]
    assert "3.000" in finance_2023[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_each_plan_has_its_inbox_folder(plans: Path) -> None:
    inbox = plans.parent / "var" / "inbox" / "bac-giang-2023" / "so-tai-chinh"
    inbox.mkdir(parents=True)
    (inbox / "thu.csv").write_text('chỉ tiêu,kỳ,giá trị,đơn vị\nbudget-revenue,2023-05,"2.500,0",tỷ đồng\n',
                                   encoding="utf-8")  # fmt: skip
    empty = _cli("ingest", "--inbox", "--plan", "2022")
    assert empty.exit_code == 0, empty.output
    assert "is empty" in empty.stdout
    # A file in a department's folder of the one-plan layout is taken by no plan: it is said.
    old_layout = plans.parent / "var" / "inbox" / "so-tai-chinh" / "thu.csv"
    old_layout.parent.mkdir()
    old_layout.write_text("chỉ tiêu,kỳ,giá trị\nbudget-revenue,2023-04,2000\n", encoding="utf-8")
    said = _cli("ingest", "--inbox", "--plan", "2022")
    assert said.exit_code == 1
    assert said.stderr.strip() == (
        f"{old_layout}: in no plan's inbox folder, so no plan takes it; with several plans, put it in "
        "inbox/<plan key>/<department>/, where <plan key> is one of: bac-giang-2022, bac-giang-2023"
    )
    old_layout.unlink()
    taken = _cli("ingest", "--inbox", "--plan", "2023")
    assert taken.exit_code == 0, taken.output
    shown = json.loads(_cli("data", "--plan", "2023", "--format", "json").stdout)
    assert [(r["target"], r["period"], r["submitter"]) for r in shown] == [
        ("budget-revenue", "2023-05", "so-tai-chinh")
    ]


def test_each_plans_metrics_are_its_own(plans: Path, tmp_path: Path) -> None:
    this_year = tmp_path / "thu-ngan-sach-2023.csv"
    this_year.write_text('chỉ tiêu,kỳ,giá trị,đơn vị\nbudget-revenue,2023-06,"3.000,0",tỷ đồng\n', encoding="utf-8")
    assert _cli("ingest", "--plan", "2023", "--submitter", "so-tai-chinh", str(this_year)).exit_code == 0
    assert _cli("ingest", "--plan", "2022", str(EXAMPLES / "06-so-tai-chinh-thu-ngan-sach.csv")).exit_code == 0
    judged: dict[str, list[dict[str, object]]] = {}
    for year, as_of in (("2023", "2023-07-31"), ("2022", "2022-07-31")):  # last year's run is the store's latest
        result = _cli("evaluate", "--plan", year, "--as-of", as_of, "--format", "json")
        assert result.exit_code == 0, result.output
        judged[year] = json.loads(result.stdout)
    settings = Settings(data_dir=tmp_path / "var", targets=plans, secret_key=SECRET)
    seen: dict[str, dict[str, dict[tuple[str, ...], float]]] = {}
    for year in ("2022", "2023"):
        with TestClient(create_app(settings, plan=load_plan([plans / year]))) as client:
            answer = client.get("/metrics")
        assert answer.status_code == 200
        seen[year] = {}
        for family in text_string_to_metric_families(answer.text):
            for sample in family.samples:
                seen[year].setdefault(sample.name, {})[tuple(sample.labels.values())] = sample.value
    for year in ("2022", "2023"):
        statuses = Counter(str(r["status"]) for r in judged[year])
        series = {labels[0]: int(n) for labels, n in seen[year]["plan_monitor_series"].items() if n}
        assert series == dict(statuses), year  # this plan's latest run, not the store's
        alerting = Counter(str(r["alert_state"]) for r in judged[year] if r["alert_state"] not in (None, "inactive"))
        performance = {state: int(n) for (kind, state), n in seen[year]["plan_monitor_alerts"].items()
                       if kind == "performance" and n}  # fmt: skip
        assert performance == dict(alerting), year
        assert seen[year]["plan_monitor_outbox_messages"][("queued",)] >= 1, year  # its own digests
    assert set(seen["2023"]["plan_monitor_last_ingestion_timestamp_seconds"]) == {("so-tai-chinh",)}
    assert set(seen["2022"]["plan_monitor_last_ingestion_timestamp_seconds"]) == {("",)}
    with sqlite3.connect(tmp_path / "var" / "plan-monitor.db") as store:
        queued = dict(
            store.execute("SELECT plan, count(*) FROM outbox WHERE state = 'queued' GROUP BY plan").fetchall()
        )
    assert queued == {
        f"bac-giang-{year}": int(seen[year]["plan_monitor_outbox_messages"][("queued",)]) for year in ("2022", "2023")
    }
