"""Soak: the real daemon for ten minutes while things go wrong, then an account of every message.

Run: .venv/bin/python -m bench.soak [--minutes 10]
Needs Debian's PostgreSQL binaries (the soak starts a server of its own, on a free port).

What it does, all against real parts:
- starts `plan-monitor run` (a subprocess) on a PostgreSQL server of its own, with an in-process
  SMTP server (aiosmtpd) that refuses the first try of every third message (451, try later);
- drops a data file into the finance department's inbox folder every few seconds, each a revision
  of the June budget revenue that swings it between critical and on track, so that alerts fire
  and resolve and digests are owed all along;
- restarts the PostgreSQL server once, a third of the way through; kills the daemon with SIGKILL
  once, two thirds of the way through, and starts it again;
- samples the daemon's resident memory and open file descriptors every few seconds;
- at the end stops dropping files, lets the outbox drain, and compares the messages owed (the
  outbox table) with those the SMTP server accepted.

It prints: files in, figures stored, messages owed, delivered, duplicated, lost, the peak and last
memory and descriptors. Goal: 0 lost, at most 1 duplicate per kill, memory and descriptors flat.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from monitor.store.database import create_engine, upgrade
from tests.notifiers.smtp import Mailbox, smtp_server
from tests.pg_server import PostgresServer

ROOT = Path(__file__).resolve().parent.parent


class FlakyMailbox(Mailbox):
    """Refuses the first try of every third message: a server that fails a third of the time."""

    def __init__(self) -> None:
        super().__init__()
        self.tries: Counter[str] = Counter()
        self.seen = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message_id = _message_id(envelope.original_content)
        self.tries[message_id] += 1
        if self.tries[message_id] == 1:
            self.seen += 1
            if self.seen % 3 == 0:
                return "451 4.3.0 try again later"
        self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"


def _message_id(data: bytes) -> str:
    for line in data.split(b"\r\n"):
        if line.lower().startswith(b"message-id:"):
            return line.split(b":", 1)[1].strip().decode()
    return ""


def _start(home: Path, url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAN_MONITOR_")}
    env |= {
        "PYTHONPATH": str(ROOT), "PLAN_MONITOR_DATA_DIR": str(home / "var"),
        "PLAN_MONITOR_TARGETS": str(ROOT / "targets"), "PLAN_MONITOR_DATABASE_URL": url,
        "PLAN_MONITOR_SMTP_HOST": "127.0.0.1", "PLAN_MONITOR_SMTP_PORT": str(port),
        "PLAN_MONITOR_SMTP_SECURITY": "none", "PLAN_MONITOR_SMTP_TIMEOUT": "10",
        "PLAN_MONITOR_INBOX_SECONDS": "1", "PLAN_MONITOR_OUTBOX_SECONDS": "2", "PLAN_MONITOR_STANDBY_SECONDS": "2",
    }  # fmt: skip
    with log.open("ab") as handle:
        return subprocess.Popen([sys.executable, "-m", "monitor", "run"], env=env, cwd=ROOT, stdout=handle,
                                stderr=subprocess.STDOUT)  # fmt: skip


def _sample(pid: int) -> tuple[float, int]:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        rss = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")) / 1024
        return rss, len(os.listdir(f"/proc/{pid}/fd"))
    except (OSError, StopIteration):
        return 0.0, 0


def _drop(inbox: Path, n: int) -> None:
    value = "2000" if n % 2 else "9000"  # critical, then on track (72.6 % of 10.788 by June), and so on
    partial = inbox / f"thu-ngan-sach-{n:05d}.csv.part"
    partial.write_text(f"target,period,value,note\nbudget-revenue,2022-06,{value},revision {n}\n", encoding="utf-8")
    partial.rename(partial.with_suffix(""))


def _counts(url: str) -> tuple[int, int, list[str]]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            files = connection.execute(sa.text("SELECT count(*) FROM ingestion")).scalar_one()
            figures = connection.execute(sa.text("SELECT count(*) FROM observation")).scalar_one()
            owed = list(connection.execute(sa.text("SELECT message_id FROM outbox")).scalars())
    finally:
        engine.dispose()
    return int(files), int(figures), owed


def _queued(url: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(sa.text("SELECT count(*) FROM outbox WHERE state <> 'sent'")).scalar_one())
    finally:
        engine.dispose()


def soak(minutes: float) -> None:
    home = Path(tempfile.mkdtemp(prefix="plan-monitor-soak-"))
    inbox = home / "var" / "inbox" / "so-tai-chinh"
    inbox.mkdir(parents=True)
    server = PostgresServer()
    log = home / "daemon.log"
    daemon: subprocess.Popen[bytes] | None = None
    try:
        upgrade(create_engine(server.url))
        mailbox = FlakyMailbox()
        with smtp_server(mailbox=mailbox) as (_, port):
            daemon = _start(home, server.url, port, log)
            samples: list[tuple[int, float, float, int]] = []  # pid, seconds, MB, descriptors
            started = time.monotonic()
            duration = minutes * 60
            restarted = killed = False
            dropped = 0
            while (elapsed := time.monotonic() - started) < duration:
                _drop(inbox, dropped)
                dropped += 1
                if not restarted and elapsed > duration / 3:
                    server.restart()
                    restarted = True
                    print(f"{elapsed:6.0f} s: PostgreSQL restarted", flush=True)
                if not killed and elapsed > 2 * duration / 3:
                    daemon.send_signal(signal.SIGKILL)
                    daemon.wait()
                    daemon = _start(home, server.url, port, log)
                    killed = True
                    print(f"{elapsed:6.0f} s: daemon killed (SIGKILL) and started again", flush=True)
                samples.append((daemon.pid, elapsed, *_sample(daemon.pid)))
                time.sleep(3)
            deadline = time.monotonic() + 600  # the outbox drains: retries back off a minute
            while (_queued(server.url) or any(inbox.glob("*.csv"))) and time.monotonic() < deadline:
                time.sleep(2)
            files, figures, owed = _counts(server.url)
            received = [_message_id(data) for _, _, data in mailbox.received]
        daemon.send_signal(signal.SIGTERM)
        code = daemon.wait(timeout=120)
        daemon = None
        counts = Counter(received)
        duplicated = sum(n - 1 for n in counts.values() if n > 1)
        lost = len(set(owed) - set(counts))
        text = log.read_text(encoding="utf-8", errors="replace")
        print(
            f"soak of {minutes:g} min: 1 PostgreSQL restart, 1 SIGKILL of the daemon, SMTP refusing 1 in 3 first tries"
        )
        print(f"files dropped {dropped}, files stored {files}, figures stored {figures}")
        print(f"messages owed {len(owed)}, delivered {len(counts)}, duplicated {duplicated}, lost {lost}")
        for pid in dict.fromkeys(s[0] for s in samples):
            mine = [s for s in samples if s[0] == pid and s[2] > 0]
            settled = [s for s in mine if s[1] - mine[0][1] >= 30] or mine
            print(f"daemon pid {pid}, {mine[-1][1] - mine[0][1]:.0f} s: memory {settled[0][2]:.0f} MB 30 s in, "
                  f"{mine[-1][2]:.0f} MB at its end (peak {max(s[2] for s in mine):.0f}); descriptors "
                  f"{settled[0][3]} 30 s in, {mine[-1][3]} at its end (peak {max(s[3] for s in mine)})")  # fmt: skip
        print(f"daemon exit status {code}; tracebacks in its log: {text.count('Traceback')}")
    finally:
        if daemon is not None and daemon.poll() is None:
            daemon.kill()
        server.remove()
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--minutes", type=float, default=10.0, help="how long files keep arriving")
    soak(parser.parse_args().minutes)


if __name__ == "__main__":
    main()
