"""Keeping a long-running process's resident memory small: the daemon's, between its jobs.

- openpyxl imports NumPy when it can, only to accept NumPy's number types in the cells it writes;
  this program never passes one, and NumPy would stay in the daemon for good (about 11 MB, a
  tenth of it) once the first workbook is read. `openpyxl_without_numpy` imports openpyxl with
  NumPy out of its reach, in a process that has not imported NumPy itself.
- A job's objects are freed when it ends, but the C allocator keeps the pages; `give_back`
  returns the free ones to the system (glibc's `malloc_trim`; elsewhere it only collects).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import sys
from functools import cache


def openpyxl_without_numpy() -> None:
    """Import openpyxl without letting it import NumPy (unless NumPy is already here)."""
    if "openpyxl" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # `import numpy` raises ImportError
    try:
        import openpyxl  # noqa: F401
    finally:
        del sys.modules["numpy"]


def give_back() -> None:
    """Collect cycles, then hand the allocator's free pages back to the system."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@cache
def _malloc_trim() -> ctypes._NamedFuncPointer | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None
