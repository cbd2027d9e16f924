"""Local SMTP servers for the mail benchmark, each in its own process: they accept every message,
throw it away, and say how many they accepted.

- Postfix's `smtp-sink` (the default): a C test server made to measure SMTP clients, so that the
  time measured is the sender's. Debian and Ubuntu ship it in the package postfix
  (`apt-get install postfix`, answering "No configuration": no mail system is set up or started).
  Run with `-c`, it prints its running count of messages ("mesg=N"); as root it needs `-u nobody`.
- aiosmtpd (`python -m bench.sink PORT`, which prints the count on SIGTERM): the Python server the
  tests use; far slower than the clients it would measure, so only a fall-back.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

SMTP_SINK_PLACES = ("/usr/sbin/smtp-sink", "/usr/bin/smtp-sink")
INSTALL = (
    'smtp-sink not found: install it with `apt-get install postfix` (answer "No configuration"), '
    "or run with --server aiosmtpd"
)


def smtp_sink() -> str | None:
    """Where Postfix's smtp-sink is, or None (it lives in /usr/sbin, often not on a user's PATH)."""
    found = shutil.which("smtp-sink")
    return found or next((place for place in SMTP_SINK_PLACES if os.access(place, os.X_OK)), None)


class Server:
    """One of the servers, started in its own process on 127.0.0.1:`port` until `stop()`."""

    def __init__(self, kind: str, port: int, env: dict[str, str], cwd: Path, log: Path) -> None:
        self.kind, self.port, self.log = kind, port, log
        if kind == "smtp-sink":
            program = smtp_sink()
            if program is None:
                raise SystemExit(INSTALL)
            user = ["-u", "nobody"] if os.geteuid() == 0 else []  # it refuses to run as root otherwise
            argv = [program, "-c", *user, f"127.0.0.1:{port}", "256"]
        else:
            argv = [sys.executable, "-m", "bench.sink", str(port)]
        with log.open("wb") as out:  # a file, not a pipe: smtp-sink would block once a pipe is full
            self.process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        self._wait_until_listening()

    def _wait_until_listening(self, patience: float = 30.0) -> None:
        deadline = time.monotonic() + patience
        while True:
            if self.process.poll() is not None:
                output = self.log.read_text(errors="replace")
                raise SystemExit(f"the {self.kind} server ended at once: {output.strip()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"the {self.kind} server does not listen on port {self.port}") from None
                time.sleep(0.05)

    def stop(self) -> int:
        """End the server; how many messages it accepted."""
        self.process.terminate()
        self.process.wait(timeout=60)
        output = self.log.read_text(errors="replace")
        if self.kind == "smtp-sink":
            counts = re.findall(r"mesg=(\d+)", output)
            return int(counts[-1]) if counts else 0
        return int(output.split()[-1]) if output.split() else 0


class Counter:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802  (aiosmtpd's hook)
        self.count += 1
        return "250 OK"


def main() -> None:
    from aiosmtpd.controller import Controller

    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=int(sys.argv[1]))
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    controller.stop()
    print(counter.count, flush=True)


if __name__ == "__main__":
    main()
