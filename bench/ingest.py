"""Ingestion benchmark: `plan-monitor ingest FILE` as a user runs it, against a plain insert of the same rows.

Run: .venv/bin/python -m bench.ingest [--sizes 500,10000,1000000] [--runs 3] [--pg-rows 200000]

For each size, a CSV of that many rows (`bench.synthetic`: one year-to-date figure per investor
and day, every row its own key) goes into a store that already exists: its schema migrated and
the plan cached in its data folder, as a department's file meets it (copied afresh before each run,
untimed).

- product: `plan-monitor ingest FILE`, a whole process: start-up, settings, the plan (from its
  cache), reading and checking every row, storing them all or none.
- baseline (SQLite): a whole Python process that opens the same kind of store (a copy of the same
  migrated file) with the same pragmas as the product (WAL, synchronous=NORMAL, foreign keys, a
  32 MB page cache), reads the CSV with `csv.reader` and inserts every row with one
  `sqlite3.executemany` into the same `observation` table, with its unique key index, in one
  transaction: the least any program can do to store these rows there.
- baseline (PostgreSQL, `--pg-rows`, uses the test database PLAN_MONITOR_TEST_PG_URL, emptied first
  as the tests empty it, then migrated): a whole Python process that
  sends the same rows with psycopg's `COPY observation (…) FROM STDIN` into the same table and index
  (emptied before each run, as the product's is).
- floor (SQLite up to 10,000 rows, no goal): a whole Python process that only imports what the
  command cannot run without: click (its command line), pydantic (the plan's rule models, read
  back from the cache), pydantic-settings (its settings) and SQLAlchemy's engine (the store, under
  sqlmodel). No row is read; it shows how much of the product's time is the stack's start-up,
  which no work on the rows can take back.

Runs alternate (product, baseline[, floor], product, …) after a warm-up round; the medians and the
median of the pairs' ratios are printed. Goals: 500 rows under 1 s; within 3x of the baseline at
10,000 rows and 2x at 1,000,000; PostgreSQL 200,000 rows within 3x of COPY.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

from bench.processes import Command, alternate, line, ratio, run
from bench.synthetic import write_plan, write_rows

ROOT = Path(__file__).resolve().parent.parent
CLI = str(Path(sys.executable).with_name("plan-monitor"))
PLAN = "bench-2022"  # the key of bench.synthetic's plan (province Bench, year 2022)
COLUMNS = (
    "plan, ingestion_id, target_id, breakdown, period, period_start, period_end, basis, value, unit, "
    "reported_value, reported_unit, status, source_row, received_at, is_current"
)
SQLITE_BASELINE = f"""
import csv, datetime, sqlite3, sys
db, path = sys.argv[1:]
connection = sqlite3.connect(db, isolation_level=None)
for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON", "busy_timeout=120000",
               "cache_size=-32768", "temp.cache_size=-32768"):
    connection.execute("PRAGMA " + pragma)
now = datetime.datetime.now(datetime.UTC).isoformat(" ")
connection.execute("BEGIN IMMEDIATE")
ingestion = connection.execute(
    "INSERT INTO ingestion (plan, sha256, file_name, format, rows, received_at) VALUES ('{PLAN}', ?, ?, 'csv', 0, ?)",
    (path, path, now),
).lastrowid
with open(path, encoding="utf-8", newline="") as handle:
    rows = csv.reader(handle)
    next(rows)
    connection.executemany(
        "INSERT INTO observation ({COLUMNS}) "
        "VALUES ('{PLAN}', ?, ?, ?, ?, '2022-01-01', '2022-01-31', 'year_to_date', ?, "
        "'tỷ đồng', ?, 'tỷ đồng', 'official', ?, ?, 1)",
        ((ingestion, t, b, p, v, v, n, now) for n, (t, p, v, b) in enumerate(rows, 2)),
    )
connection.execute("COMMIT")
"""
PG_BASELINE = f"""
import csv, datetime, sys
import psycopg
url, path = sys.argv[1:]
now = datetime.datetime.now(datetime.UTC)
with psycopg.connect(url) as connection, connection.cursor() as cursor:
    cursor.execute(
        "INSERT INTO ingestion (plan, sha256, file_name, format, rows, received_at) "
        "VALUES ('{PLAN}', %s, %s, 'csv', 0, %s) "
        "RETURNING id", (path, path, now))
    (ingestion,) = cursor.fetchone()
    with open(path, encoding="utf-8", newline="") as handle, cursor.copy(
        "COPY observation ({COLUMNS}) FROM STDIN"
    ) as copy:
        rows = csv.reader(handle)
        next(rows)
        for n, (t, p, v, b) in enumerate(rows, 2):
            copy.write_row(("{PLAN}", ingestion, t, b, p, "2022-01-01", "2022-01-31", "year_to_date", v, "tỷ đồng", v,
                            "tỷ đồng", "official", n, now, True))
"""
FLOOR = "import click, pydantic, pydantic_settings, sqlalchemy.engine"
FLOOR_ROWS = 10_000  # the sizes whose time is mostly start-up


def _store(folder: Path, rows: int, env: dict[str, str]) -> tuple[Path, Path, Path]:
    """The plan, the CSV, and a data folder with the store migrated and the plan cached."""
    parts = -(-rows // 365)
    rules = write_plan(folder / "rules", parts)
    data = write_rows(folder / "rows.csv", rows, parts)
    template = folder / "template"
    base = {**env, "PLAN_MONITOR_DATA_DIR": str(template), "PLAN_MONITOR_TARGETS": str(rules)}
    run(Command([CLI, "db", "upgrade"], base, cwd=folder))
    run(Command([CLI, "validate"], base, cwd=folder))  # fills the plan cache
    return rules, data, template


def sqlite_size(folder: Path, rows: int, runs: int) -> None:
    rules, data, template = _store(folder, rows, {})
    product_dir, baseline_dir = folder / "product", folder / "baseline"

    def fresh(target: Path) -> None:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(template, target)

    env = {"PLAN_MONITOR_DATA_DIR": str(product_dir), "PLAN_MONITOR_TARGETS": str(rules)}
    product = Command([CLI, "ingest", str(data)], env, lambda _: fresh(product_dir), folder)
    baseline = Command(
        [sys.executable, "-c", SQLITE_BASELINE, str(baseline_dir / "plan-monitor.db"), str(data)],
        prepare=lambda _: fresh(baseline_dir),
    )
    commands = {"product": product, "baseline": baseline}
    if rows <= FLOOR_ROWS:
        commands["floor"] = Command([sys.executable, "-c", FLOOR])
    results = alternate(commands, runs)
    print(results["product"][0].output.strip().splitlines()[-1])
    print(line(f"SQLite, {rows:,} rows: plan-monitor ingest", results["product"]))
    print(line(f"SQLite, {rows:,} rows: baseline sqlite3 executemany, same table, index, pragmas", results["baseline"]))
    goal = "under 1 s" if rows <= 500 else "within 3x" if rows <= 10_000 else "within 2x"
    print(f"SQLite, {rows:,} rows: ratio {ratio(results['product'], results['baseline']):.2f}x (goal: {goal})")
    if "floor" in results:
        print(line("floor: importing click, pydantic, pydantic-settings and SQLAlchemy, no row read", results["floor"]))
        floored = ratio(results["floor"], results["baseline"])
        print(f"SQLite, {rows:,} rows: ratio floor / baseline {floored:.2f}x (no goal)")


def postgres(folder: Path, rows: int, runs: int, url: str) -> None:
    import psycopg

    env = {"PLAN_MONITOR_DATABASE_URL": url}
    with psycopg.connect(url, autocommit=True) as connection:  # a test database: emptied, as the tests do
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")
    rules, data, template = _store(folder, rows, env)

    def empty(_: int) -> None:
        with psycopg.connect(url) as connection:
            connection.execute("TRUNCATE observation, ingestion CASCADE")

    env |= {"PLAN_MONITOR_DATA_DIR": str(template), "PLAN_MONITOR_TARGETS": str(rules)}
    product = Command([CLI, "ingest", str(data)], env, empty, folder)
    baseline = Command([sys.executable, "-c", PG_BASELINE, url, str(data)], prepare=empty)
    results = alternate({"product": product, "baseline": baseline}, runs)
    print(results["product"][0].output.strip().splitlines()[-1])
    print(line(f"PostgreSQL, {rows:,} rows: plan-monitor ingest", results["product"]))
    print(line(f"PostgreSQL, {rows:,} rows: baseline psycopg COPY, same table and index", results["baseline"]))
    print(f"PostgreSQL, {rows:,} rows: ratio {ratio(results['product'], results['baseline']):.2f}x (goal: within 3x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,10000,1000000", help="rows of each SQLite run, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="counted runs of each command")
    parser.add_argument("--pg-rows", type=int, default=200_000, help="rows of the PostgreSQL run (0: none)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",") if s):
            sqlite_size(Path(tmp) / f"sqlite-{size}", size, args.runs)
        url = os.environ.get("PLAN_MONITOR_TEST_PG_URL")
        if args.pg_rows and url:
            postgres(Path(tmp) / "postgres", args.pg_rows, args.runs, url)
        elif args.pg_rows:
            print("PostgreSQL: skipped (set PLAN_MONITOR_TEST_PG_URL)")


if __name__ == "__main__":
    main()
