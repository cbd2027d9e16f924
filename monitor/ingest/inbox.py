"""The inbox folder: files dropped there are ingested, then moved to processed/ or rejected/.

A file in a department's folder is taken as sent by that department (``inbox/so-khdt/…``), once
it is complete (see `arrivals`). The database commit comes first and the move after, so a
process killed in between finds the file again and the stored hash makes the second pass a
no-op: nothing is lost or stored twice.

A file that cannot be moved where it belongs goes to quarantine/, with why; one that can be
moved nowhere is reported once, left where it is, and not read again while it stays the same
(its move is tried again, quietly, at each look).
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from monitor.ingest.arrivals import (
    ERRORS_SUFFIX,
    PROCESSED,
    QUARANTINE,
    REJECTED,
    Arrival,
    Looks,
    arrivals,
    unchanged,
)
from monitor.ingest.batch import Outcome, Report, ingest_file
from monitor.ingest.limits import DEFAULTS, Limits
from rules import Plan

# A moved file's name leaves room for its report's (.errors.txt, written as .errors.txt.tmp first)
# within the 255 bytes a name may have.
NAME_BYTES = 255 - len(ERRORS_SUFFIX + ".tmp")


def process_inbox(
    engine: sa.Engine,
    plan: Plan,
    inbox: Path,
    *,
    now: dt.datetime | None = None,
    settle: float = 0,
    looks: Looks | None = None,
    limits: Limits = DEFAULTS,
    on_report: Callable[[Report], object] | None = None,
) -> list[Report]:
    """Ingest every complete file in `inbox` (within `limits`) and move it; return what happened to each.

    A file is complete when it is unchanged since a look (in `looks`) at least `settle` seconds
    before `now`; this look is remembered in `looks` for the next.
    """
    now = now or dt.datetime.now(dt.UTC)
    looks = Looks() if looks is None else looks
    reports = []
    for arrival in looks.settled(arrivals(inbox, plan.departments), now, settle):
        held = looks.unmovable.get(arrival.path)
        if held is not None and held[0] == arrival.stamp:  # read already: only its move is owed
            if _move_aside(inbox, arrival.path, held[1], now) is None:
                del looks.unmovable[arrival.path]
            continue
        if not unchanged(arrival):
            continue  # changed or gone since the look: looked at again at the next
        report = _take(engine, plan, arrival, now, limits)
        report.move_problem = _move_aside(inbox, arrival.path, report, now)
        if report.move_problem and report.moved_to is None:
            looks.unmovable[arrival.path] = (arrival.stamp, report)
        reports.append(report)
        if on_report:
            on_report(report)
    return reports


def wait_to_settle(
    inbox: Path,
    looks: Looks,
    settle: float,
    *,
    now: dt.datetime,
    sleep: Callable[[float], object] = time.sleep,
) -> dt.datetime:
    """For a one-shot command: a first look at `inbox` at `now`, then, if any file waits, a wait
    of `settle` seconds. Returns the time of the second look, which takes what stayed the same."""
    found = arrivals(inbox, ())  # which files are there, not which are refused
    looks.settled(found, now, settle)
    if not found or settle <= 0:
        return now
    sleep(settle)
    return now + dt.timedelta(seconds=settle)


def _take(engine: sa.Engine, plan: Plan, arrival: Arrival, now: dt.datetime, limits: Limits) -> Report:
    if arrival.refusal is not None:
        return Report(arrival.path, Outcome.REJECTED, problems=[arrival.refusal])
    department = arrival.department
    return ingest_file(engine, plan, arrival.path, submitter=department, writer=department, now=now, limits=limits)


def _move_aside(inbox: Path, path: Path, report: Report, now: dt.datetime) -> str | None:
    """Move `path` to processed/ or rejected/ (with its report), or else to quarantine/ (with
    why); sets `report.moved_to`. Returns what went wrong, if anything did."""
    if not os.path.lexists(path):
        return None  # gone while it was read: nothing to move
    folder = REJECTED if report.outcome == Outcome.REJECTED else PROCESSED
    lines = [report.summary(), *report.details()]
    try:
        report.moved_to = _move(path, inbox / folder, lines if folder == REJECTED else None, now)
        return None
    except OSError as exc:
        problem = f"cannot be moved to {folder}/: {exc.strerror or exc}"
    try:
        report.moved_to = _move(path, inbox / QUARANTINE, [*lines, f"{path}: {problem}"], now)
        return problem
    except OSError as exc:
        return f"{problem}; nor to {QUARANTINE}/: {exc.strerror or exc}; it stays in the inbox until it can be moved"


def _move(path: Path, folder: Path, report: list[str] | None, now: dt.datetime) -> Path:
    """Move `path` into `folder`, with `report` beside it as a .errors.txt file."""
    if folder.is_symlink():  # never put a file where a link leads
        raise OSError(errno.ELOOP, "it is a link to another place")
    folder.mkdir(exist_ok=True)
    destination = _free_name(folder, path, now)
    written = None
    if report is not None:
        written = destination.with_name(destination.name + ERRORS_SUFFIX)
        _write_atomically(written, "\n".join(report) + "\n")
    try:
        os.replace(path, destination)
    except OSError:
        if written is not None:
            written.unlink(missing_ok=True)
        raise
    return destination


def _free_name(folder: Path, path: Path, now: dt.datetime) -> Path:
    """A free name in `folder` for `path` (and its report): its own, or with a timestamp when a file
    of that name was moved there before; cut short if need be, so that its report's name fits too."""
    stamp = now.strftime("%Y%m%dT%H%M%S%f")
    tries = 0
    while True:
        tag = "" if tries == 0 else f".{stamp}" if tries == 1 else f".{stamp}-{tries}"
        candidate = folder / _fitting(path.stem, tag + path.suffix)
        if not os.path.lexists(candidate) and not os.path.lexists(f"{candidate}{ERRORS_SUFFIX}"):
            return candidate
        tries += 1


def _fitting(stem: str, tail: str) -> str:
    """`stem` + `tail`, the stem cut short until the name fits in `NAME_BYTES`."""
    while stem and len(os.fsencode(stem + tail)) > NAME_BYTES:
        stem = stem[:-1]
    name = stem + tail
    while len(os.fsencode(name)) > NAME_BYTES:  # a tail too long on its own
        name = name[1:]
    return name


def _write_atomically(path: Path, text: str) -> None:
    """Write `path` whole or not at all, and never through a link someone put at its name."""
    partial = path.with_name(path.name + ".tmp")
    partial.unlink(missing_ok=True)
    with partial.open("x", encoding="utf-8", errors="surrogateescape") as out:  # "x": a new file, no link followed
        out.write(text)
    os.replace(partial, path)
