"""A small chart per target: the actual figures against the required trajectory, as PNG bytes."""

from __future__ import annotations

import io

from notifiers.digest import ChartData

WIDTH, HEIGHT, DPI = 5.2, 2.2, 100
COLOURS = 24  # a chart of three colours and anti-aliasing needs no more: a few KiB per email


def _small(png: bytes) -> bytes:
    """The same picture with a small palette, so a digest of many charts stays light."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as picture:
        out = io.BytesIO()
        picture.convert("RGB").quantize(colors=COLOURS).save(out, format="PNG", optimize=True)
        return out.getvalue()


def render_chart(data: ChartData, title: str) -> bytes:
    """PNG of `data`: the required trajectory dashed, the figures as a line with points."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import DateFormatter
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)  # no pyplot: no global state, safe in any thread
    FigureCanvasAgg(figure)
    figure.subplots_adjust(left=0.12, right=0.98, top=0.88, bottom=0.24)  # fixed margins: no costly layout pass
    axes = figure.add_subplot()
    if data.required:
        days, values = zip(*data.required, strict=True)
        axes.plot(days, [float(v) for v in values], linestyle="--", color="#7f8c8d", label="Yêu cầu")
    if data.actual:
        days, values = zip(*data.actual, strict=True)
        axes.plot(days, [float(v) for v in values], marker="o", color="#c0392b", label="Thực hiện")
    axes.set_title(title, fontsize=9, parse_math=False)  # a name is plain text, never a formula
    axes.xaxis.set_major_formatter(DateFormatter("%m/%Y"))  # type: ignore[no-untyped-call]
    axes.tick_params(labelsize=7)
    axes.tick_params(axis="x", labelrotation=30)
    axes.set_ylabel(data.unit, fontsize=7, parse_math=False)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=7, loc="upper left")
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return _small(buffer.getvalue())
