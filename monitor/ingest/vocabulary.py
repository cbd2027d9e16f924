"""The words a data file's cells may hold besides numbers and names: the basis, the status and the
correction mark, as the checker's forms or as departments write them."""

from __future__ import annotations

from typing import Any

from monitor.ingest.problems import Code
from rules import Basis, FigureStatus

BASES: dict[str, str] = {
    "year_to_date": Basis.YEAR_TO_DATE,
    "ytd": Basis.YEAR_TO_DATE,
    "lũy kế": Basis.YEAR_TO_DATE,
    "luỹ kế": Basis.YEAR_TO_DATE,
    "period": Basis.PERIOD,
    "trong kỳ": Basis.PERIOD,
    "level": Basis.LEVEL,
    "thời điểm": Basis.LEVEL,
}
STATUSES = {
    "official": FigureStatus.OFFICIAL, "chính thức": FigureStatus.OFFICIAL,
    "estimate": FigureStatus.ESTIMATE, "ước": FigureStatus.ESTIMATE,
}  # fmt: skip
# A row marked as a correction ("điều chỉnh"): its figure is taken even if it does not fit the
# figures before it (`monitor.ingest.plausible`).
CORRECTIONS = {
    "yes": True, "y": True, "true": True, "1": True, "x": True, "có": True, "điều chỉnh": True,
    "no": False, "n": False, "false": False, "0": False, "không": False,
}  # fmt: skip


def correction_of(cell: Any, fail: Any) -> bool:
    """Whether a row is marked as a correction: yes/có (or a true cell), no/không or empty."""
    if cell is None or cell == "" or isinstance(cell, bool):
        return bool(cell)
    found = CORRECTIONS.get(" ".join(text_of(cell).split()).lower())
    if found is None:
        fail("correction", Code.CORRECTION_UNKNOWN)
        return False
    return found


def note_of(cells: dict[str, Any]) -> str | None:
    note = cells.get("note")
    return str(note) if note not in (None, "") else None


def text_of(cell: Any) -> str:
    if cell is None:
        return ""
    return cell if isinstance(cell, str) else str(cell)
