"""Recording a run on every store: the run, its verdicts, the alerts' states and transitions, and
who is owed a message, decided from who owns and who hears about each series."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel, col

from monitor.lifecycle import MessageKind
from monitor.recording import Recipient, recipients, record_run, who_is_told
from monitor.store.database import as_utc
from monitor.store.schema import Alert, AlertTransition, EvaluationRecord, EvaluationRun, Notification, Silence
from rules import Plan, evaluate_plan, load_plan
from rules.judging import Evaluation, Status
from rules.observation import Observation
from rules.periods import Period
from rules.target import Basis
from tests.conftest import PLAN

WEEK = dt.timedelta(days=7)
JULY_10 = dt.date(2022, 7, 10)
NOW = dt.datetime(2022, 7, 10, 7, 0, tzinfo=dt.UTC)

# Besides the base plan's leader, office (escalates to leader) and finance (escalates to leader):
# a second leader, and a department with no escalation contact of its own.
DEPARTMENTS = """\
departments:
  - {id: deputy, name: Phó Chủ tịch thứ hai, email: deputy@bacgiang.example, role: leader}
  - {id: treasury, name: Kho bạc, email: treasury@bacgiang.example}
"""

TARGETS = """\
targets:
  - id: investment
    number: 6
    name: Giải ngân
    kind: cumulative
    comparator: at_least
    value: 1200
    unit: tỷ đồng
    reporting: {every: month, basis: year_to_date}
    owner: finance
    notify: [office]
    breakdowns:
      - dimension: source
        parts:
          - {key: central, name: Trung ương, value: 800}
          - {key: local, name: Địa phương, value: 400, owner: treasury}
    source: {lines: "1", quote: "x"}
  - id: jobs
    number: 7
    name: Việc làm
    kind: cumulative
    comparator: at_least
    value: 1200
    unit: tỷ đồng
    reporting: {every: quarter, basis: year_to_date}
    for: 2
    owner: office
    escalation: deputy
    notify: [office]
    source: {lines: "1", quote: "x"}
  - id: roads
    number: 8
    name: Đường
    kind: cumulative
    comparator: at_least
    value: 1200
    unit: tỷ đồng
    reporting: {every: month, basis: year_to_date}
    owner: finance
    notify: [leader]
    source: {lines: "1", quote: "x"}
"""


@pytest.fixture
def plan(rule_dir: Callable[..., Path]) -> Plan:
    return load_plan([rule_dir(departments=DEPARTMENTS, targets=TARGETS)])


def verdict(
    target_id: str,
    status: Status,
    *,
    breakdown: str = "",
    period: str | None = "2022-06",
    as_of: dt.date = JULY_10,
    overdue: str | None = None,
    reason: str = "short",
    **numbers: Any,
) -> Evaluation:
    return Evaluation(
        target_id, breakdown, as_of, status, reason,
        actual_period=Period.parse(period) if period else None,
        overdue_period=Period.parse(overdue) if overdue else None,
        **numbers,
    )  # fmt: skip


def run(engine: sa.Engine, plan: Plan, evaluations: list[Evaluation], as_of: dt.date = JULY_10):
    return record_run(engine, plan, evaluations, as_of, trigger="test", repeat_every=WEEK, now=NOW)


def _all(engine: sa.Engine, table: type[SQLModel]) -> list[Any]:
    with engine.connect() as connection:
        return list(connection.execute(sa.select(table).order_by(sa.text("id"))).mappings())


def _told(engine: sa.Engine, run_id: int | None = None) -> set[tuple[str, str, str, str, str, str]]:
    """(target, breakdown, alert kind, message kind, recipient, role) of every queued notification."""
    query = sa.select(
        col(Alert.target_id), col(Alert.breakdown), col(Alert.kind), col(Notification.kind),
        col(Notification.recipient), col(Notification.role),
    ).join(Alert, col(Alert.id) == col(Notification.alert_id))  # fmt: skip
    if run_id is not None:
        query = query.where(col(Notification.run_id) == run_id)
    with engine.connect() as connection:
        return {(r[0], r[1], r[2], r[3], r[4], r[5]) for r in connection.execute(query)}


# -- who owns a series, and who else hears of it ---------------------------------------------


@pytest.mark.parametrize(
    ("target_id", "breakdown", "told", "contact"),
    [
        # The owner, then the notified departments; the owner's escalation contact.
        ("investment", "", [("finance", "owner"), ("office", "notify")], "leader"),
        # A part without an owner of its own is the target owner's.
        ("investment", "source/central", [("finance", "owner"), ("office", "notify")], "leader"),
        # A part's own owner replaces the target's, with its own (here: no) escalation contact.
        ("investment", "source/local", [("treasury", "owner"), ("office", "notify")], None),
        # An owner also listed in notify is told once, as the owner; the target's escalation wins.
        ("jobs", "", [("office", "owner")], "deputy"),
    ],
)
def test_recipients_of_a_series(
    plan: Plan, target_id: str, breakdown: str, told: list[tuple[str, str]], contact: str | None
) -> None:
    owners, escalation = recipients(plan, plan.targets[target_id], breakdown)
    assert owners == [Recipient(department, role) for department, role in told]
    assert escalation == (Recipient(contact, "escalation") if contact else None)


OWNERS = [Recipient("finance", "owner"), Recipient("office", "notify")]
CONTACT = Recipient("leader", "escalation")


@pytest.mark.parametrize(
    ("message", "escalated", "contact", "expected"),
    [
        (MessageKind.FIRING, False, CONTACT, OWNERS),
        (MessageKind.FIRING, True, CONTACT, [*OWNERS, CONTACT]),
        (MessageKind.REPEAT, True, CONTACT, [*OWNERS, CONTACT]),
        (MessageKind.RESOLVED, True, CONTACT, [*OWNERS, CONTACT]),
        (MessageKind.RESOLVED, False, CONTACT, OWNERS),
        (MessageKind.FIRING, True, None, OWNERS),
        # Escalation adds the contact; the owner and the notify departments are still told.
        (MessageKind.ESCALATED, True, CONTACT, [*OWNERS, CONTACT]),
        (MessageKind.ESCALATED, True, None, OWNERS),
    ],
)
def test_who_is_told(
    message: MessageKind, escalated: bool, contact: Recipient | None, expected: list[Recipient]
) -> None:
    assert who_is_told(message, escalated, OWNERS, contact) == expected


# -- what a run stores -------------------------------------------------------------------------


def test_the_run_row_holds_its_date_trigger_and_start(engine: sa.Engine, plan: Plan) -> None:
    result = record_run(engine, plan, [verdict("roads", Status.ON_TRACK)], JULY_10, trigger="cli", now=NOW)
    [row] = _all(engine, EvaluationRun)
    assert (row["id"], row["as_of"], row["trigger"]) == (result.run_id, JULY_10, "cli")
    assert as_utc(row["started_at"]) == NOW
    assert row["finished_at"] is not None


def test_one_evaluation_row_per_series_with_exact_decimal_text(engine: sa.Engine, plan: Plan) -> None:
    evaluations = [
        verdict("investment", Status.BEHIND, reason="short by 7.5%", actual=Decimal("550.125"),
                required=Decimal("594.739726"), gap=Decimal("44.614726"), projected=Decimal("1109.20")),
        verdict("investment", Status.ON_TRACK, breakdown="source/central", reason="meets",
                actual=Decimal("400.000"), gap=Decimal("-3.5")),
        verdict("investment", Status.NO_DATA, breakdown="source/local", period=None, reason="no figure yet"),
        verdict("jobs", Status.OVERDUE, period=None, overdue="2022-Q2", reason="report for 2022-Q2 not received"),
    ]  # fmt: skip
    result = run(engine, plan, evaluations)
    rows = {(r["target_id"], r["breakdown"]): r for r in _all(engine, EvaluationRecord)}
    assert list(rows) == [(e.target_id, e.breakdown) for e in evaluations]
    assert all(r["run_id"] == result.run_id for r in rows.values())
    total = rows[("investment", "")]
    assert (total["status"], total["reason"], total["actual_period"]) == ("behind", "short by 7.5%", "2022-06")
    # The store's one decimal text: exact, without trailing zeros.
    stored = (total["actual"], total["required"], total["gap"], total["projected"])
    assert stored == ("550.125", "594.739726", "44.614726", "1109.2")
    assert (total["gap_points"], total["overdue_period"]) == (None, None)
    central = rows[("investment", "source/central")]
    assert (central["status"], central["actual"], central["gap"]) == ("on_track", "400", "-3.5")
    local = rows[("investment", "source/local")]
    assert (local["status"], local["actual"], local["actual_period"]) == ("no_data", None, None)
    assert (rows[("jobs", "")]["status"], rows[("jobs", "")]["overdue_period"]) == ("overdue", "2022-Q2")


def test_a_behind_series_fires_and_tells_its_owner_and_notified(engine: sa.Engine, plan: Plan) -> None:
    result = run(engine, plan, [verdict("investment", Status.BEHIND, reason="short by 7.5%")])
    [alert] = _all(engine, Alert)  # no overdue alert: nothing was overdue, so nothing to remember
    assert (alert["target_id"], alert["breakdown"], alert["kind"], alert["state"]) == (
        "investment", "", "performance", "firing",
    )  # fmt: skip
    assert (alert["status"], alert["periods_held"], alert["last_period"], alert["escalated"]) == (
        "behind", 1, "2022-06", False,
    )  # fmt: skip
    assert (alert["since"], alert["last_as_of"], alert["last_notified_as_of"]) == (JULY_10, JULY_10, JULY_10)
    [transition] = _all(engine, AlertTransition)
    assert (transition["alert_id"], transition["run_id"], transition["as_of"]) == (alert["id"], result.run_id, JULY_10)
    assert (transition["from_state"], transition["to_state"], transition["escalated"]) == ("inactive", "firing", False)
    assert (transition["status"], transition["reason"]) == ("behind", "behind for 1 period: short by 7.5%")
    notifications = _all(engine, Notification)
    assert {(n["recipient"], n["role"], n["kind"]) for n in notifications} == {
        ("finance", "owner", "firing"),
        ("office", "notify", "firing"),
    }  # not the escalation contact: a behind series is not escalated at first
    assert {(n["alert_id"], n["run_id"], n["transition_id"], n["as_of"], n["state"]) for n in notifications} == {
        (alert["id"], result.run_id, transition["id"], JULY_10, "queued")
    }


def test_critical_is_escalated_at_once_and_its_contact_told(engine: sa.Engine, plan: Plan) -> None:
    run(engine, plan, [verdict("investment", Status.CRITICAL, reason="short by 40%")])
    [alert] = _all(engine, Alert)
    assert (alert["state"], alert["escalated"]) == ("firing", True)
    [transition] = _all(engine, AlertTransition)
    assert (transition["escalated"], transition["reason"]) == (True, "critical for 1 period: short by 40%")
    assert _told(engine) == {
        ("investment", "", "performance", "firing", "finance", "owner"),
        ("investment", "", "performance", "firing", "office", "notify"),
        ("investment", "", "performance", "firing", "leader", "escalation"),
    }


def test_a_part_with_its_own_owner_tells_that_owner(engine: sa.Engine, plan: Plan) -> None:
    run(engine, plan, [verdict("investment", Status.CRITICAL, breakdown="source/local")])
    # The treasury owns the part and has no escalation contact: nobody else hears of it.
    assert _told(engine) == {
        ("investment", "source/local", "performance", "firing", "treasury", "owner"),
        ("investment", "source/local", "performance", "firing", "office", "notify"),
    }


def test_a_department_both_notified_and_escalation_contact_is_told_once(engine: sa.Engine, plan: Plan) -> None:
    run(engine, plan, [verdict("roads", Status.CRITICAL)])
    assert _told(engine) == {
        ("roads", "", "performance", "firing", "finance", "owner"),
        ("roads", "", "performance", "firing", "leader", "notify"),
    }


def test_an_overdue_report_is_an_alert_of_its_own(engine: sa.Engine, plan: Plan) -> None:
    run(engine, plan, [verdict("roads", Status.OVERDUE, period=None, overdue="2022-05")])
    [alert] = _all(engine, Alert)  # no performance alert: no figure, nothing to judge performance on
    assert (alert["kind"], alert["state"], alert["last_period"]) == ("overdue", "firing", "2022-05")
    [transition] = _all(engine, AlertTransition)
    assert (transition["to_state"], transition["reason"]) == ("firing", "report for 2022-05 not received")
    assert _told(engine) == {
        ("roads", "", "overdue", "firing", "finance", "owner"),
        ("roads", "", "overdue", "firing", "leader", "notify"),
    }


def test_recovery_resolves_and_tells_everyone_who_was_told(engine: sa.Engine, plan: Plan) -> None:
    run(engine, plan, [verdict("investment", Status.CRITICAL)])
    august = dt.date(2022, 8, 10)
    resolved = run(engine, plan, [verdict("investment", Status.ON_TRACK, period="2022-07", as_of=august)], august)
    [alert] = _all(engine, Alert)
    assert alert["state"] == "resolved"
    last = _all(engine, AlertTransition)[-1]
    assert (last["run_id"], last["from_state"], last["to_state"]) == (resolved.run_id, "firing", "resolved")
    assert last["reason"] == "back on track (on_track)"
    assert _told(engine, resolved.run_id) == {
        ("investment", "", "performance", "resolved", "finance", "owner"),
        ("investment", "", "performance", "resolved", "office", "notify"),
        ("investment", "", "performance", "resolved", "leader", "escalation"),
    }


def test_a_reminder_after_the_repeat_interval_has_no_transition(engine: sa.Engine, plan: Plan) -> None:
    run(engine, plan, [verdict("roads", Status.BEHIND)])
    week_later = JULY_10 + WEEK
    reminder = run(engine, plan, [verdict("roads", Status.BEHIND, as_of=week_later)], week_later)
    assert reminder.transitions == []
    notifications = [n for n in _all(engine, Notification) if n["run_id"] == reminder.run_id]
    assert {(n["recipient"], n["kind"], n["transition_id"]) for n in notifications} == {
        ("finance", "repeat", None),
        ("leader", "repeat", None),
    }


def _silence(engine: sa.Engine, breakdown: str | None, until: dt.date, removed: bool = False) -> None:
    with engine.begin() as connection:
        connection.execute(
            sa.insert(Silence).values(
                plan=PLAN, target_id="investment", breakdown=breakdown, until=until, reason="chờ số liệu",
                created_by="test", created_at=NOW, removed_by="test" if removed else None,
                removed_at=NOW if removed else None,
            )
        )  # fmt: skip


BOTH = [
    verdict("investment", Status.BEHIND),
    verdict("investment", Status.BEHIND, breakdown="source/central"),
]


@pytest.mark.parametrize(
    ("breakdown", "until", "removed", "still_told"),
    [
        ("source/central", JULY_10, False, {""}),  # the last day of a silence still mutes
        (None, JULY_10 + WEEK, False, set()),  # a silence of the target mutes its parts too
        ("", JULY_10 + WEEK, False, {"source/central"}),
        (None, JULY_10 - dt.timedelta(days=1), False, {"", "source/central"}),  # expired
        (None, JULY_10 + WEEK, True, {"", "source/central"}),  # removed
    ],
)
def test_a_silenced_series_queues_nothing_but_its_alert_still_fires(
    engine: sa.Engine, plan: Plan, breakdown: str | None, until: dt.date, removed: bool, still_told: set[str]
) -> None:
    _silence(engine, breakdown, until, removed)
    result = run(engine, plan, BOTH)
    assert {b: s.value for (_, b, _), s in result.alert_states.items()} == {"": "firing", "source/central": "firing"}
    assert {(t["from_state"], t["to_state"]) for t in _all(engine, AlertTransition)} == {("inactive", "firing")}
    assert len(_all(engine, AlertTransition)) == 2
    assert {b for _, b, *_ in _told(engine)} == still_told
    assert {q.breakdown for q in result.queued} == still_told


def test_the_same_date_twice_neither_counts_a_period_twice_nor_tells_anyone_again(
    engine: sa.Engine, plan: Plan
) -> None:
    """`jobs` fires after two reporting periods behind: a second run on the same figures is no second period."""
    april = dt.date(2022, 4, 20)
    q1 = [verdict("jobs", Status.BEHIND, period="2022-Q1", as_of=april)]
    first = run(engine, plan, q1, april)
    assert [t[:5] for t in first.transitions] == [("jobs", "", "performance", "inactive", "pending")]
    alerts = _all(engine, Alert)
    assert (alerts[0]["state"], alerts[0]["periods_held"]) == ("pending", 1)
    again = run(engine, plan, q1, april)
    assert (again.transitions, again.queued) == ([], [])
    assert _all(engine, Alert) == alerts
    assert len(_all(engine, AlertTransition)) == 1
    assert _all(engine, Notification) == []
    july = dt.date(2022, 7, 20)
    fired = run(engine, plan, [verdict("jobs", Status.BEHIND, period="2022-H1", as_of=july)], july)
    assert [t[3:5] for t in fired.transitions] == [("pending", "firing")]
    assert {(recipient, role) for *_, recipient, role in _told(engine)} == {("office", "owner")}


def test_a_real_evaluation_reaches_the_transition_with_its_reason(engine: sa.Engine, plan: Plan) -> None:
    june = Observation(Period.parse("2022-06"), Decimal(300), Basis.YEAR_TO_DATE)  # a quarter of the way by July
    evaluations = evaluate_plan(plan, {"investment": [june]}, JULY_10)
    result = run(engine, plan, evaluations)
    total = next(e for e in evaluations if (e.target_id, e.breakdown) == ("investment", ""))
    assert total.status == Status.CRITICAL  # 300 where 1200 * 181 / 365 = 595 is due: half of it
    assert len(_all(engine, EvaluationRecord)) == len(evaluations)
    [(*_, reason)] = [t for t in result.transitions if t[:3] == ("investment", "", "performance")]
    assert reason == f"critical for 1 period: {total.reason}"
    assert reason in {t["reason"] for t in _all(engine, AlertTransition)}
    assert {(q.recipient.department, q.recipient.role) for q in result.queued if q.target_id == "investment"} == {
        ("finance", "owner"), ("office", "notify"), ("leader", "escalation"),
    }  # fmt: skip
