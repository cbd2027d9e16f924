"""Writing a file whole or not at all."""

from __future__ import annotations

from pathlib import Path
from typing import IO

import pytest

from monitor.wholefile import write_whole


def test_a_file_is_written_whole(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    write_whole(path, b"first")
    write_whole(path, lambda out: out.write(b"second"))
    assert path.read_bytes() == b"second"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def test_a_write_that_fails_leaves_the_file_as_it_was_and_nothing_beside_it(tmp_path: Path) -> None:
    path = tmp_path / "plan.pickle"
    path.write_bytes(b"kept")

    def half(out: IO[bytes]) -> None:
        out.write(b"half of it")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space left"):
        write_whole(path, half)
    assert path.read_bytes() == b"kept"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.pickle"]
