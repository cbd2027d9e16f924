"""Ingestion benchmark: 1,000,000 CSV rows into SQLite, against a plain sqlite3 executemany.

Run: .venv/bin/python -m bench.ingest [--rows N] [--xlsx-rows N] [--repeat N]
Prints rows per second, the peak memory of the ingesting process, and the ratio of its time to
a plain `sqlite3` `executemany` of the same rows (read with `csv`, into a table of their
columns with no index) measured in the same run, each the median of `--repeat` alternated runs;
then the same insert into a table with the observation table's key index, and the time of a
100,000-row XLSX file.
Goal: >= 100,000 rows/s, within 5x of the plain insert, peak memory < 300 MB.
"""

from __future__ import annotations

import argparse
import csv
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.synthetic import write_plan, write_rows

ROOT = Path(__file__).resolve().parent.parent


def plain_insert(csv_path: Path, db_path: Path, *, indexed: bool) -> float:
    """csv.reader + sqlite3.executemany of the file's rows into a plain table; seconds.

    With `indexed`, the table also has the unique index on the current figure's key that the
    real table keeps, so the comparison shows what that index costs by itself.
    """
    start = time.perf_counter()
    connection = sqlite3.connect(db_path)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute(
        "CREATE TABLE observation (id INTEGER PRIMARY KEY, target_id TEXT, breakdown TEXT, period TEXT, "
        "value TEXT, is_current INTEGER)"
    )
    if indexed:
        connection.execute("CREATE UNIQUE INDEX k ON observation (target_id, breakdown, period) WHERE is_current = 1")
    with csv_path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        connection.executemany(
            "INSERT INTO observation (target_id, period, value, breakdown, is_current) VALUES (?, ?, ?, ?, 1)",
            reader,
        )
    connection.commit()
    connection.close()
    return time.perf_counter() - start


def timed_ingest(data: Path, rules: Path, data_dir: Path) -> tuple[float, float, float, str]:
    """Run `plan-monitor ingest` in a fresh process: seconds, its peak RSS and that of its checking
    worker (0 when there is none) in MB, its output."""
    env = {**os.environ, "PLAN_MONITOR_DATA_DIR": str(data_dir), "PLAN_MONITOR_TARGETS": str(rules)}
    code = (
        "import resource, sys, time\n"
        "from monitor.cli import main\n"
        "start = time.perf_counter()\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('SECONDS', time.perf_counter() - start, file=sys.stderr)\n"
        "print('MAXRSS_KB', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
        "print('CHILD_MAXRSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, "ingest", str(data)], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    figures = dict(
        line.split(" ", 1) for line in done.stderr.splitlines() if line.startswith(("SECONDS", "MAXRSS", "CHILD"))
    )
    main_mb, worker_mb = int(figures["MAXRSS_KB"]) / 1024, int(figures["CHILD_MAXRSS_KB"]) / 1024
    return float(figures["SECONDS"]), main_mb, worker_mb, done.stdout.strip()


def write_xlsx(path: Path, rows: int, parts: int) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    csv_path = path.with_suffix(".csv")
    write_rows(csv_path, rows, parts)
    with csv_path.open(encoding="utf-8", newline="") as handle:
        for index, record in enumerate(csv.reader(handle)):
            sheet.append(record if index == 0 else [record[0], record[1], float(record[2]), record[3]])
    book.save(path)
    csv_path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the ingest and of the plain insert")
    args = parser.parse_args()
    parts = -(-args.rows // 365)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        rules = write_plan(folder / "rules", parts)
        data = write_rows(folder / "rows.csv", args.rows, parts)
        size = data.stat().st_size / 1e6
        plains, runs = [], []
        for n in range(args.repeat):  # alternated, so that both see the machine in the same moods
            plains.append(plain_insert(data, folder / f"plain-{n}.db", indexed=False))
            runs.append(timed_ingest(data, rules, folder / f"var-{n}"))
        indexed = plain_insert(data, folder / "indexed.db", indexed=True)
        print(runs[0][3])
        seconds, plain = statistics.median(r[0] for r in runs), statistics.median(plains)
        peak, worker = max(r[1] for r in runs), max(r[2] for r in runs)
        spread = f"median of {args.repeat}: {', '.join(f'{r[0]:.2f}' for r in runs)} s"
        rate = args.rows / seconds
        print(f"CSV: {args.rows:,} rows ({size:.0f} MB) in {seconds:.2f} s = {rate:,.0f} rows/s ({spread})")
        shown = ", ".join(f"{p:.2f}" for p in plains)
        print(f"plain sqlite3 executemany, no index: {plain:.2f} s = {args.rows / plain:,.0f} rows/s ({shown} s)")
        print(f"plain sqlite3 executemany, with the key index: {indexed:.2f} s = {args.rows / indexed:,.0f} rows/s")
        print(f"ratio to the plain insert: {seconds / plain:.1f}x (goal <= 5x)")
        print(f"ratio to the indexed insert: {seconds / indexed:.1f}x")
        print(f"peak memory of the ingesting process: {peak:.0f} MB (goal < 300 MB)")
        print(f"peak memory of its checking worker: {worker:.0f} MB (shares the pages it was forked with)")
        if args.xlsx_rows:
            xlsx = folder / "rows.xlsx"
            write_xlsx(xlsx, args.xlsx_rows, -(-args.xlsx_rows // 365))
            xlsx_rules = write_plan(folder / "xlsx-rules", -(-args.xlsx_rows // 365))
            seconds, peak, _, _ = timed_ingest(xlsx, xlsx_rules, folder / "var-xlsx")
            print(
                f"XLSX: {args.xlsx_rows:,} rows in {seconds:.2f} s = {args.xlsx_rows / seconds:,.0f} rows/s, "
                f"peak {peak:.0f} MB"
            )


if __name__ == "__main__":
    main()
