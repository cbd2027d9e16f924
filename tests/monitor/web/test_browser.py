"""The portal in a real browser: headless Chromium (Debian's, through Playwright's Python API)
against the real server, started as a subprocess, on SQLite and on PostgreSQL.

The journey of a department behind on disbursement: ask for a link, read it from the .eml file,
sign in, download the template, fill it in, upload it, see the figure and the alert change, and
record an explanation of the part still behind.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import ROOT, TARGETS
from tests.monitor.daemons import DISBURSEMENT, RUNNING, WAIT

CHROMIUM = Path("/usr/bin/chromium")
SECRET = "a-browser-test-secret-key-0123456789-abcdefghij"
ADDRESS = "so-khdt@bacgiang.example"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """`plan-monitor web` in its own process, its log in a file."""

    def __init__(self, home: Path, database_url: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.mail = home / "var" / "mail"
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PLAN_MONITOR_")},
            "PLAN_MONITOR_DATA_DIR": str(home / "var"), "PLAN_MONITOR_DATABASE_URL": database_url,
            "PLAN_MONITOR_TARGETS": str(home / "targets"), "PLAN_MONITOR_SECRET_KEY": SECRET,
            "PLAN_MONITOR_WEB_PORT": str(self.port), "PLAN_MONITOR_PUBLIC_URL": self.url,
        }  # fmt: skip
        self.log = home / "web.log"

    def command(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "monitor", *args], env=self.env, cwd=ROOT, capture_output=True,
                              text=True, timeout=WAIT, check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self) -> None:
        handle = self.log.open("ab")
        self.process = subprocess.Popen([sys.executable, "-m", "monitor", "web", "--as-of", "2022-07-31"],
                                        env=self.env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT)  # fmt: skip
        RUNNING.append(self.process)
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"the portal did not listen within {WAIT} s:\n{self.log.read_text()}")

    def link(self) -> str:
        """The sign-in link of the latest email to the department."""
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            for path in sorted(self.mail.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns, reverse=True):
                message = message_from_bytes(path.read_bytes(), policy=policy.default)
                body = message.get_body(preferencelist=("plain",))
                found = re.search(r"http://\S+/dang-nhap/\S+", str(body.get_content()) if body else "")
                if ADDRESS in str(message["To"]) and found:
                    return found.group(0)
            time.sleep(0.1)
        raise AssertionError("no sign-in link was emailed")


@pytest.fixture
def server(tmp_path: Path, database_url: str) -> Iterator[Server]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    shutil.copytree(TARGETS, tmp_path / "targets")
    server = Server(tmp_path, database_url)
    server.command("db", "upgrade")
    server.command("ingest", str(DISBURSEMENT), "--submitter", "so-khdt")
    server.command("evaluate", "--as-of", "2022-07-31")
    server.start()
    yield server
    server.process.terminate()
    server.process.wait(timeout=WAIT)
    assert "Traceback" not in server.log.read_text()
    assert SECRET not in server.log.read_text()


def test_a_department_signs_in_sends_its_template_and_explains_a_shortfall(server: Server, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        page = browser.new_page(accept_downloads=True)
        page.goto(server.url + "/")
        expect(page).to_have_url(server.url + "/dang-nhap")
        page.fill("#address", ADDRESS)
        page.click("text=Gửi liên kết đăng nhập")
        expect(page.locator("h1")).to_have_text("Hãy kiểm tra hộp thư")

        page.goto(server.link())
        page.click("#enter")
        expect(page).to_have_url(server.url + "/")
        total = page.locator("#row-public-investment-disbursement")
        expect(total.locator(".figure")).to_contain_text("2.580,386 tỷ đồng")
        expect(total.locator(".status")).to_have_text("Chậm tiến độ")
        expect(total.locator(".alert")).to_have_text("Đang cảnh báo")

        with page.expect_download() as download:
            page.click("text=Tải mẫu biểu Excel")
        template = tmp_path / "mau-bieu.xlsx"
        download.value.save_as(template)
        book = load_workbook(template)
        data = book["Số liệu"]
        data["A2"], data["D2"], data["E2"] = "public-investment-disbursement", "2022-07", 4000
        book.save(template)

        page.click("text=Gửi tệp số liệu")
        page.set_input_files("#file", str(template))
        page.click("button:has-text('Gửi')")
        expect(page.locator("#headline")).to_have_text("Đã nhận 1 dòng: 0 số liệu mới, 1 số liệu sửa đổi, 0 không đổi.")

        page.click("text=Xem các chỉ tiêu")
        expect(total.locator(".figure")).to_contain_text("4.000 tỷ đồng")
        expect(total.locator(".status")).to_have_text("Đúng tiến độ")
        expect(total.locator(".alert")).to_have_text("Đã hết cảnh báo")

        oda = page.locator("#row-public-investment-disbursement-capital-source-oda")
        expect(oda.locator(".alert")).to_have_text("Đang cảnh báo")
        oda.locator("text=Giải trình").click()
        expect(page).to_have_url(re.compile(r"/giai-trinh/public-investment-disbursement\?part=capital-source/oda"))
        page.fill("#cause", "Nhà tài trợ chậm phê duyệt <hồ sơ>")
        page.fill("#remedy", "Làm việc với nhà tài trợ hằng tuần")
        page.fill("#expected", "2022-09-30")
        page.click("button:has-text('Ghi nhận giải trình')")
        expect(page.locator(".explanation")).to_contain_text("Nhà tài trợ chậm phê duyệt <hồ sơ>")
        expect(page.locator(".explanation")).to_contain_text("30/09/2022")
        browser.close()

    listed = server.command("ack", "list")
    assert "capital-source/oda" in listed
    assert "Nhà tài trợ chậm phê duyệt" in listed
