"""Mail benchmark: digests through the real path, the outbox table and its drain, to a local SMTP
server, against a bare aiosmtplib loop sending the same messages over the same connection settings.

Run: .venv/bin/python -m bench.mail [--digests 10000 --repeat 3 --keep DIR --server smtp-sink]

Set-up (once, timed and printed apart): a plan of 5 targets behind, each told to every one of
`--digests` departments, and their figures, ingested into a SQLite file; `plan-monitor evaluate`
then queues one digest per department in the outbox (5 items; their charts drawn once and shared).
Then, alternately, `--repeat` times each, on a fresh copy of that file (the copy is not timed):
- product: `plan-monitor outbox send` in a fresh process, to a local SMTP server in its own process
  without TLS: the drain claims each due message, reads its body from the store (table
  outbox_body), delivers it and records the outcome with its attempt, written in the transaction
  that claims the next message (the bodies read one at a time, never all at once); every message
  of the copy must be marked sent afterwards;
- baseline: a fresh process that reads the same queued messages (address and body) from the same
  file with `sqlite3` (streamed, one at a time) and sends them with a bare aiosmtplib client over
  one connection, the same host, port, security and timeout, the same sender and recipient: the
  same bytes sent, nothing recorded.
A queued file kept (`--keep`) from an older program is first brought to this one's schema with
`plan-monitor db upgrade`, untimed.
The server, the same for both sides and started once: Postfix's `smtp-sink`, a C test server that
accepts and discards mail as fast as a client sends it, so that what is measured is the sender
(Debian's package postfix, installed with "No configuration"; without it the benchmark says how to
install it and stops). `--server aiosmtpd` uses the Python server of the tests instead
(bench/sink.py): there both sides spend most of their time in the server.
Each run is timed from outside (wall clock, start-up included) and its peak memory read from the
kernel's accounting of the finished child (`os.wait4`); the server's count checks every message
arrived. Printed: each side's median, the median of the pairs' ratios.
Goals: all digests in under 60 s and 300 MB, within 2x the bare loop.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
from pathlib import Path

from bench.evaluate_run import timed
from bench.sink import Server
from tests.notifiers.smtp import free_port

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2022, 7, 31)
TARGETS = 5
SENDER = "plan-monitor@bo.example"

BARE = """
import asyncio, sqlite3, sys
import aiosmtplib
async def main(path, port, sender):
    database = sqlite3.connect(path)
    rows = database.execute("SELECT o.address, b.message FROM outbox AS o JOIN outbox_body AS b ON b.outbox_id = o.id "
                            "WHERE o.state = 'queued' ORDER BY o.id")
    client = aiosmtplib.SMTP(hostname="127.0.0.1", port=int(port), start_tls=False, use_tls=False, timeout=30)
    await client.connect()
    sent = 0
    for address, message in rows:
        await client.sendmail(sender, [address], message)
        sent += 1
    await client.quit()
    print(sent, "sent")
asyncio.run(main(*sys.argv[1:]))
"""


def write_plan(folder: Path, departments: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    ids = [f"d{k:05d}" for k in range(departments)]
    listed = "".join(f"  - {{id: {d}, name: Ban quản lý dự án {d}, email: {d}@bo.example}}\n" for d in ids)
    (folder / "plan.yaml").write_text(
        "plan: {province: Bộ, year: 2022, title: Kế hoạch đầu tư công năm 2022, admin: d00000}\n"
        "departments:\n" + listed, encoding="utf-8")  # fmt: skip
    notify = ", ".join(ids[1:])
    body = "".join(f"""\
  - id: t{n}
    number: {n + 1}
    name: Giải ngân vốn đầu tư công, nguồn {n + 1}
    kind: cumulative
    comparator: at_least
    value: 10000
    unit: tỷ đồng
    reporting: {{every: month, basis: year_to_date}}
    trajectory: {{type: linear}}
    owner: d00000
    notify: [{notify}]
    source: {{lines: "1", quote: "synthetic"}}
""" for n in range(TARGETS))  # fmt: skip
    (folder / "targets.yaml").write_text("targets:\n" + body, encoding="utf-8")


def write_rows(path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write("target,period,value\n")
        for n in range(TARGETS):
            for month in range(1, 7):
                out.write(f"t{n},2022-{month:02d},{10000 * month / 12 * (0.4 + n / 20):.1f}\n")


def _copy(queued: Path, database: Path) -> None:
    """A fresh copy of the queued store (untimed), without the log of the previous run."""
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    shutil.copy(queued, database)


def _all_sent(database: Path, expected: int) -> None:
    """The product's run marked every message sent."""
    with sqlite3.connect(database) as connection:
        states = dict(connection.execute("SELECT state, count(*) FROM outbox GROUP BY state").fetchall())
    if states != {"sent": expected}:
        raise SystemExit(f"outbox send left the outbox {states}, expected {expected:,} sent")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--digests", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary one)")
    parser.add_argument("--server", choices=["smtp-sink", "aiosmtpd"], default="smtp-sink",
                        help="the local SMTP server both sides send to")  # fmt: skip
    args = parser.parse_args()
    home = args.keep or Path(tempfile.mkdtemp(prefix="bench-mail-"))
    try:
        run(home, args)
    finally:
        if args.keep is None:
            shutil.rmtree(home, ignore_errors=True)


def run(home: Path, args: argparse.Namespace) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAN_MONITOR_")} | {
        "PYTHONPATH": str(ROOT), "PLAN_MONITOR_DATA_DIR": str(home / "var"),
        "PLAN_MONITOR_TARGETS": str(home / "rules"), "PLAN_MONITOR_MAIL_FROM": SENDER,
        "PLAN_MONITOR_SMTP_HOST": "127.0.0.1", "PLAN_MONITOR_SMTP_PORT": str(port),
        "PLAN_MONITOR_SMTP_SECURITY": "none", "PLAN_MONITOR_SMTP_TIMEOUT": "30",
    }  # fmt: skip
    log, program = home / "output.txt", [sys.executable, "-m", "monitor"]
    database = home / "var" / "plan-monitor.db"
    if not (home / "queued.db").exists():
        write_plan(home / "rules", args.digests)
        write_rows(home / "figures.csv")
        timed([*program, "ingest", str(home / "figures.csv")], env, log)
        seconds, peak = timed([*program, "evaluate", "--as-of", AS_OF.isoformat()], env, log)
        print(f"set-up: plan-monitor evaluate queued {args.digests:,} digests of {TARGETS} items (their charts "
              f"shared) in {seconds:.1f} s, peak {peak:.0f} MB (rendering included)")  # fmt: skip
        shutil.copy(database, home / "queued.db")
    else:  # kept from a run of an older program: its store migrated, once, untimed
        _copy(home / "queued.db", database)
        timed([*program, "db", "upgrade"], env, log)
        shutil.copy(database, home / "queued.db")
    server = Server(args.server, port, env, ROOT, home / "server.txt")
    product, baseline, ratios = [], [], []
    try:
        for _ in range(args.repeat):
            _copy(home / "queued.db", database)
            ours = timed([*program, "outbox", "send"], env, log)
            _all_sent(database, args.digests)
            _copy(home / "queued.db", database)
            bare = timed([sys.executable, "-c", BARE, str(database), str(port), SENDER], env, log)
            product.append(ours)
            baseline.append(bare)
            ratios.append(ours[0] / bare[0])
    finally:
        received = server.stop()
    summary = next(line for line in reversed(log.read_text(encoding="utf-8").splitlines()) if " sent to " in line)
    n = args.digests
    print(f"outbox send: {summary}")
    print(f"server ({args.server}) received {received:,} (expected {2 * args.repeat * n:,})")
    print(f"product, plan-monitor outbox send: median {statistics.median(p[0] for p in product):.1f} s "
          f"({', '.join(f'{p[0]:.1f}' for p in product)}), peak {max(p[1] for p in product):.0f} MB "
          f"(goal < 60 s, < 300 MB)")  # fmt: skip
    bare_median = statistics.median(b[0] for b in baseline)
    print(f"baseline, bare aiosmtplib loop over the same messages: median {bare_median:.1f} s "
          f"({', '.join(f'{b[0]:.1f}' for b in baseline)}), peak {max(b[1] for b in baseline):.0f} MB")  # fmt: skip
    print(f"ratio product / baseline, median of {args.repeat} alternated pairs: {statistics.median(ratios):.2f}x "
          f"(goal <= 2x)")  # fmt: skip


if __name__ == "__main__":
    main()
