"""A small chart per target: the actual figures against the required trajectory, as PNG bytes."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from notifiers.digest import ChartData, TrajectoryChart

WIDTH, HEIGHT, DPI = 5.2, 2.4, 200  # 1040 x 480 pixels: sharp at twice the 520 px it is shown at
COLOURS = 24  # a chart of three colours and anti-aliasing needs no more: a few KiB per email


def _small(canvas: Any) -> bytes:
    """The drawn picture as a PNG of a small palette, so a digest of many charts stays light;
    taken from the canvas's pixels, not encoded twice."""
    from PIL import Image

    width, height = canvas.get_width_height()
    picture = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    out = io.BytesIO()
    picture.convert("RGB").quantize(colors=COLOURS).save(out, format="PNG", optimize=True)
    return out.getvalue()


def _required_and_actual(axes: Any, data: ChartData) -> None:
    """The two lines every chart has: the required trajectory dashed, the figures with points."""
    if data.required:
        days, values = zip(*data.required, strict=True)
        axes.plot(days, [float(v) for v in values], linestyle="--", color="#7f8c8d", label="Yêu cầu")
    if data.actual:
        days, values = zip(*data.actual, strict=True)
        axes.plot(days, [float(v) for v in values], marker="o", color="#c0392b", label="Thực hiện")


def render_chart(data: ChartData, title: str) -> bytes:
    """PNG of `data`: the required trajectory dashed, the figures as a line with points."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import DateFormatter
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)  # no pyplot: no global state, safe in any thread
    canvas = FigureCanvasAgg(figure)
    figure.subplots_adjust(left=0.12, right=0.98, top=0.88, bottom=0.24)  # fixed margins: no costly layout pass
    axes = figure.add_subplot()
    _required_and_actual(axes, data)
    if data.target is not None:
        axes.axhline(float(data.target), color="#2c3e50", linewidth=0.8, label="Kế hoạch năm")
    for day, colour, name in ((data.as_of, "#2980b9", "Ngày đánh giá"), (data.deadline, "#8e44ad", "Hạn")):
        if day is not None:
            axes.axvline(day, color=colour, linestyle=":", linewidth=1, label=name)  # type: ignore[arg-type]
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _: _vietnamese(value)))
    axes.set_title(title, fontsize=9, parse_math=False)  # a name is plain text, never a formula
    axes.xaxis.set_major_formatter(DateFormatter("%m/%Y"))  # type: ignore[no-untyped-call]
    axes.tick_params(labelsize=7)
    axes.tick_params(axis="x", labelrotation=30)
    axes.set_ylabel(data.unit, fontsize=7, parse_math=False)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=6, loc="upper left")
    canvas.draw()  # type: ignore[no-untyped-call]
    return _small(canvas)


def _vietnamese(value: float) -> str:
    """An axis number as Vietnamese officials write it: 6.000, 2,5."""
    from notifiers.formatting import rounded

    return rounded(Decimal(str(float(value))), 2)


PART_COLOURS = ("#2471a3", "#7d3c98", "#d68910", "#17a589", "#566573", "#a04000")


def render_trajectory_svg(chart: TrajectoryChart, title: str) -> str:
    """SVG of a target's page chart: required (dashed), actual (points), projection (dotted),
    milestones (diamonds), the year's target (a level line), the deadline (a vertical line), and
    each breakdown part's figures and requirement in a colour of its own. Scales to its box."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.dates import DateFormatter
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, 3.6), dpi=100)
    FigureCanvasSVG(figure)
    figure.subplots_adjust(left=0.09, right=0.98, top=0.9, bottom=0.2)
    axes = figure.add_subplot()
    main = chart.main
    _required_and_actual(axes, main)
    if chart.projection:
        days, values = zip(*chart.projection, strict=True)
        axes.plot(days, [float(v) for v in values], linestyle=":", color="#c0392b", label="Dự báo")
    if chart.milestones:
        days, values = zip(*chart.milestones, strict=True)
        axes.plot(days, [float(v) for v in values], linestyle="none", marker="D", color="#1e8449", label="Mốc")
    if chart.target is not None:
        axes.axhline(float(chart.target), color="#1e8449", linewidth=0.8, label="Kế hoạch năm")
    axes.axvline(chart.deadline, color="#34495e", linewidth=0.8, linestyle="-.", label="Hạn cuối")  # type: ignore[arg-type]
    for n, (name, part) in enumerate(chart.parts):
        colour = PART_COLOURS[n % len(PART_COLOURS)]
        if part.actual:
            days, values = zip(*part.actual, strict=True)
            axes.plot(days, [float(v) for v in values], marker=".", color=colour, label=name[:40])
        if part.required:
            days, values = zip(*part.required, strict=True)
            axes.plot(days, [float(v) for v in values], linestyle="--", linewidth=0.7, color=colour)
    axes.set_title(title, fontsize=10, parse_math=False)
    axes.xaxis.set_major_formatter(DateFormatter("%m/%Y"))  # type: ignore[no-untyped-call]
    axes.tick_params(labelsize=8)
    axes.set_ylabel(main.unit, fontsize=8, parse_math=False)
    axes.grid(alpha=0.3)
    axes.legend(fontsize=7, loc="upper left", ncols=2)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return buffer.getvalue()
