"""Real daemons sharing three plans on a real PostgreSQL store: a second daemon takes its share, one
that is killed hands its plans to the other, every plan is still evaluated, nothing is sent twice."""

from __future__ import annotations

import re
import shutil
import signal
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import col

from monitor.store.database import create_engine, upgrade
from monitor.store.schema import EvaluationRun, OutboxMessage
from tests.conftest import TARGETS, empty_postgresql
from tests.monitor.daemons import DISBURSEMENT, Daemon, environment, wait_until
from tests.monitor.test_planning import _fill as fill_values
from tests.notifiers.smtp import Mailbox

PLANS = ("bac-giang-2022", "bac-giang-2023", "lang-son-2022")
REVENUE_2023 = 'chỉ tiêu,kỳ,giá trị,đơn vị\nbudget-revenue,2023-06,"3.000,0",tỷ đồng\n'


@pytest.fixture
def three_plans(home: Path) -> Path:
    """A folder of three plan folders: Bắc Giang 2022 and 2023, and another province's 2022 plan."""
    folder = home / "plans"
    shutil.copytree(TARGETS, folder / "bac-giang-2022")
    shutil.copytree(TARGETS, folder / "lang-son-2022")
    header = folder / "lang-son-2022" / "plan.yaml"
    header.write_text(header.read_text(encoding="utf-8").replace("province: Bắc Giang", "province: Lạng Sơn"),
                      encoding="utf-8")  # fmt: skip
    from click.testing import CliRunner

    from monitor.cli import cli

    made = CliRunner().invoke(
        cli, ["plan", "new", "--from", str(folder / "bac-giang-2022"), "--year", "2023", "--to", str(folder / "2023")]
    )
    assert made.exit_code == 0, made.output
    fill_values(folder / "2023", folder / "bac-giang-2022")
    return folder


def _drop(home: Path, plan: str, department: str, name: str, data: bytes) -> None:
    """A department's file in the plan's inbox folder, written aside, then moved in."""
    folder = home / "var" / "inbox" / plan / department
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f"{name}.part"
    partial.write_bytes(data)
    partial.rename(folder / name)


def _drop_round(home: Path, month: int) -> None:
    """A file for each plan: the disbursement for the two 2022 plans in July, budget revenue otherwise."""
    for plan in ("bac-giang-2022", "lang-son-2022"):
        if month == 7:
            _drop(home, plan, "so-khdt", "giai-ngan-7.xlsx", DISBURSEMENT.read_bytes())
        else:
            revenue = REVENUE_2023.replace("2023-06", f"2022-{month:02}").replace('"3.000,0"', f"{8000 + month}")
            _drop(home, plan, "so-tai-chinh", f"thu-{month}.csv", revenue.encode())
    revenue = REVENUE_2023.replace("2023-06", f"2023-{month:02}").replace('"3.000,0"', f"{3000 + month}")
    _drop(home, "bac-giang-2023", "so-tai-chinh", f"thu-{month}.csv", revenue.encode())


def _runs(engine: sa.Engine) -> Counter[str]:
    with engine.connect() as connection:
        return Counter(connection.execute(sa.select(col(EvaluationRun.plan))).scalars())


def _outbox(engine: sa.Engine) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(sa.select(col(OutboxMessage.message_id), col(OutboxMessage.state))).all()
    return [(r.message_id, r.state) for r in rows]


def _all_sent(engine: sa.Engine) -> bool:
    states = {state for _, state in _outbox(engine)}
    return states == {"sent"}


def _plans_of(daemon: Daemon) -> set[str]:
    """The plans a daemon said it runs, last."""
    said = re.findall(r"event=daemon\.(?:active|takeover|shared)\b[^\n]*?plans=(\S+)", daemon.text())
    return set(said[-1].split(",")) - {"none"} if said else set()


def test_two_daemons_share_three_plans_and_one_killed_hands_its_plans_over(
    home: Path, three_plans: Path, smtp: tuple[Mailbox, int]
) -> None:
    mailbox, port = smtp
    url = empty_postgresql()
    engine = create_engine(url)
    upgrade(engine)
    env = environment(home, port, database_url=url, targets=str(three_plans))
    first = Daemon(env, home / "a.log")
    first.wait_for(r"event=daemon\.active [^\n]*plans=bac-giang-2022,bac-giang-2023,lang-son-2022")
    second = Daemon(env, home / "b.log")
    # Adding a daemon spreads the work: the first hands one plan over, the second takes it.
    wait_until(lambda: len(_plans_of(second)) == 1 and len(_plans_of(first)) == 2)
    assert _plans_of(first) | _plans_of(second) == set(PLANS)
    assert not _plans_of(first) & _plans_of(second)

    _drop_round(home, 7)
    wait_until(lambda: set(_runs(engine)) == set(PLANS) and _all_sent(engine))
    before_kill = _runs(engine)
    for daemon, plans in ((first, _plans_of(first)), (second, _plans_of(second))):
        ingested = re.findall(r"event=file\.ingested file=(\S+)", daemon.text())
        assert {Path(f).parent.parent.name for f in ingested} <= plans  # each took only its plans' files

    # The first goes, without a word: the second takes its plans over and evaluates all three.
    first.stop(signal.SIGKILL)
    wait_until(lambda: _plans_of(second) == set(PLANS))
    _drop_round(home, 8)
    wait_until(lambda: all(_runs(engine)[p] > before_kill[p] for p in PLANS) and _all_sent(engine))
    taken = re.findall(r"event=file\.ingested file=(\S+)", second.text())
    assert {Path(f).parent.parent.name for f in taken if f.endswith("thu-8.csv")} == set(PLANS)
    expected = [message_id for message_id, _ in _outbox(engine)]
    received = Counter(str(m["Message-ID"]) for m in mailbox.messages())
    assert set(expected) <= set(received)  # nothing lost
    assert sum(n - 1 for n in received.values()) <= 1  # nothing twice, but the one in flight when killed
    assert "Traceback" not in first.text() + second.text()
    assert second.stop() == 0
    engine.dispose()
