"""The inbox folder: files dropped there are ingested, then moved to processed/ or rejected/.

A file in a sub-folder is taken as sent by the department of that name (``inbox/so-khdt/…``).
The database commit comes first and the move after, so a process killed in between finds the
file again and the stored hash makes the second pass a no-op: nothing is lost or stored twice.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlalchemy as sa

from monitor.ingest.batch import Outcome, Report, ingest_file
from monitor.ingest.readers import FORMATS
from rules import Plan

PROCESSED, REJECTED = "processed", "rejected"
ERRORS_SUFFIX = ".errors.txt"


def pending_files(inbox: Path) -> Iterator[tuple[Path, str | None]]:
    """The files waiting in `inbox`, oldest first, each with the sub-folder it came in (the submitter)."""
    found: list[tuple[float, Path, str | None]] = []
    for entry in inbox.iterdir() if inbox.is_dir() else []:
        if entry.is_dir() and entry.name not in (PROCESSED, REJECTED) and not entry.name.startswith("."):
            found += [(f.stat().st_mtime, f, entry.name) for f in entry.iterdir() if _waiting(f)]
        elif _waiting(entry):
            found.append((entry.stat().st_mtime, entry, None))
    for _, path, submitter in sorted(found, key=lambda item: (item[0], str(item[1]))):
        yield path, submitter


def _waiting(path: Path) -> bool:
    """A finished data file: not hidden, not an Excel lock file, not a partial upload, not a report."""
    name = path.name
    return (
        path.is_file()
        and not name.startswith((".", "~$"))
        and not name.endswith((".tmp", ".part", ERRORS_SUFFIX))
        and path.suffix.lower() in FORMATS
    )


def process_inbox(
    engine: sa.Engine,
    plan: Plan,
    inbox: Path,
    *,
    now: dt.datetime | None = None,
    on_report: Callable[[Report], object] | None = None,
) -> list[Report]:
    """Ingest every waiting file in `inbox` and move it; return what happened to each."""
    reports = []
    for path, submitter in list(pending_files(inbox)):
        report = ingest_file(engine, plan, path, submitter=submitter, now=now)
        if report.outcome == Outcome.REJECTED:
            destination = _free_name(inbox / REJECTED / path.name)
            _write_atomically(destination.with_name(destination.name + ERRORS_SUFFIX), report)
        else:
            destination = _free_name(inbox / PROCESSED / path.name)
        os.replace(path, destination)
        reports.append(report)
        if on_report:
            on_report(report)
    return reports


def _free_name(path: Path) -> Path:
    """`path`, or the same name with a timestamp when a file of that name was already moved there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        return path
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    return path.with_name(f"{path.stem}.{stamp}{path.suffix}")


def _write_atomically(path: Path, report: Report) -> None:
    text = "\n".join([report.summary(), *report.details()]) + "\n"
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
