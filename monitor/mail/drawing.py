"""Drawing a run's charts before its write transaction, in worker processes.

A chart costs tens of milliseconds of matplotlib; drawn inside the run's transaction they held the
database's write lock for minutes on a big plan, and they loaded matplotlib and NumPy (about 40 MB)
into the daemon for good. Here the charts a run's digests will carry are drawn first, outside any
transaction, by short-lived processes (`python -m notifiers.drawing`, two at a time for many
charts) that end with the drawing. Composing then finds them drawn; one it did not expect (the
alerts changed in between, or a worker failed) it draws itself.
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import IO

import notifiers
from monitor.logs import event
from notifiers import ChartData
from rules import SeriesKey

Drawn = dict[SeriesKey, bytes | None]
"""Each series' chart as PNG bytes, or None when it could not be drawn (the digest goes without)."""

PER_WORKER = 24  # charts that are worth a second process's start-up (about half a second)


def draw(data: ChartData, title: str) -> tuple[bytes | None, str]:
    """One chart drawn here, in this process, or the reason it could not be drawn."""
    return notifiers.draw_chart(data, title)


def draw_all(wanted: Sequence[tuple[SeriesKey, ChartData, str]]) -> Drawn:
    """The charts of `wanted` (series, data, title), drawn in worker processes; failures logged.
    A worker that fails leaves its series out (composing draws them)."""
    if not wanted:
        return {}
    with ExitStack() as files:  # each worker's standard error: a file, not a pipe it could wait on
        errors = [files.enter_context(tempfile.TemporaryFile()) for _ in range(_workers(len(wanted)))]
        return _draw(wanted, errors)


def _workers(charts: int) -> int:
    return max(1, min(2, os.cpu_count() or 1, -(-charts // PER_WORKER)))


def _draw(wanted: Sequence[tuple[SeriesKey, ChartData, str]], errors: Sequence[IO[bytes]]) -> Drawn:
    count = len(errors)
    shares = [list(wanted[k::count]) for k in range(count)]
    env = os.environ | {"PYTHONPATH": os.pathsep.join(filter(None, [_root(), os.environ.get("PYTHONPATH")]))}
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "notifiers.drawing"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors[k],
            env=env,
        )
        for k in range(len(shares))
    ]
    for worker, share in zip(workers, shares, strict=True):
        assert worker.stdin is not None
        try:
            pickle.dump([(data, title) for _, data, title in share], worker.stdin)
            worker.stdin.close()
        except OSError:
            pass  # it died at start: said below
    drawn: Drawn = {}
    for worker, share, err in zip(workers, shares, errors, strict=True):
        assert worker.stdout is not None
        out = worker.stdout.read()
        worker.wait()
        err.seek(0)
        said = err.read().decode(errors="replace").strip()[-200:]
        if worker.returncode != 0:
            event("chart.worker-failed", logging.WARNING, status=worker.returncode, error=said)
            continue
        try:
            pictures: list[tuple[bytes | None, str]] = pickle.loads(out)
            if len(pictures) != len(share):
                raise ValueError(f"{len(pictures)} charts for {len(share)}")
        except Exception as exc:  # output it did not mean to write: its share is left to composing
            error = f"unreadable output ({exc})"[:200]
            event("chart.worker-failed", logging.WARNING, status=worker.returncode, error=error)
            continue
        for (series, _, _), (png, error) in zip(share, pictures, strict=True):
            drawn[series] = png
            if png is None:
                failed(series, error)
    return drawn


def failed(series: SeriesKey, error: str) -> None:
    event("chart.failed", logging.WARNING, target=series.target_id, breakdown=series.breakdown, error=error)


def _root() -> str:
    """The folder that holds the notifiers package, for a worker started from anywhere."""
    return str(Path(notifiers.__file__).resolve().parent.parent)
