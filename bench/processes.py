"""Timing whole processes, as a user runs them: wall time and peak memory of each, from the kernel.

Commands are run in turn (A B A B …) so that each sees the machine in the same moods, and the
median of each is quoted; a ratio is the median of the ratios of the pairs.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

Prepare = Callable[[int], None]  # run before each timed run (not timed), given the run's number


@dataclass
class Command:
    """A command line to time, with its environment and what to do before each run."""

    argv: Sequence[str]
    env: Mapping[str, str] = field(default_factory=dict)
    prepare: Prepare | None = None
    cwd: Path | None = None


@dataclass
class Run:
    seconds: float
    peak_mb: float  # the process's own largest resident set (its children's not included)
    output: str


def run(command: Command, number: int = 0) -> Run:
    """Run `command` once in a fresh process: its wall time and peak memory; fails on an error exit."""
    if command.prepare is not None:
        command.prepare(number)
    start = time.perf_counter()
    process = subprocess.Popen(
        command.argv,
        env={**os.environ, **command.env},
        cwd=command.cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output = process.stdout.read()
    process.stdout.close()
    _, status, usage = os.wait4(process.pid, 0)  # the kernel's account of this process alone
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"{' '.join(command.argv)} failed ({process.returncode}):\n{output[-2000:]}")
    return Run(seconds, usage.ru_maxrss / 1024, output)


def alternate(commands: Mapping[str, Command], runs: int) -> dict[str, list[Run]]:
    """Each command `runs` times, in turn, after one warm-up round that is not counted."""
    results: dict[str, list[Run]] = {name: [] for name in commands}
    for number in range(-1, runs):
        for name, command in commands.items():
            done = run(command, number)
            if number >= 0:
                results[name].append(done)
    return results


def median_seconds(runs: Sequence[Run]) -> float:
    return statistics.median(r.seconds for r in runs)


def ratio(runs: Sequence[Run], baseline: Sequence[Run]) -> float:
    """The median of the pairs' ratios of wall time."""
    return statistics.median(a.seconds / b.seconds for a, b in zip(runs, baseline, strict=True))


def line(name: str, runs: Sequence[Run]) -> str:
    times = ", ".join(f"{r.seconds:.2f}" for r in runs)
    return f"{name}: median {median_seconds(runs):.2f} s ({times}), peak {max(r.peak_mb for r in runs):.0f} MB"
