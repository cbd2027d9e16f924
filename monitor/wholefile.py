"""Writing a file whole or not at all: into a temporary file beside it, renamed over it once
complete, so that no reader ever sees half of it and a failed write leaves nothing behind."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO


def write_whole(path: Path, contents: bytes | Callable[[IO[bytes]], object]) -> None:
    """Make `path` hold `contents`: bytes, or what a function writes to the file it is given;
    raises what the writing raises."""
    temporary = None
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", suffix=".part", delete=False) as out:
            temporary = Path(out.name)
            if isinstance(contents, bytes):
                out.write(contents)
            else:
                contents(out)
        os.replace(temporary, path)
    except BaseException:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
        raise
