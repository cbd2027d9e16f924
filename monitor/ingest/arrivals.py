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
import os
import stat
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from monitor.ingest.batch import Report, readable_name
from monitor.ingest.problems import Code, Problem, problem
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
    refusal: Problem | None = None


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

    No link is followed: a department folder or a file that is a symbolic link is an arrival
    refused as such, and what it leads to is never looked at. A file or folder that vanishes or
    cannot be looked at while the inbox is listed is passed over: it is found again, or not, at
    the next look.
    """
    where = f"put the file in inbox/<department-id>/, where <department-id> is one of: {', '.join(sorted(departments))}"
    found: list[Arrival] = []
    for entry, info in _entries(inbox):
        name = entry.name
        if name in (PROCESSED, REJECTED, QUARANTINE) or still_written(name):
            continue
        if stat.S_ISLNK(info.st_mode):
            refusal = (
                problem(Code.INBOX_FOLDER_LINK, folder=quoted(name), name=name)
                if name in departments
                else problem(Code.INBOX_LINK, folder=quoted(name), where=where)
            )
            found.append(_arrival(entry, info, None, refusal))
        elif not stat.S_ISDIR(info.st_mode):
            found.append(_arrival(entry, info, None, problem(Code.INBOX_NO_SENDER, where=where)))
        else:
            folder = None
            if name not in departments:
                folder = problem(Code.INBOX_NOT_DEPARTMENT, folder=quoted(name), where=where)
            for path, inner in _entries(entry):
                if not still_written(path.name) and not stat.S_ISDIR(inner.st_mode):
                    department = name if folder is None else None
                    found.append(_arrival(path, inner, department, folder or _refusal(path, inner)))
    return sorted(found, key=lambda arrival: (arrival.stamp[1], str(arrival.path)))


def _entries(folder: Path) -> list[tuple[Path, os.stat_result]]:
    """What `folder` holds, each with its own status (a link's, not its target's)."""
    found = []
    try:
        with os.scandir(folder) as listing:
            for entry in listing:
                try:
                    found.append((Path(entry.path), entry.stat(follow_symlinks=False)))
                except OSError:
                    continue
    except OSError:
        return []
    return found


def _arrival(path: Path, info: os.stat_result, department: str | None, refusal: Problem | None) -> Arrival:
    return Arrival(path, department, (info.st_size, info.st_mtime_ns), refusal)


def _refusal(path: Path, info: os.stat_result) -> Problem | None:
    """Why a file in a department's folder is refused without being read, if it is."""
    if stat.S_ISLNK(info.st_mode):
        return problem(Code.INBOX_FILE_LINK)
    if not stat.S_ISREG(info.st_mode):
        return problem(Code.INBOX_NOT_FILE)
    if not readable_name(path.name):
        return problem(Code.INBOX_FILE_NAME)
    return None


def unchanged(arrival: Arrival) -> bool:
    """Whether an arrival is still as it was seen (a file to read still a regular file, and not a
    link put in its place since): checked again just before it is read."""
    try:
        info = os.lstat(arrival.path)
    except OSError:
        return False
    if arrival.refusal is None and not stat.S_ISREG(info.st_mode):
        return False
    return (info.st_size, info.st_mtime_ns) == arrival.stamp
