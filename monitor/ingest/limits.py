"""How much of a data file is read: its size, a workbook's unpacked size, rows, a cell's length.

A department's file is read by a program that never asked for it: a file far bigger than any
report, a workbook that unpacks a few kilobytes into gigabytes (a "zip bomb"), or a cell of
millions of characters is refused before it costs memory or time. Each limit is a setting
(`monitor.settings`); the defaults are far above any real report.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import zipfile

# The settings import this module for its defaults: the messages' number formatting (Babel, in
# `notifiers`) is imported by the messages themselves, when a file is refused.

MB = 1 << 20
RATIO_FROM_BYTES = 1 * MB  # smaller members may compress as well as they like: they cost nothing
MAX_MEMBERS = 10_000  # a workbook has a few dozen parts

FILE_MB, UNZIPPED_MB, ZIP_RATIO, ROWS, CELL_CHARS = 100, 500, 100, 2_000_000, 2_000  # the defaults


@dataclass(frozen=True)
class Limits:
    """The limits a data file is read within."""

    file_bytes: int = FILE_MB * MB
    unzipped_bytes: int = UNZIPPED_MB * MB  # of all of a workbook's parts, unpacked
    zip_ratio: float = ZIP_RATIO  # of a workbook part's unpacked size to its packed size
    rows: int = ROWS
    cell_chars: int = CELL_CHARS

    def size_problem(self, path: Path) -> str | None:
        """Why `path` is too big to read, if it is. Messages name the setting that raises the limit."""
        size = path.stat().st_size
        if size <= self.file_bytes:
            return None
        return (
            f"the file is {shown_size(size)}; files of at most {shown_size(self.file_bytes)} are taken "
            "(setting max_file_mb): split it into smaller files"
        )

    def workbook_problem(self, archive: zipfile.ZipFile) -> str | None:
        """Why a workbook's parts would unpack to too much, if they would: found before any is unpacked."""
        from notifiers import formatting

        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            return f"a workbook of {formatting.number(len(members))} parts; a real one has a few dozen"
        unpacked = 0
        for member in members:
            unpacked += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > RATIO_FROM_BYTES and ratio > self.zip_ratio:
                return (
                    f"the workbook's part {member.filename!r} unpacks {formatting.number(int(ratio))} times its size "
                    f"(to {shown_size(member.file_size)}); at most {formatting.number(Decimal(str(self.zip_ratio)))} "
                    "times is taken (setting max_zip_ratio): not a workbook a spreadsheet program writes"
                )
        if unpacked > self.unzipped_bytes:
            return (
                f"the workbook unpacks to {shown_size(unpacked)}; at most {shown_size(self.unzipped_bytes)} "
                "is taken (setting max_unzipped_mb): split it into smaller files"
            )
        return None

    def too_many_rows(self) -> str:
        from notifiers import formatting

        rows = formatting.number(self.rows)
        return f"more than {rows} rows; at most that many are taken (setting max_rows): split the file"

    def too_long(self) -> str:
        from notifiers import formatting

        return (
            f"a cell longer than {formatting.number(self.cell_chars)} characters; a cell holds one figure "
            "or a short note (setting max_cell_chars)"
        )


DEFAULTS = Limits()


def shown_size(size: int) -> str:
    """A file size as a person reads it: ``12,5 MB``, or bytes under a megabyte."""
    from notifiers import formatting

    if size < MB:
        return f"{formatting.number(size)} bytes"
    return f"{formatting.rounded(Decimal(size) / MB, 1)} MB"
