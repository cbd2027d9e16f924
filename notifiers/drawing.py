"""A chart-drawing process: reads pickled (data, title) pairs on standard input, writes the
pictures (PNG bytes, or None and why) pickled on standard output, and ends.

Run as ``python -m notifiers.drawing`` by a program that wants its charts drawn away from its own
memory (matplotlib and NumPy weigh about 40 MB) and on another core. Only that program writes
its input: it is never data from outside.
"""

from __future__ import annotations

import pickle
import sys

from notifiers.digest import ChartData


def draw_chart(data: ChartData, title: str) -> tuple[bytes | None, str]:
    """One chart, or the reason it could not be drawn."""
    from notifiers.chart import render_chart

    try:
        return render_chart(data, title), ""
    except Exception as exc:  # a chart is an aid: the digest goes without it
        return None, f"{type(exc).__name__}: {exc}"[:200]


def main() -> None:
    wanted: list[tuple[ChartData, str]] = pickle.load(sys.stdin.buffer)
    pickle.dump([draw_chart(data, title) for data, title in wanted], sys.stdout.buffer)
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
