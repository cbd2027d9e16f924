"""Evaluation end to end: `plan-monitor evaluate` on a national plan with half its series alerting,
against the pure evaluation of the same series, both timed as whole processes in the same run.

Run: .venv/bin/python -m bench.evaluate_run [--provinces 34 --targets 100 --parts 30 --repeat 3]

What it measures. The plan of bench/national.py (34 rule files of 100 targets of 30 parts: 3,400
targets, 105,400 series) and its figures (every part, January to November: 1,122,000 rows) are
ingested once into a SQLite file (not timed). Then, alternately, `--repeat` times each:
- product: `plan-monitor evaluate --as-of 2022-12-15` in a fresh process on a fresh copy of that
  file (the copy is not timed): loading the plan (unchanged since the last load, so from its cache,
  as every run after the first), reading the figures, judging every series, recording the run, the
  alerts' transitions and notifications, drawing the charts and queuing one digest per recipient
  (half the series critical: 52,700 alerts firing and escalated), and printing its table.
- baseline: a fresh process that loads the same plan the same way, reads the same figures from
  the CSV file with the `csv` module into the engine's observations, and judges every series with
  `rules.evaluate_plan`: the pure evaluation of the same series, nothing recorded or sent.
Each run is timed from outside (wall clock, start-up included), its peak memory read from the
kernel's accounting of the finished child (`os.wait4`). Printed: each side's median, and the
median of the pairs' ratios. Before them, once: the plan loaded cold (`plan-monitor validate`
with an empty cache) and unchanged (the same command again), goal 2.
On a machine shared with other work, quote the ratios: both sides of a pair see the same load.
Goals: product < 60 s and < 1 GB, within 5x of the baseline; plan < 2 s cold, < 0.3 s unchanged.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.national import AS_OF, write_plan, write_rows

ROOT = Path(__file__).resolve().parent.parent

PURE = """
import csv, sys
from decimal import Decimal
from pathlib import Path
from monitor import plancache
from monitor.settings import Settings
from rules import Basis, Observation, Period, evaluate_plan
import datetime as dt
config = Settings()
plan = plancache.load(list(config.targets), config.data_dir / "cache")
known = {}
with open(sys.argv[1], encoding="utf-8", newline="") as handle:
    rows = csv.reader(handle)
    next(rows)
    periods = {}
    for target, period, value, breakdown in rows:
        if period not in periods:
            year, month = period.split("-")
            periods[period] = Period.month(int(year), int(month))
        known.setdefault(target, []).append(Observation(periods[period], Decimal(value), Basis.YEAR_TO_DATE, breakdown))
evaluations = evaluate_plan(plan, known, dt.date.fromisoformat(sys.argv[2]))
print(len(evaluations), "series")
"""


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAN_MONITOR_")}
    return env | {"PYTHONPATH": str(ROOT), "PLAN_MONITOR_DATA_DIR": str(home / "var"),
                  "PLAN_MONITOR_TARGETS": str(home / "rules"), "PLAN_MONITOR_MAIL_DIR": str(home / "mail")}  # fmt: skip


def timed(command: list[str], env: dict[str, str], out: Path) -> tuple[float, float]:
    """Wall seconds and peak resident MB of one whole process; its output goes to `out`."""
    with out.open("ab") as log:
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}); see {out}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--targets", type=int, default=100)
    parser.add_argument("--parts", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it, its set-up (plan, figures, ingested"
                        " store) reused by the next run of the same sizes (default: a temporary one)")  # fmt: skip
    args = parser.parse_args()
    home = args.keep or Path(tempfile.mkdtemp(prefix="bench-evaluate-"))
    try:
        run(home, args)
    finally:
        if args.keep is None:
            shutil.rmtree(home, ignore_errors=True)


def run(home: Path, args: argparse.Namespace) -> None:
    env, log = _env(home), home / "output.txt"
    program = [sys.executable, "-m", "monitor"]
    data = home / "figures.csv"
    sizes = f"{args.provinces} {args.targets} {args.parts}\n"
    kept = home / "sizes.txt"
    if (home / "base.db").exists() and (not kept.exists() or kept.read_text(encoding="utf-8") != sizes):
        raise SystemExit(f"{home} keeps the set-up of other sizes than --provinces {args.provinces} --targets "
                         f"{args.targets} --parts {args.parts}: give --keep another folder, or remove it")  # fmt: skip
    if not (home / "base.db").exists():
        write_plan(home / "rules", args.provinces, args.targets, args.parts)
        rows = write_rows(data, args.provinces, args.targets, args.parts)
        shutil.rmtree(home / "var", ignore_errors=True)
        cold, cold_mb = timed([*program, "validate"], env, log)
        warm = statistics.median(timed([*program, "validate"], env, log)[0] for _ in range(3))
        print(f"plan: {args.provinces * args.targets:,} targets of {args.parts} parts; loaded cold in {cold:.1f} s "
              f"({cold_mb:.0f} MB; goal < 2 s), unchanged in {warm:.2f} s (median of 3; goal < 0.3 s)")  # fmt: skip
        seconds, _ = timed([*program, "ingest", str(data)], env, log)
        print(f"figures: {rows:,} rows ingested in {seconds:.1f} s (set-up, not part of the comparison)")
        shutil.copy(home / "var" / "plan-monitor.db", home / "base.db")
        kept.write_text(sizes, encoding="utf-8")
    product, baseline, ratios = [], [], []
    for _ in range(args.repeat):
        database = home / "var" / "plan-monitor.db"
        for suffix in ("-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        shutil.copy(home / "base.db", database)
        shutil.rmtree(home / "mail", ignore_errors=True)
        ours = timed([*program, "evaluate", "--as-of", AS_OF.isoformat()], env, log)
        pure = timed([sys.executable, "-c", PURE, str(data), AS_OF.isoformat()], env, log)
        product.append(ours)
        baseline.append(pure)
        ratios.append(ours[0] / pure[0])
    summary = next(line for line in reversed(log.read_text(encoding="utf-8").splitlines()) if line.startswith("run "))
    print(f"evaluate: {summary}")
    print(f"product, plan-monitor evaluate: median {statistics.median(p[0] for p in product):.1f} s "
          f"({', '.join(f'{p[0]:.1f}' for p in product)}), peak {max(p[1] for p in product):.0f} MB "
          f"(goal < 60 s, < 1024 MB)")  # fmt: skip
    print(f"baseline, the pure evaluation of the same series: median {statistics.median(b[0] for b in baseline):.1f} s "
          f"({', '.join(f'{b[0]:.1f}' for b in baseline)}), peak {max(b[1] for b in baseline):.0f} MB")  # fmt: skip
    print(f"ratio product / baseline, median of {args.repeat} alternated pairs: {statistics.median(ratios):.2f}x "
          f"(goal <= 5x)")  # fmt: skip


if __name__ == "__main__":
    main()
