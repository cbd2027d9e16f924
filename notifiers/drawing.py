"""A chart-drawing process: reads pickled (data, title) pairs on standard input, writes the
pictures (PNG bytes, or None and why) pickled on standard output, and ends.

Run as ``python -m notifiers.drawing`` by a program that wants its charts drawn away from its own
memory (matplotlib and NumPy weigh about 40 MB) and on another core. Only that program writes
its input: it is never data from outside.
"""

from __future__ import annotations

import os
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
    # The pictures go out on the standard output alone: anything else written there while drawing
    # (a library's print or warning) goes to the standard error instead.
    pictures = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    wanted: list[tuple[ChartData, str]] = pickle.load(sys.stdin.buffer)
    with pictures:
        pickle.dump([draw_chart(data, title) for data, title in wanted], pictures)


if __name__ == "__main__":
    main()
