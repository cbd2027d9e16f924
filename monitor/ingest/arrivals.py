"""What has arrived in the inbox, whether it is complete, and whether the inbox may take it.

A department's file may still be being copied in when the inbox is looked at. Names that say so
(``.part``, ``.filepart``, ``.tmp``, a trailing ``~``, a leading ``.``, Excel's ``~$`` lock
files) are never taken; any other file is taken only once its size and modification time have
stayed the same across two looks at least `settle` seconds apart. The looks are remembered in
memory by the process that makes them (`Looks`): a process that starts looks twice before it
takes anything.

A file is taken only from a folder named after a department: ``inbox/<department-id>/``. A file
elsewhere (at the top of the inbox, in a folder that is no department's) is refused without
being read, with a reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from monitor.ingest.batch import Report
from monitor.ingest.shown import quoted

PROCESSED, REJECTED, QUARANTINE = "processed", "rejected", "quarantine"
ERRORS_SUFFIX = ".errors.txt"
STILL_WRITTEN_SUFFIXES = (".part", ".filepart", ".tmp", "~")  # .filepart: WinSCP

Stamp = tuple[int, int]  # a file's size and modification time (ns): what changes while it is written


@dataclass(frozen=True)
class Arrival:
    """A file in the inbox, the department whose folder it came in, its stamp when seen, and why
    the inbox refuses it without reading it (None: it is read)."""

    path: Path
    department: str | None
    stamp: Stamp
    refusal: str | None = None


@dataclass
class Looks:
    """The stamps seen at earlier looks at the inbox, each with the time it was first seen so; and
    the files that could be moved nowhere, each with its stamp then and what became of it."""

    seen: dict[Path, tuple[Stamp, dt.datetime]] = field(default_factory=dict)
    unmovable: dict[Path, tuple[Stamp, Report]] = field(default_factory=dict)

    def settled(self, found: list[Arrival], now: dt.datetime, settle: float) -> list[Arrival]:
        """Those of `found` unchanged since a look at least `settle` seconds before `now`.

        This look is remembered; a file gone since is forgotten.
        """
        seen: dict[Path, tuple[Stamp, dt.datetime]] = {}
        ready = []
        for arrival in found:
            before = self.seen.get(arrival.path)
            since = before[1] if before is not None and before[0] == arrival.stamp else now
            seen[arrival.path] = (arrival.stamp, since)
            if (now - since).total_seconds() >= settle:
                ready.append(arrival)
        self.seen = seen
        self.unmovable = {path: held for path, held in self.unmovable.items() if path in seen}
        return ready


def still_written(name: str) -> bool:
    """A name a file has while it is written or edited: partial uploads, hidden files, lock files."""
    return name.startswith((".", "~$")) or name.endswith(STILL_WRITTEN_SUFFIXES)


def arrivals(inbox: Path, departments: Collection[str]) -> list[Arrival]:
    """The files waiting in `inbox`, oldest first, each with its department or why it is refused.

    A file or folder that vanishes or cannot be looked at while the inbox is listed is passed
    over: it is found again, or not, at the next look.
    """
    where = f"put the file in inbox/<department-id>/, where <department-id> is one of: {', '.join(sorted(departments))}"
    found: list[tuple[int, Arrival]] = []
    for entry in _entries(inbox):
        if entry.name in (PROCESSED, REJECTED, QUARANTINE) or entry.name.startswith("."):
            continue
        if not _is_dir(entry):
            found += _waiting(entry, None, f"a file at the top of the inbox has no sender; {where}")
        elif entry.name in departments:
            for path in _entries(entry):
                found += _waiting(path, entry.name, None)
        else:
            refusal = f"the folder {quoted(entry.name)} is not a department's folder; {where}"
            for path in _entries(entry):
                found += _waiting(path, None, refusal)
    found.sort(key=lambda item: (item[0], str(item[1].path)))
    return [arrival for _, arrival in found]


def _entries(folder: Path) -> list[Path]:
    try:
        return list(folder.iterdir())
    except OSError:
        return []


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def _waiting(path: Path, department: str | None, refusal: str | None) -> list[tuple[int, Arrival]]:
    """A file's modification time and arrival, unless it is still being written. A file that is
    no data file is an arrival too: it is refused (by its type) rather than left for ever."""
    if still_written(path.name):
        return []
    try:
        if not path.is_file():
            return []
        info = path.stat()
    except OSError:
        return []
    if refusal is None and not _readable_name(path.name):
        refusal = "the file name is not UTF-8 text; rename the file (letters, digits, '-', '.')"
    return [(info.st_mtime_ns, Arrival(path, department, (info.st_size, info.st_mtime_ns), refusal))]


def _readable_name(name: str) -> bool:
    """Whether a name is text: a name of bytes that are not UTF-8 holds surrogates here."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
