"""Daemon benchmark: idle memory with the whole plan loaded, and one full cycle over the example data.

Run: .venv/bin/python -m bench.daemon
Starts `plan-monitor run` on a fresh SQLite file, lets it take in the example data and settle,
reads its resident memory (RSS) from /proc, and times one full cycle (`run --once`: inbox,
evaluation, emails to .eml files) over the same data. The first cycle draws the digests' charts:
they are drawn in short-lived worker processes (monitor.mail.drawing), whose memory is printed
apart (the largest, from the kernel's accounting of the finished children of the timed cycle).
A one-shot cycle looks at the inbox twice, the settle time apart (`inbox_settle_seconds`, 5 s by
default: a file is taken once it stayed the same that long), so the time spent waiting is printed
apart from the work. Goal: under 100 MB, idle and after a cycle that drew charts; the cycle's work
under 5 s.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "2022"


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAN_MONITOR_")}
    return env | {"PYTHONPATH": str(ROOT), "PLAN_MONITOR_DATA_DIR": str(home / "var"),
                  "PLAN_MONITOR_TARGETS": str(ROOT / "targets"), "PLAN_MONITOR_INBOX_SECONDS": "1",
                  "PLAN_MONITOR_OUTBOX_SECONDS": "1"}  # fmt: skip


def _fill_inbox(home: Path) -> None:
    inbox = home / "var" / "inbox"
    for path in EXAMPLES.iterdir():
        folder = inbox / _sender(path)
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, folder / path.name)


def _sender(path: Path) -> str:
    """The department that sends an example file: the id after its number (``07-so-khdt-…``)."""
    senders = ("so-khdt", "so-tai-chinh", "so-vhttdl", "so-ldtbxh", "cuc-thong-ke", "bhxh")
    return next(d for d in senders if path.name.partition("-")[2].startswith(f"{d}-"))


def _rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    found = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else float("nan")


def idle_rss() -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        _fill_inbox(home)
        log = (home / "daemon.log").open("wb")
        process = subprocess.Popen([sys.executable, "-m", "monitor", "run"], env=_env(home), stdout=log,
                                   stderr=subprocess.STDOUT)  # fmt: skip
        try:
            deadline = time.monotonic() + 300  # generous: the machine may be busy
            while "email.sent" not in (home / "daemon.log").read_text() and time.monotonic() < deadline:
                time.sleep(0.2)
            busy = _rss_mb(process.pid)
            time.sleep(5)  # idle: nothing new in the inbox, the outbox empty
            return busy, _rss_mb(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=120)
            log.close()


def cycle_seconds() -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        _fill_inbox(home)
        code = (
            "import time, datetime as dt\n"
            "from monitor.jobs import Jobs\n"
            "from monitor.settings import Settings\n"
            "from monitor.store.database import open_database\n"
            "from rules import load_plan\n"
            "config = Settings()\n"
            "jobs = Jobs(open_database(config.effective_database_url()), config, load_plan(list(config.targets)))\n"
            "start = time.perf_counter()\n"
            "jobs.once(dt.date(2022, 7, 31))\n"
            "import resource\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
            "print(time.perf_counter() - start)\n"
            "print(config.inbox_settle_seconds)\n"
        )
        done = subprocess.run([sys.executable, "-c", code], env=_env(home), cwd=ROOT, capture_output=True, text=True,
                              check=True)  # fmt: skip
        *_, workers, seconds, settle = done.stdout.strip().splitlines()
        return float(seconds), float(workers), float(settle)


def main() -> None:
    busy, idle = idle_rss()
    seconds, workers, settle = cycle_seconds()
    print(f"daemon RSS after its first cycle (charts drawn): {busy:.0f} MB; idle: {idle:.0f} MB (goal: < 100 MB)")
    print(f"the largest chart worker of a cycle, while it lived: {workers:.0f} MB (it ends with the drawing)")
    print(
        f"one full cycle over the example data (inbox, evaluation, emails): {seconds:.2f} s, of which waiting "
        f"for the inbox to settle {settle:.2f} s and the work {seconds - settle:.2f} s (goal: the work < 5 s)"
    )


if __name__ == "__main__":
    main()
