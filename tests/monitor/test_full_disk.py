"""A disk that fills up under the daemon's cycle: one line saying so, and nothing half-written."""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, TARGETS

DISBURSEMENT = ROOT / "examples" / "2022" / "07-so-khdt-giai-ngan-7-thang.xlsx"


def test_a_full_disk_during_run_once_is_one_line_and_nothing_half_written(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAN_MONITOR_")}
    env |= {"PYTHONPATH": str(ROOT), "PLAN_MONITOR_DATA_DIR": str(tmp_path / "var"),
            "PLAN_MONITOR_TARGETS": str(TARGETS), "PLAN_MONITOR_INBOX_SETTLE_SECONDS": "0.1"}  # fmt: skip
    command = [sys.executable, "-m", "monitor"]
    subprocess.run([*command, "db", "upgrade"], env=env, check=True, capture_output=True, timeout=120)
    store = tmp_path / "var" / "plan-monitor.db"
    inbox = tmp_path / "var" / "inbox" / "so-khdt"
    inbox.mkdir(parents=True)
    (inbox / DISBURSEMENT.name).write_bytes(DISBURSEMENT.read_bytes())
    room = store.stat().st_size + 64 * 1024  # the disk fills during the cycle: no file may grow past this

    def full_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (room, room))

    done = subprocess.run([*command, "run", "--once", "--as-of", "2022-07-31"], env=env, capture_output=True,
                          text=True, timeout=300, preexec_fn=full_disk, check=False)  # fmt: skip

    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    [message] = [line for line in done.stderr.splitlines() if line.startswith("plan-monitor:")]
    assert "(is its disk full?)" in message
    assert message.endswith("what this command was writing was not kept")
    with sqlite3.connect(store) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        unfinished = connection.execute("SELECT count(*) FROM evaluation_run WHERE finished_at IS NULL").fetchone()
        assert unfinished == (0,)  # a run is stored whole or not at all
