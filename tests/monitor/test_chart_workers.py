"""The chart workers: real `python -m notifiers.drawing` processes, and what a worker whose output
cannot be read leaves behind (its charts to composing, a warning; never an exception)."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from pathlib import Path

import pytest

from monitor.mail.drawing import PER_WORKER, draw_all
from notifiers import ChartData
from rules import SeriesKey

PNG = b"\x89PNG\r\n\x1a\n"


def _wanted(count: int) -> list[tuple[SeriesKey, ChartData, str]]:
    data = ChartData(
        actual=((dt.date(2022, 1, 31), Decimal(100)), (dt.date(2022, 2, 28), Decimal(180))),
        required=((dt.date(2021, 12, 31), Decimal(0)), (dt.date(2022, 12, 31), Decimal(1200))),
        unit="tỷ đồng",
        target=Decimal(1200),
        as_of=dt.date(2022, 3, 15),
    )
    return [(SeriesKey(f"t{n}"), data, f"Chỉ tiêu {n}") for n in range(count)]


def test_two_workers_draw_every_chart_once() -> None:
    wanted = _wanted(PER_WORKER + 1)  # more than one worker's share: two processes
    drawn = draw_all(wanted)
    assert set(drawn) == {series for series, _, _ in wanted}
    assert all(png is not None and png.startswith(PNG) for png in drawn.values())


def test_a_worker_that_writes_what_it_should_not_is_a_failed_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Something in the worker's start-up prints to its standard output before the pictures:
    the output is unreadable, its share is left out (composing draws those) and a warning logged."""
    (tmp_path / "sitecustomize.py").write_text("import sys\nsys.stdout.write('Biểu đồ\\n')\n", encoding="utf-8")
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    with caplog.at_level(logging.WARNING):
        drawn = draw_all(_wanted(2))
    assert drawn == {}
    [failed] = [r.getMessage() for r in caplog.records if "event=chart.worker-failed" in r.getMessage()]
    # The worker itself ended well (its start-up only printed): its own status, 0, is the one told.
    assert failed.startswith("event=chart.worker-failed status=0 error=")
    assert "unreadable output" in failed


def test_a_library_printing_while_drawing_does_not_spoil_the_pictures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the worker runs, whatever else is written to its standard output goes to its standard
    error: here every chart drawn also prints a line."""
    (tmp_path / "sitecustomize.py").write_text(
        "import sys\n"
        "import notifiers.chart as chart\n"
        "drawn = chart.render_chart\n"
        "def render_chart(*args, **kwargs):\n"
        "    print('Đang vẽ biểu đồ')\n"
        "    sys.stdout.flush()\n"
        "    return drawn(*args, **kwargs)\n"
        "chart.render_chart = render_chart\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    drawn = draw_all(_wanted(2))
    assert set(drawn) == {SeriesKey("t0"), SeriesKey("t1")}
    assert all(png is not None and png.startswith(PNG) for png in drawn.values())
