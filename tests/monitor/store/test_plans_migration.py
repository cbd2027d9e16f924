"""Migration 0008 on a store made at revision 0007 with one plan's rows in it: nothing is lost,
every row is the named plan's, and a store whose plan is not named is refused unchanged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from monitor.cli import cli
from monitor.lifecycle import AlertKey, AlertKind, AlertState
from monitor.store.alerts import alert_states
from monitor.store.database import PlanNotNamedError, create_engine, current_revision, head_revision, upgrade
from monitor.store.figures import figures
from monitor.store.jobs import last_runs
from monitor.store.muting import acknowledgements, silences
from tests.conftest import PLAN, TARGETS
from tests.monitor.store.migrating import Rows, old_store, rows_of

NOW = dt.datetime(2022, 7, 31, 7, tzinfo=dt.UTC)
DAY = dt.date(2022, 7, 31)

# One plan's store at revision 0007: a file and its figure, a run with its verdict, an alert with
# its transition and notification, a message and its attempt, a silence, an explanation, the
# daemon's memory, a submission and a comment.
OLD_ROWS: Rows = {
    "ingestion": [{"id": 1, "sha256": "a" * 64, "file_name": "thu-ngan-sach.csv", "format": "csv", "rows": 1,
                   "submitter": "so-tai-chinh", "received_at": NOW}],
    "observation": [{"id": 1, "ingestion_id": 1, "target_id": "budget-revenue", "breakdown": "", "period": "2022-06",
                     "period_start": dt.date(2022, 1, 1), "period_end": dt.date(2022, 6, 30), "basis": "year_to_date",
                     "value": "5012.6", "unit": "tỷ đồng", "reported_value": "5012.6", "reported_unit": "tỷ đồng",
                     "status": "official", "note": None, "source_row": 2, "received_at": NOW, "is_current": True}],
    "evaluation_run": [{"id": 1, "as_of": DAY, "trigger": "cli", "started_at": NOW, "finished_at": NOW}],
    "evaluation": [{"id": 1, "run_id": 1, "target_id": "budget-revenue", "breakdown": "", "status": "behind",
                    "reason": "thấp hơn yêu cầu"}],
    "alert": [{"id": 1, "target_id": "budget-revenue", "breakdown": "", "kind": "performance", "state": "firing",
               "status": "behind", "periods_held": 2, "last_period": "2022-06", "escalated": False, "since": DAY,
               "last_as_of": DAY, "last_notified_as_of": DAY}],
    "alert_transition": [{"id": 1, "alert_id": 1, "run_id": 1, "as_of": DAY, "from_state": "pending",
                          "to_state": "firing", "escalated": False, "status": "behind", "reason": "x",
                          "created_at": NOW}],
    "notification": [{"id": 1, "alert_id": 1, "run_id": 1, "transition_id": 1, "as_of": DAY,
                      "recipient": "so-tai-chinh", "role": "owner", "kind": "firing", "state": "queued",
                      "created_at": NOW}],
    "outbox": [{"id": 1, "message_id": "<digest.1@x>", "run_id": 1, "recipient": "so-tai-chinh",
                "address": "stc@bacgiang.example", "subject": "Báo cáo", "message": b"body", "state": "sent",
                "attempts": 1, "next_attempt_at": NOW, "created_at": NOW, "sent_at": NOW}],
    "outbox_attempt": [{"id": 1, "outbox_id": 1, "at": NOW, "outcome": "sent"}],
    "silence": [{"id": 1, "target_id": "new-jobs", "breakdown": None, "until": dt.date(2022, 8, 31),
                 "reason": "chờ số liệu quý", "created_by": "office", "created_at": NOW}],
    "acknowledgement": [{"id": 1, "target_id": "budget-revenue", "breakdown": "", "period": "2022-06",
                         "cause": "mưa lũ", "remedy": "thu bù", "created_by": "so-tai-chinh", "created_at": NOW}],
    "job_run": [{"job_id": "evaluate", "last_run_at": NOW}, {"job_id": "weekly", "last_run_at": NOW}],
    "submission": [{"id": 1, "department_id": "so-tai-chinh", "channel": "inbox", "file_name": "thu-ngan-sach.csv",
                    "ingestion_id": 1, "outcome": "ingested", "summary": "1 dòng", "at": NOW}],
    "comment": [{"id": 1, "target_id": "budget-revenue", "breakdown": "", "period": "2022-06", "text": "Cần thu bù",
                 "created_by": "leader", "created_at": NOW}],
}  # fmt: skip


def test_a_single_plan_store_moves_over_whole_to_the_named_plan(database_url: str) -> None:
    engine = old_store(database_url, "0007", OLD_ROWS)
    before = rows_of(engine, *OLD_ROWS)
    upgrade(engine, "0008", plan=PLAN)
    assert current_revision(engine) == "0008"
    after = rows_of(engine, *OLD_ROWS)
    for name, rows in before.items():  # every row kept, every value kept, each now the plan's
        assert len(after[name]) == len(rows), name
        for old, new in zip(rows, after[name], strict=True):
            assert {k: v for k, v in new.items() if k != "plan"} == old, name
            if "plan" in new and name != "job_run":
                assert new["plan"] == PLAN, name
    assert {(r["job_id"], r["plan"]) for r in after["job_run"]} == {("evaluate", PLAN), ("weekly", PLAN)}
    # Through the later migrations, the program reads them back as the plan's, and as no other plan's.
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    [figure] = figures(engine, plan=PLAN)
    assert (figure.target_id, figure.period, str(figure.value)) == ("budget-revenue", "2022-06", "5012.6")
    assert figures(engine, plan="bac-giang-2023") == []
    key = AlertKey("budget-revenue", "", AlertKind.PERFORMANCE)
    assert alert_states(engine, plan=PLAN) == {key: AlertState.FIRING}
    assert [s.target_id for s in silences(engine, plan=PLAN)] == ["new-jobs"]
    assert [a.cause for a in acknowledgements(engine, plan=PLAN)] == ["mưa lũ"]
    assert set(last_runs(engine, plan=PLAN)) == {"evaluate", "weekly"}
    # A second plan may now use the same target ids.
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO alert (id, plan, target_id, breakdown, kind, state, status, periods_held, escalated) "
                "VALUES (2, 'bac-giang-2023', 'budget-revenue', '', 'performance', 'pending', 'behind', 1, false)"
            )
        )
    assert alert_states(engine, plan="bac-giang-2023") == {key: AlertState.PENDING}
    engine.dispose()


def test_a_store_with_rows_and_no_plan_named_is_refused_unchanged(database_url: str) -> None:
    engine = old_store(database_url, "0007", OLD_ROWS)
    before = rows_of(engine, *OLD_ROWS)
    with pytest.raises(PlanNotNamedError, match="does not say which plan they are"):
        upgrade(engine)
    assert current_revision(engine) == "0007"
    assert rows_of(engine, *OLD_ROWS) == before
    engine.dispose()


def test_an_empty_store_needs_no_plan(database_url: str) -> None:
    engine = create_engine(database_url)
    upgrade(engine, "0007")
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_db_upgrade_names_the_configured_plan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'plan-monitor.db'}"
    old_store(url, "0007", OLD_ROWS).dispose()
    monkeypatch.setenv("PLAN_MONITOR_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("PLAN_MONITOR_DATABASE_URL", raising=False)
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(tmp_path / "nowhere"))
    refused = CliRunner().invoke(cli, ["db", "upgrade"])
    assert refused.exit_code == 2
    assert "upgrade refused, nothing changed" in refused.stderr
    assert "PLAN_MONITOR_TARGETS" in refused.stderr
    assert "Traceback" not in refused.output
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(TARGETS))
    done = CliRunner().invoke(cli, ["db", "upgrade"])
    assert done.exit_code == 0, done.output
    assert done.output.strip() == f"database schema: 0007 -> {head_revision()}"
    assert [f.target_id for f in figures(create_engine(url), plan=PLAN)] == ["budget-revenue"]
