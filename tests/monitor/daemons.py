"""The real daemon as a subprocess, for tests: start it, read its log, wait for it, drop files
into its inbox the way a department does."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import ROOT, TARGETS
from tests.notifiers.smtp import PATIENCE, Mailbox, smtp_server

EXAMPLES = ROOT / "examples" / "2022"
DISBURSEMENT = EXAMPLES / "07-so-khdt-giai-ngan-7-thang.xlsx"
# How long a test waits for the daemon to do something or to stop: an upper bound for a failure,
# which a passing test never waits out, and which a machine whose cores are all busy stays well within.
WAIT = 120.0


RUNNING: list[subprocess.Popen[bytes]] = []


@pytest.fixture(autouse=True)
def no_daemon_outlives_its_test() -> Iterator[None]:
    yield
    while RUNNING:
        process = RUNNING.pop()
        if process.poll() is None:
            process.kill()
            process.wait(timeout=WAIT)


class Daemon:
    """`plan-monitor run` in its own process, its log in a file."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self.handle = log.open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "monitor", "run"], env=env, cwd=ROOT, stdout=self.handle, stderr=subprocess.STDOUT
        )
        RUNNING.append(self.process)

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, pattern: str, timeout: float = WAIT) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.text())
            if found:
                return found.group(0)
            if self.process.poll() is not None:
                raise AssertionError(f"the daemon exited ({self.process.returncode}):\n{self.text()}")
            time.sleep(0.1)
        raise AssertionError(f"no {pattern!r} within {timeout} s:\n{self.text()}")

    def stop(self, sig: int = signal.SIGTERM, timeout: float = WAIT) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        code = self.process.wait(timeout=timeout)
        self.handle.close()
        return code


@pytest.fixture
def home(tmp_path: Path) -> Path:
    shutil.copytree(TARGETS, tmp_path / "targets")
    (tmp_path / "var" / "inbox").mkdir(parents=True)
    return tmp_path


def _schedules_far_from_now() -> dict[str, str]:
    """The daemon's cron jobs at an hour twelve hours from now, whenever the test runs: no scheduled
    tick falls within a test (a run missed during downtime is one the test sets up itself)."""
    hour = (dt.datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).hour + 12) % 24  # the daemon's time zone
    return {"PLAN_MONITOR_EVALUATE_CRON": f"0 {hour} * * *", "PLAN_MONITOR_OVERDUE_CRON": f"30 {hour} * * *",
            "PLAN_MONITOR_WEEKLY_CRON": f"0 {hour} * * mon"}  # fmt: skip


def environment(home: Path, port: int | None, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAN_MONITOR_")}
    env |= _schedules_far_from_now()
    env |= {
        "PYTHONPATH": str(ROOT), "PLAN_MONITOR_DATA_DIR": str(home / "var"),
        "PLAN_MONITOR_TARGETS": str(home / "targets"),
        "PLAN_MONITOR_INBOX_SECONDS": "1", "PLAN_MONITOR_OUTBOX_SECONDS": "1", "PLAN_MONITOR_RELOAD_SECONDS": "1",
        "PLAN_MONITOR_STANDBY_SECONDS": "1",
        "PLAN_MONITOR_INBOX_SETTLE_SECONDS": "0.3",  # the tests' files arrive whole: renamed into the inbox
    }  # fmt: skip
    if port is not None:
        env |= {"PLAN_MONITOR_SMTP_HOST": "127.0.0.1", "PLAN_MONITOR_SMTP_PORT": str(port),
                "PLAN_MONITOR_SMTP_SECURITY": "none", "PLAN_MONITOR_SMTP_TIMEOUT": str(PATIENCE)}  # fmt: skip
    return env | {f"PLAN_MONITOR_{k.upper()}": v for k, v in settings.items()}


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    with smtp_server() as server:
        yield server


def drop(home: Path, source: Path, department: str = "so-khdt", name: str | None = None) -> None:
    """Put a file in a department's inbox folder the way a department would: written aside, then
    moved in."""
    folder = home / "var" / "inbox" / department
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f"{name or source.name}.part"
    shutil.copy2(source, partial)
    partial.rename(partial.with_suffix(""))


def sender_of(example: Path) -> str:
    """The department that sends an example file: the id after its number (``07-so-khdt-…``), whose
    folder it goes in, since a department's folder carries only its own targets."""
    from rules import load_plan

    rest = example.name.partition("-")[2]
    return max((d for d in load_plan([TARGETS]).departments if rest.startswith(f"{d}-")), key=len)


def waiting(home: Path) -> list[Path]:
    """The files still waiting in the inbox's department folders."""
    inbox = home / "var" / "inbox"
    aside = {"processed", "rejected", "quarantine"}
    return [p for p in inbox.glob("*/*") if p.parent.name not in aside and p.is_file()]


def wait_until(condition: Callable[[], bool], timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.2)
