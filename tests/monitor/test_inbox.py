"""The inbox: files are ingested, then moved; a process killed mid-file loses and duplicates nothing."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

from bench.synthetic import write_plan, write_rows
from monitor.ingest.batch import Outcome
from monitor.ingest.checking import ASIDE_FROM_BYTES
from monitor.ingest.inbox import process_inbox
from monitor.store.figures import figures
from monitor.store.schema import ObservationRecord
from rules import Plan
from tests.conftest import PLAN, ROOT


def test_files_are_ingested_and_moved(engine: sa.Engine, shipped_plan: Plan, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "so-khdt").mkdir(parents=True)
    (inbox / "so-khdt" / "giai-ngan.csv").write_text(
        "target,period,value\npublic-investment-disbursement,2022-03,900\n", encoding="utf-8"
    )
    (inbox / "so-ldtbxh").mkdir()
    (inbox / "so-ldtbxh" / "bad.csv").write_text("target,period,value\nnew-jobs,2022-Q1,many\n", encoding="utf-8")
    (inbox / "so-ldtbxh" / "~$bad.xlsx").write_bytes(b"lock")  # Excel's lock file while someone edits
    (inbox / "so-ldtbxh" / "upload.csv.part").write_text("target,period", encoding="utf-8")

    reports = process_inbox(engine, shipped_plan, inbox)

    assert sorted((r.file.name, r.outcome) for r in reports) == [
        ("bad.csv", Outcome.REJECTED),
        ("giai-ngan.csv", Outcome.INGESTED),
    ]
    assert (inbox / "processed" / "giai-ngan.csv").exists()
    assert (inbox / "rejected" / "bad.csv").exists()
    errors = (inbox / "rejected" / "bad.csv.errors.txt").read_text(encoding="utf-8")
    assert "row 2 value='many': 'many' is not a number" in errors
    assert sorted(p.name for p in inbox.iterdir()) == ["processed", "rejected", "so-khdt", "so-ldtbxh"]
    assert sorted(p.name for p in (inbox / "so-ldtbxh").iterdir()) == ["upload.csv.part", "~$bad.xlsx"]
    [figure] = figures(engine, plan=PLAN)
    assert (figure.submitter, figure.file_name) == ("so-khdt", "giai-ngan.csv")


def test_a_file_sent_again_is_a_no_op_and_keeps_both_copies(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path
) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "so-ldtbxh").mkdir(parents=True)
    text = "target,period,value\nnew-jobs,2022-Q1,8000\n"
    (inbox / "so-ldtbxh" / "jobs.csv").write_text(text, encoding="utf-8")
    process_inbox(engine, shipped_plan, inbox)
    (inbox / "so-ldtbxh" / "jobs.csv").write_text(text, encoding="utf-8")
    [report] = process_inbox(engine, shipped_plan, inbox)
    assert report.outcome == Outcome.ALREADY_INGESTED
    assert len(list((inbox / "processed").iterdir())) == 2
    assert len(figures(engine, history=True, plan=PLAN)) == 1


def test_killed_in_the_middle_of_a_file_stores_nothing_then_recovers(tmp_path: Path) -> None:
    rules = write_plan(tmp_path / "rules", parts=1000)
    data_dir = tmp_path / "var"
    inbox = data_dir / "inbox"
    (inbox / "office").mkdir(parents=True)
    rows = 300_000
    big = write_rows(inbox / "office" / "big.csv", rows, parts=1000)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PLAN_MONITOR_DATA_DIR": str(data_dir),
           "PLAN_MONITOR_TARGETS": str(rules)}  # fmt: skip
    command = [sys.executable, "-m", "monitor", "ingest", "--inbox"]
    size = big.stat().st_size
    assert size >= ASIDE_FROM_BYTES  # checked by a worker process: how far it has read is known
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120  # only a broken test waits that long
    while (_read_by_worker(process.pid, big) or 0) < size // 3:  # well into the rows, however fast the machine
        assert process.poll() is None, "the ingest ended before its worker was seen reading the file"
        assert time.monotonic() < deadline, "the worker was never seen reading the file"
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"
    assert big.exists(), "the file stays in the inbox until it is stored"
    engine = sa.create_engine(f"sqlite:///{data_dir / 'plan-monitor.db'}")
    assert _stored(engine) == 0

    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert f"ingested {rows} rows: {rows} new" in done.stdout
    assert (inbox / "processed" / "big.csv").exists()
    assert _stored(engine) == rows


def _read_by_worker(pid: int, path: Path) -> int | None:
    """How far a child of process `pid` has read `path` (None while none has it open), from Linux's
    /proc, which lists each process's children, its open files and their positions."""
    children = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            children += [int(child) for child in (task / "children").read_text().split()]
    for child in children:
        for descriptor in Path(f"/proc/{child}/fd").glob("*"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                if os.readlink(descriptor) == str(path):
                    info = Path(f"/proc/{child}/fdinfo/{descriptor.name}").read_text()
                    return int(info.split("pos:", 1)[1].split()[0])
    return None


def _stored(engine: sa.Engine) -> int:
    if "observation" not in sa.inspect(engine).get_table_names():
        return 0
    with engine.connect() as connection:
        return int(connection.execute(sa.select(sa.func.count()).select_from(ObservationRecord)).scalar_one())
