"""The inbox folder: files dropped there are ingested, then moved to processed/ or rejected/.

A file in a sub-folder is taken as sent by the department of that name (``inbox/so-khdt/…``),
once it is complete (see `arrivals`). The database commit comes first and the move after, so a
process killed in between finds the file again and the stored hash makes the second pass a
no-op: nothing is lost or stored twice.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from monitor.ingest.arrivals import ERRORS_SUFFIX, PROCESSED, REJECTED, Looks, arrivals
from monitor.ingest.batch import Outcome, Report, ingest_file
from rules import Plan


def process_inbox(
    engine: sa.Engine,
    plan: Plan,
    inbox: Path,
    *,
    now: dt.datetime | None = None,
    settle: float = 0,
    looks: Looks | None = None,
    on_report: Callable[[Report], object] | None = None,
) -> list[Report]:
    """Ingest every complete file in `inbox` and move it; return what happened to each.

    A file is complete when it is unchanged since a look (in `looks`) at least `settle` seconds
    before `now`; this look is remembered in `looks` for the next.
    """
    now = now or dt.datetime.now(dt.UTC)
    looks = Looks() if looks is None else looks
    reports = []
    for arrival in looks.settled(arrivals(inbox), now, settle):
        path = arrival.path
        report = ingest_file(engine, plan, path, submitter=arrival.folder, now=now)
        if report.outcome == Outcome.REJECTED:
            destination = _free_name(inbox / REJECTED / path.name, now)
            _write_atomically(destination.with_name(destination.name + ERRORS_SUFFIX), report)
        else:
            destination = _free_name(inbox / PROCESSED / path.name, now)
        os.replace(path, destination)
        reports.append(report)
        if on_report:
            on_report(report)
    return reports


def wait_to_settle(
    inbox: Path, looks: Looks, settle: float, *, now: dt.datetime, sleep: Callable[[float], object] = time.sleep
) -> dt.datetime:
    """For a one-shot command: a first look at `inbox` at `now`, then, if any file waits, a wait
    of `settle` seconds. Returns the time of the second look, which takes what stayed the same."""
    found = arrivals(inbox)
    looks.settled(found, now, settle)
    if not found or settle <= 0:
        return now
    sleep(settle)
    return now + dt.timedelta(seconds=settle)


def _free_name(path: Path, now: dt.datetime) -> Path:
    """`path`, or the same name with a timestamp when a file of that name was already moved there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%dT%H%M%S%f")
    candidate, tries = path, 0
    while candidate.exists():
        tries += 1
        suffix = f"-{tries}" if tries > 1 else ""
        candidate = path.with_name(f"{path.stem}.{stamp}{suffix}{path.suffix}")
    return candidate


def _write_atomically(path: Path, report: Report) -> None:
    text = "\n".join([report.summary(), *report.details()]) + "\n"
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
