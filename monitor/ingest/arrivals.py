"""What has arrived in the inbox, and whether it is complete.

A department's file may still be being copied in when the inbox is looked at. Names that say so
(``.part``, ``.filepart``, ``.tmp``, a trailing ``~``, a leading ``.``, Excel's ``~$`` lock files) are never
taken; any other file is taken only once its size and modification time have stayed the same
across two looks at least `settle` seconds apart. The looks are remembered in memory by the
process that makes them (`Looks`): a process that starts looks twice before it takes anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from monitor.ingest.readers import FORMATS

PROCESSED, REJECTED = "processed", "rejected"
ERRORS_SUFFIX = ".errors.txt"
STILL_WRITTEN_SUFFIXES = (".part", ".filepart", ".tmp", "~")  # .filepart: WinSCP

Stamp = tuple[int, int]  # a file's size and modification time (ns): what changes while it is written


@dataclass(frozen=True)
class Arrival:
    """A file in the inbox, the sub-folder it came in (its sender), and its stamp when seen."""

    path: Path
    folder: str | None
    stamp: Stamp


@dataclass
class Looks:
    """The stamps seen at earlier looks at the inbox, each with the time it was first seen so."""

    seen: dict[Path, tuple[Stamp, dt.datetime]] = field(default_factory=dict)

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
        return ready


def still_written(name: str) -> bool:
    """A name a file has while it is written or edited: partial uploads, hidden files, lock files."""
    return name.startswith((".", "~$")) or name.endswith(STILL_WRITTEN_SUFFIXES)


def arrivals(inbox: Path) -> list[Arrival]:
    """The files waiting in `inbox`, oldest first, each with the sub-folder it came in."""
    found: list[tuple[int, Arrival]] = []
    for entry in inbox.iterdir() if inbox.is_dir() else []:
        if entry.is_dir() and entry.name not in (PROCESSED, REJECTED) and not entry.name.startswith("."):
            found += [(mtime, Arrival(f, entry.name, stamp)) for f in entry.iterdir() for mtime, stamp in _waiting(f)]
        else:
            found += [(mtime, Arrival(entry, None, stamp)) for mtime, stamp in _waiting(entry)]
    found.sort(key=lambda item: (item[0], str(item[1].path)))
    return [arrival for _, arrival in found]


def _waiting(path: Path) -> list[tuple[int, Stamp]]:
    """A data file's modification time and stamp (none for anything else)."""
    if still_written(path.name) or path.suffix.lower() not in FORMATS or not path.is_file():
        return []
    info = path.stat()
    return [(info.st_mtime_ns, (info.st_size, info.st_mtime_ns))]
