"""The daemon's memory: openpyxl without NumPy, and freed pages handed back."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

CHECK = """
import sys
from monitor import memory
memory.openpyxl_without_numpy()
import openpyxl.compat.numbers as numbers
from openpyxl import load_workbook  # openpyxl whole, and working
print(numbers.NUMPY, "numpy" in sys.modules)
import numpy  # still importable by whoever needs it
print(numpy.__name__)
memory.give_back()
"""


def test_openpyxl_is_imported_without_numpy_and_numpy_stays_importable() -> None:
    done = subprocess.run([sys.executable, "-c", CHECK], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=True)  # fmt: skip
    assert done.stdout.split() == ["False", "False", "numpy"]
