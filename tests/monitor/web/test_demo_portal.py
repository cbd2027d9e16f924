"""The demo prints the portal's address and a sign-in link; `plan-monitor web --demo` serves the
demo's store, and the link signs the department in."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import ROOT
from tests.monitor.daemons import RUNNING, WAIT
from tests.monitor.web.test_browser import _free_port


def test_the_demo_prints_a_link_that_signs_in_on_the_demo_s_portal(tmp_path: Path) -> None:
    port = _free_port()
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path),
           "PLAN_MONITOR_DATA_DIR": str(tmp_path / "var"), "PLAN_MONITOR_WEB_PORT": str(port)}  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "monitor", "demo"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=WAIT, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"plan-monitor web --demo, then open http://127.0.0.1:{port}/" in done.stdout
    found = re.search(rf"sign in as Sở Kế hoạch và Đầu tư with this link .*: (http://127.0.0.1:{port}/dang-nhap/\S+)",
                      done.stdout)  # fmt: skip
    assert found, done.stdout
    key = tmp_path / "var" / "demo" / "portal.key"
    assert key.stat().st_mode & 0o077 == 0  # the demo's own secret, readable by its owner only
    assert key.read_text() not in done.stdout

    log = (tmp_path / "web.log").open("wb")
    web = subprocess.Popen([sys.executable, "-m", "monitor", "web", "--demo"], cwd=ROOT, env=env, stdout=log,
                           stderr=subprocess.STDOUT)  # fmt: skip
    RUNNING.append(web)
    deadline = time.monotonic() + WAIT
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert web.poll() is None, (tmp_path / "web.log").read_text()
            assert time.monotonic() < deadline, "the demo's portal did not listen"
            time.sleep(0.1)
    with httpx.Client() as client:
        page = client.get(found.group(1))
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert csrf, page.text
        signed = client.post(found.group(1), data={"csrf": csrf.group(1)}, follow_redirects=True)
    web.terminate()
    web.wait(timeout=WAIT)
    assert signed.status_code == 200
    assert "Sở Kế hoạch và Đầu tư" in signed.text
    assert "tình hình đến ngày 31/07/2022" in signed.text
    assert "Giải ngân kế hoạch vốn đầu tư công năm 2022" in signed.text
