"""Checking a big file in a worker process: the same chunks as in this process, and failures told."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from monitor.ingest import checking
from monitor.ingest.batch import Outcome, ingest_file
from monitor.ingest.checking import Checked, CheckingError, checked_chunks
from monitor.ingest.readers import FileError, reading_notes
from monitor.store.figures import StoredFigure, figures
from rules import Plan
from tests.conftest import PLAN, ROOT, TARGETS
from tests.monitor.test_encodings import windows_1258

EXAMPLES = ROOT / "examples" / "2022"


@pytest.fixture
def aside(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file, however small, is checked in a worker process."""
    monkeypatch.setattr(checking, "ASIDE_FROM_BYTES", 0)
    monkeypatch.setattr(checking, "CHUNK", 2)  # several chunks even for a small file


def _all(chunks: Iterator[Checked]) -> Checked:
    whole = Checked()
    for chunk in chunks:
        whole.rows += chunk.rows
        whole.staged += chunk.staged
        whole.errors += chunk.errors
        whole.more_errors += chunk.more_errors
        whole.shapes += chunk.shapes
        whole.notes += chunk.notes
    return whole


def _bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.csv"
    rows = [f"new-jobs,2022-{m:02},{m}000" for m in range(1, 13)]
    rows[4] = "new-jobs,2022-05,abc"
    rows[9] = "no-such-target,2022-10,1"
    path.write_text("target,period,value\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("name", [*sorted(p.name for p in EXAMPLES.iterdir()), "bad"])
def test_the_worker_gives_what_this_process_gives(
    shipped_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    path = _bad_file(tmp_path) if name == "bad" else EXAMPLES / name
    monkeypatch.setattr(checking, "CHUNK", 2)
    here = _all(checked_chunks(shipped_plan, path))
    monkeypatch.setattr(checking, "ASIDE_FROM_BYTES", 0)
    aside = _all(checked_chunks(shipped_plan, path))
    assert aside == here
    assert here.rows > checking.CHUNK  # more than one chunk went through the pipe
    if name == "bad":
        assert [e.row for e in aside.errors] == [6, 11]
        assert aside.staged == [r for r in here.staged if r[-1] < 6]  # nothing staged after a bad row


def test_how_the_worker_read_the_file_comes_with_its_last_chunk(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path, aside: None
) -> None:
    """The notes on how a file was read (its encoding, a title above its header, the unit the title
    states) are those of the worker's own reading of it, sent with its last chunk."""
    path = tmp_path / "thu-ngan-sach.csv"
    months = "".join(f'budget-revenue,Tháng {m}/2022,"{m}.000,0"\n' for m in range(1, 6))
    path.write_bytes(
        windows_1258(f"BÁO CÁO THU NGÂN SÁCH NĂM 2022,,\n(Đơn vị tính: tỷ đồng),,\nChỉ tiêu,Kỳ,Giá trị\n{months}")
    )
    said = ["read as Windows-1258 text", "the header is row 3, under the title", "in tỷ đồng, as the title states"]
    *first, last = checked_chunks(shipped_plan, path)
    assert first  # more than one chunk came through the pipe
    assert [chunk.notes for chunk in first] == [[] for _ in first]
    assert last.notes == said == reading_notes(path)
    assert [note.vietnamese for note in last.notes] == [note.vietnamese for note in reading_notes(path)]
    report = ingest_file(engine, shipped_plan, path)
    assert report.outcome == Outcome.INGESTED, report.errors
    assert report.notes == said
    assert report.summary().endswith("5 new, 0 revised, 0 unchanged; " + "; ".join(said))


def test_a_fresh_interpreter_checks_when_other_threads_run(shipped_plan: Plan, aside: None) -> None:
    """A fork would copy locks other threads hold; with a thread running, the worker is spawned."""
    path = EXAMPLES / "06-so-tai-chinh-thu-ngan-sach.csv"
    forked = _all(checked_chunks(shipped_plan, path))
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert checking._context().get_start_method() == "spawn"
        spawned = _all(checked_chunks(shipped_plan, path))
    finally:
        stop.set()
        other.join()
    assert checking._context().get_start_method() == "fork"
    assert forked.staged
    assert spawned == forked


def test_an_unreadable_file_is_reported_from_the_worker(shipped_plan: Plan, tmp_path: Path, aside: None) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes("target,period,value\nBắc,2022,1\n".encode("cp1258", errors="replace") + b"\xff\n")
    with pytest.raises(FileError, match="not UTF-8 text"):
        _all(checked_chunks(shipped_plan, path))


def test_a_worker_that_dies_is_an_error_not_an_end_of_file(shipped_plan: Plan, tmp_path: Path, aside: None) -> None:
    path = tmp_path / "long.csv"
    path.write_text(
        "target,period,value\n" + "".join(f"new-jobs,2022-{1 + n % 12:02},{n}\n" for n in range(5000)),
        encoding="utf-8",
    )
    chunks = checked_chunks(shipped_plan, path)
    next(chunks)
    [worker] = multiprocessing.active_children()
    worker.kill()
    with pytest.raises(CheckingError, match=r"ended unexpectedly \(exit code -9\)"):
        _all(chunks)


def test_a_worker_whose_reader_is_killed_ends(tmp_path: Path) -> None:
    """Killed with -9, the ingesting process cannot stop its worker; the worker must notice."""
    path = tmp_path / "long.csv"
    path.write_text("target,period,value\n" + "new-jobs,2022-Q1,8000\n" * 100_000, encoding="utf-8")
    script = (
        "import multiprocessing, sys, time\n"
        "from pathlib import Path\n"
        "from monitor.ingest import checking\n"
        "from rules import load_plan\n"
        "checking.ASIDE_FROM_BYTES = 0\n"
        "chunks = checking.checked_chunks(load_plan([Path(sys.argv[1])]), Path(sys.argv[2]))\n"
        "next(chunks)  # the worker goes on, until the pipe is full\n"
        "print(multiprocessing.active_children()[0].pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    reader = subprocess.Popen(
        [sys.executable, "-c", script, str(TARGETS), str(path)],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert reader.stdout is not None
    worker = int(reader.stdout.readline())
    reader.kill()
    reader.wait()
    deadline = time.monotonic() + 120  # an upper bound for a failure: the worker ends as soon as it notices
    while _running(worker) and time.monotonic() < deadline:
        time.sleep(0.1)
    ended = not _running(worker)
    if not ended:
        os.kill(worker, signal.SIGKILL)
    assert ended, "the worker outlived its reader"


def _running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "State:\tZ" not in status  # a zombie has ended; only its parent's wait is missing


def test_a_reader_that_stops_early_ends_the_worker(shipped_plan: Plan, tmp_path: Path, aside: None) -> None:
    path = EXAMPLES / "06-so-tai-chinh-thu-ngan-sach.csv"
    chunks = checked_chunks(shipped_plan, path)
    next(chunks)
    assert multiprocessing.active_children()
    chunks.close()
    assert not multiprocessing.active_children()


def test_ingesting_through_the_worker_stores_the_same(
    engine: sa.Engine, shipped_plan: Plan, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from monitor.store.database import create_engine, upgrade

    reference = create_engine(f"sqlite:///{tmp_path / 'reference.db'}")
    upgrade(reference)
    for path in sorted(EXAMPLES.iterdir()):
        ingest_file(reference, shipped_plan, path)
    monkeypatch.setattr(checking, "ASIDE_FROM_BYTES", 0)
    monkeypatch.setattr(checking, "CHUNK", 2)
    for path in sorted(EXAMPLES.iterdir()):
        report = ingest_file(engine, shipped_plan, path)
        assert report.outcome == Outcome.INGESTED, report.details()
    assert [_stored(f) for f in figures(engine, history=True, plan=PLAN)] == [
        _stored(f) for f in figures(reference, history=True, plan=PLAN)
    ]
    reference.dispose()


def _stored(figure: StoredFigure) -> tuple[object, ...]:
    return tuple(getattr(figure, name) for name in vars(figure) if name not in ("id", "ingestion_id", "received_at"))
