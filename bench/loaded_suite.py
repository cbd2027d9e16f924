"""The test suite on a busy machine: the README's test command, run several times under CPU load.

Run: .venv/bin/python -m bench.loaded_suite [--runs 3] [--burners 2] [--limit SECONDS]
Starts `--burners` processes that each keep a core busy (two: both cores of a 2-core machine),
then runs `python -m pytest -q -p no:cacheprovider` (this interpreter, in the project's folder,
with this environment, so PLAN_MONITOR_TEST_PG_URL reaches the PostgreSQL tests) `--runs` times
in a row, printing each run's result and duration; the burners are stopped at the end.
Exits 1 if a run fails. With `--burners 0` (an idle machine) a run must also finish within
`--limit`, 180 s unless given (goal: under 3 minutes); under load the durations are only
reported, unless `--limit` is given.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMAND = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
IDLE_LIMIT = 180.0
BURN = "while True:\n    pass\n"


def start_burners(count: int) -> list[subprocess.Popen[bytes]]:
    """`count` processes, each keeping one core busy until stopped."""
    return [subprocess.Popen([sys.executable, "-c", BURN]) for _ in range(count)]


def stop_burners(burners: list[subprocess.Popen[bytes]]) -> None:
    for burner in burners:
        burner.kill()
    for burner in burners:
        burner.wait()


def run_suite() -> tuple[int, float, str]:
    """Run the suite once: its exit status, its duration in seconds, and its output."""
    started = time.monotonic()
    done = subprocess.run(COMMAND, cwd=ROOT, capture_output=True, text=True, check=False)
    return done.returncode, time.monotonic() - started, done.stdout + done.stderr


def summary(output: str) -> str:
    """Pytest's last line ("308 passed in 130.2s"), and on failure its short test summary."""
    lines = [line for line in output.splitlines() if line.strip()]
    if not lines:
        return "(no output)"
    if "short test summary info" in output:
        start = next(n for n, line in enumerate(lines) if "short test summary info" in line)
        return "\n".join(lines[start:])
    return lines[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.loaded_suite", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="how many times to run the suite (default 3)")
    parser.add_argument("--burners", type=int, default=2, help="CPU-burning processes, one per core (default 2)")
    parser.add_argument(
        "--limit",
        type=float,
        default=None,
        help=f"longest acceptable run, in seconds (default {IDLE_LIMIT:.0f} with --burners 0; none under load)",
    )
    options = parser.parse_args(argv)
    limit = options.limit if options.limit is not None else (IDLE_LIMIT if options.burners == 0 else None)
    print(f"python {' '.join(COMMAND[1:])}: {options.runs} runs, {options.burners} CPU burners, "
          f"{os.cpu_count()} cores, limit {f'{limit:.0f} s' if limit else 'none (durations reported)'}")  # fmt: skip
    burners = start_burners(options.burners)
    failed = False
    try:
        for run in range(1, options.runs + 1):
            code, seconds, output = run_suite()
            load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
            over = limit is not None and seconds > limit
            verdict = "FAILED" if code else "too slow" if over else "ok"
            print(f"run {run}: {verdict}, exit {code}, {seconds:.1f} s, load average {load}: {summary(output)}")
            failed = failed or bool(code) or over
    finally:
        stop_burners(burners)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
