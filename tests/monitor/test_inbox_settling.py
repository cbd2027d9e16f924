"""The inbox takes a file only when it is complete: never a name still being written, and only a
file whose size and modification time stayed the same across two looks `settle` seconds apart."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from pydantic import ValidationError

from bench.synthetic import write_plan, write_rows
from monitor.cli import cli
from monitor.ingest.arrivals import Looks
from monitor.ingest.batch import Outcome
from monitor.ingest.inbox import process_inbox, wait_to_settle
from monitor.jobs import Jobs
from monitor.settings import Settings
from monitor.store.database import create_engine, upgrade
from monitor.store.schema import ObservationRecord
from rules import Plan, load_plan

T0 = dt.datetime(2022, 8, 1, 8, 0, tzinfo=dt.UTC)
ROWS = 1_200


def at(seconds: float) -> dt.datetime:
    return T0 + dt.timedelta(seconds=seconds)


@pytest.fixture
def sqlite(tmp_path: Path) -> Iterator[sa.Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'plan-monitor.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def plan(tmp_path: Path) -> Plan:
    return load_plan([write_plan(tmp_path / "rules", parts=10)])


@pytest.fixture
def lines(tmp_path: Path) -> list[str]:
    """A data file of 1,200 rows for the synthetic plan, as lines: the header first."""
    return write_rows(tmp_path / "whole.csv", ROWS, parts=10).read_text(encoding="utf-8").splitlines(keepends=True)


def stored(engine: sa.Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(ObservationRecord)).scalar_one())


def test_a_copy_in_progress_is_taken_only_once_it_has_stayed_the_same(
    sqlite: sa.Engine, plan: Plan, lines: list[str], tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "office").mkdir(parents=True)
    copy = inbox / "office" / "investment.csv"
    copy.write_text("".join(lines[:301]), encoding="utf-8")  # the copy stalls after 300 of 1,200 rows
    looks = Looks()

    assert process_inbox(sqlite, plan, inbox, now=at(0), settle=5, looks=looks) == []  # first seen
    assert process_inbox(sqlite, plan, inbox, now=at(3), settle=5, looks=looks) == []  # the same, not for long
    with copy.open("a", encoding="utf-8") as rest:  # the copy goes on
        rest.write("".join(lines[301:]))
    assert process_inbox(sqlite, plan, inbox, now=at(6), settle=5, looks=looks) == []  # changed since the last look
    assert process_inbox(sqlite, plan, inbox, now=at(10), settle=5, looks=looks) == []
    assert stored(sqlite) == 0
    assert copy.exists()

    [report] = process_inbox(sqlite, plan, inbox, now=at(11), settle=5, looks=looks)  # the same for 5 s

    assert (report.outcome, report.rows) == (Outcome.INGESTED, ROWS)
    assert stored(sqlite) == ROWS
    assert (inbox / "processed" / "investment.csv").exists()
    assert not copy.exists()


def test_a_process_that_starts_takes_nothing_at_its_first_look(
    sqlite: sa.Engine, plan: Plan, lines: list[str], tmp_path: Path
) -> None:
    """The looks are remembered by the process: a new one (a restarted daemon) looks twice too."""
    inbox = tmp_path / "inbox"
    (inbox / "office").mkdir(parents=True)
    (inbox / "office" / "investment.csv").write_text("".join(lines), encoding="utf-8")
    assert process_inbox(sqlite, plan, inbox, now=at(100), settle=5, looks=Looks()) == []
    looks = Looks()
    assert process_inbox(sqlite, plan, inbox, now=at(200), settle=5, looks=looks) == []
    [report] = process_inbox(sqlite, plan, inbox, now=at(205), settle=5, looks=looks)
    assert report.outcome == Outcome.INGESTED


@pytest.mark.parametrize(
    "name",
    ["investment.csv.part", "investment.csv.filepart", "investment.csv.tmp", "investment.csv~", ".investment.csv"],
)
def test_a_name_still_being_written_is_never_taken(
    sqlite: sa.Engine, plan: Plan, lines: list[str], tmp_path: Path, name: str
) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "office").mkdir(parents=True)
    (inbox / "office" / name).write_text("".join(lines), encoding="utf-8")
    looks = Looks()
    for seconds in (0, 60, 3600):
        assert process_inbox(sqlite, plan, inbox, now=at(seconds), settle=5, looks=looks) == []
    assert sorted(p.name for p in (inbox / "office").iterdir()) == [name]
    assert stored(sqlite) == 0


def test_the_one_shot_command_looks_again_after_the_settle_time(
    sqlite: sa.Engine, plan: Plan, lines: list[str], tmp_path: Path
) -> None:
    """`ingest --inbox` looks, waits the settle time, and takes what stayed the same meanwhile."""
    inbox = tmp_path / "inbox"
    (inbox / "office").mkdir(parents=True)
    copy = inbox / "office" / "investment.csv"
    copy.write_text("".join(lines[:301]), encoding="utf-8")
    waits: list[float] = []

    def copy_goes_on(seconds: float) -> None:  # while the command waits, the copy goes on
        waits.append(seconds)
        with copy.open("a", encoding="utf-8") as rest:
            rest.write("".join(lines[301:]))

    looks = Looks()
    now = wait_to_settle(inbox, looks, 5, now=at(0), sleep=copy_goes_on)
    assert (waits, now) == ([5], at(5))
    assert process_inbox(sqlite, plan, inbox, now=now, settle=5, looks=looks) == []
    assert stored(sqlite) == 0

    looks = Looks()
    now = wait_to_settle(inbox, looks, 5, now=at(20), sleep=waits.append)  # nothing changes meanwhile
    [report] = process_inbox(sqlite, plan, inbox, now=now, settle=5, looks=looks)
    assert (report.outcome, report.rows) == (Outcome.INGESTED, ROWS)
    assert waits == [5, 5]


def test_the_one_shot_command_does_not_wait_on_an_empty_inbox(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    waits: list[float] = []
    assert wait_to_settle(tmp_path / "inbox", Looks(), 5, now=at(0), sleep=waits.append) == at(0)
    assert waits == []


def test_ingest_inbox_from_the_command_line_waits_the_settle_setting(
    tmp_path: Path, lines: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rules = write_plan(tmp_path / "rules", parts=10)
    inbox = tmp_path / "var" / "inbox"
    (inbox / "office").mkdir(parents=True)
    (inbox / "office" / "investment.csv").write_text("".join(lines), encoding="utf-8")
    monkeypatch.delenv("PLAN_MONITOR_DATABASE_URL", raising=False)
    monkeypatch.setenv("PLAN_MONITOR_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("PLAN_MONITOR_TARGETS", str(rules))
    monkeypatch.setenv("PLAN_MONITOR_INBOX_SETTLE_SECONDS", "0.1")
    result = CliRunner().invoke(cli, ["ingest", "--inbox"])
    assert result.exit_code == 0, result.output
    assert f"ingested {ROWS} rows" in result.output
    assert (inbox / "processed" / "investment.csv").exists()


def test_the_daemons_polls_remember_what_they_saw(
    sqlite: sa.Engine, plan: Plan, lines: list[str], tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "office").mkdir(parents=True)
    (inbox / "office" / "investment.csv").write_text("".join(lines), encoding="utf-8")
    jobs = Jobs(sqlite, Settings(data_dir=tmp_path, inbox=inbox, inbox_settle_seconds=30), plan)
    assert jobs.poll_inbox(now=at(0)) == 0
    assert jobs.poll_inbox(now=at(29)) == 0
    assert jobs.poll_inbox(now=at(30)) == 1
    assert stored(sqlite) == ROWS


def test_the_settle_time_is_a_setting_of_5_seconds_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLAN_MONITOR_INBOX_SETTLE_SECONDS")
    assert Settings().inbox_settle_seconds == 5
    assert Settings(inbox_settle_seconds=0.5).inbox_settle_seconds == 0.5
    with pytest.raises(ValidationError, match="inbox_settle_seconds"):
        Settings(inbox_settle_seconds=-1)
