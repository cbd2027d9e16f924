"""The source document the plan cites, and the check that each quote stands where it says."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path


def _words(text: str) -> str:
    return " ".join(text.split())


@dataclass(frozen=True)
class SourceDocument:
    """A plain-text source document, read as lines (numbered from 1, as editors show them)."""

    path: Path
    lines: tuple[str, ...]
    digest: str  # the SHA-256 of the bytes read: which version of the document the citations met

    @classmethod
    def read(cls, path: Path) -> SourceDocument | None:
        try:
            data = path.read_bytes()
            return cls(path, tuple(data.decode("utf-8").splitlines()), hashlib.sha256(data).hexdigest())
        except (OSError, UnicodeDecodeError):
            return None

    def check(self, first: int, last: int, quote: str) -> str | None:
        """None if `quote` appears in lines `first`..`last` (blanks collapsed); else what is wrong."""
        where = f"line {first}" if first == last else f"lines {first}-{last}"
        if not 1 <= first <= last <= len(self.lines):
            return f"{where} is outside {self.path.name}, which has {len(self.lines)} lines"
        if _words(quote) in _words(" ".join(self.lines[first - 1 : last])):
            return None
        return f"the quote is not at {where} of {self.path.name}; expected its words as written there"
