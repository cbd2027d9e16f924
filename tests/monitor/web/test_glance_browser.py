"""The dashboard, a target's page and the report's download in a real browser (Debian's headless
Chromium through Playwright) against the real server started as a subprocess, at a phone's width
(375 px) and a desktop's (1280 px): nothing runs past the window's edge."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from tests.conftest import ROOT, TARGETS
from tests.monitor.conftest import copy_data_dir, use_data_dir
from tests.monitor.web.conftest import SECRET

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
WAIT = 60.0
ADMIN = "van-phong@bacgiang.example"  # the plan's admin: Văn phòng UBND tỉnh


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(evaluated_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, Path]]:
    """`plan-monitor web --as-of 2022-07-31` over the evaluated examples, with one explanation recorded."""
    data = copy_data_dir(evaluated_data, tmp_path / "var")
    use_data_dir(monkeypatch, data)
    explained = CliRunner().invoke(
        cli,
        ["ack", "add", "public-investment-disbursement", "--period", "2022-07", "--cause", "Vướng giải phóng mặt bằng",
         "--remedy", "Đôn đốc chủ đầu tư", "--expected", "2022-09-30"],
    )  # fmt: skip
    assert explained.exit_code == 0, explained.output
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLAN_MONITOR_")} | {
        "PYTHONPATH": str(ROOT), "PLAN_MONITOR_DATA_DIR": str(data), "PLAN_MONITOR_TARGETS": str(TARGETS),
        "PLAN_MONITOR_SECRET_KEY": SECRET, "PLAN_MONITOR_WEB_PORT": str(port),
    }  # fmt: skip
    log = (tmp_path / "web.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "monitor", "web", "--as-of", "2022-07-31"], env=env, cwd=ROOT, stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + WAIT
    while True:
        try:
            urllib.request.urlopen(base + "/metrics", timeout=5).close()
            break
        except (urllib.error.URLError, ConnectionError):
            assert process.poll() is None, (tmp_path / "web.log").read_text()
            assert time.monotonic() < deadline, "the web server did not start"
            time.sleep(0.2)
    try:
        yield base, data
    finally:
        process.terminate()
        process.wait(timeout=WAIT)
        log.close()
        assert "Traceback" not in (tmp_path / "web.log").read_text(errors="replace")


def _link(mail: Path) -> str:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        found = _written_link(mail)
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"no sign-in link was written in {mail}")


def _written_link(mail: Path) -> str | None:
    for path in sorted(mail.glob("*.eml"), key=lambda p: p.stat().st_mtime, reverse=True):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if ADMIN in str(message["To"]):
            body = message.get_body(preferencelist=("plain",))
            assert body is not None
            found = re.search(r"https?://\S+/dang-nhap/\S+", str(body.get_content()))
            if found:
                return found.group(0)
    return None


def _no_overflow(page: object) -> None:
    wide = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")  # type: ignore[attr-defined]
    assert wide[0] <= wide[1], f"the page is {wide[0]} px wide in a {wide[1]} px window"


@pytest.mark.parametrize("width", [375, 1280])
def test_the_dashboard_and_a_target_page_in_a_browser(server: tuple[str, Path], width: int, tmp_path: Path) -> None:
    base, data = server
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": width, "height": 800}, accept_downloads=True)
        page.goto(base + "/dang-nhap")
        page.fill("#address", ADMIN)
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.goto(_link(data / "mail").replace("http://127.0.0.1:8000", base))
        page.click("#enter")
        page.wait_for_url(base + "/")

        page.goto(base + "/bang-tin")
        text = page.inner_text("main")
        assert re.search(r"\d+/\d+ chỉ tiêu đạt hoặc đúng tiến độ", text)
        assert "III. Mục tiêu chủ yếu" in text
        assert "V. Nhiệm vụ và giải pháp chủ yếu" in text
        disbursement = page.locator("#s-public-investment-disbursement")
        assert "Chậm tiến độ" in disbursement.inner_text()
        assert "2.580,386 tỷ đồng" in disbursement.inner_text()
        assert "36,4%" in disbursement.inner_text()  # of the year's 7.088,973
        colour = disbursement.locator(".dot").evaluate("e => getComputedStyle(e).backgroundColor")
        assert colour == "rgb(192, 57, 43)"  # behind's red
        _no_overflow(page)

        page.select_option("select[name=tinh-trang]", "critical")
        page.click("form.filters button")
        rows = page.locator("table.glance tbody tr")
        assert rows.count() >= 2
        assert all(t.strip() for t in rows.locator("td.status").all_inner_texts())
        assert set(rows.locator("td.status").all_inner_texts()) == {"Nghiêm trọng"}
        page.select_option("select[name=tinh-trang]", "")
        page.select_option("select[name=don-vi]", "so-tai-chinh")
        page.click("form.filters button")
        names = " ".join(page.locator("td.name").all_inner_texts())
        assert "Thu ngân sách nhà nước trên địa bàn" in names
        assert "Khách du lịch" not in names
        _no_overflow(page)

        page.goto(base + "/bang-tin")
        with page.expect_download() as pdf:
            page.click("a[href^='/bang-tin/bao-cao.pdf']")
        saved = tmp_path / "report.pdf"
        pdf.value.save_as(saved)
        extracted = subprocess.run(["pdftotext", str(saved), "-"], capture_output=True, text=True, check=True).stdout
        assert "TÌNH HÌNH THỰC HIỆN CÁC CHỈ TIÊU CHỦ YẾU" in extracted

        page.click("#s-public-investment-disbursement td.name a")
        page.wait_for_load_state()
        assert "/chi-tieu/public-investment-disbursement" in page.url
        body = page.inner_text("main")
        assert "Chậm tiến độ" in page.inner_text("#status")
        assert "Vốn ODA" in body  # a breakdown part
        assert "07-so-khdt-giai-ngan-7-thang.xlsx" in body  # the figure's file, in the history
        assert "Sở Kế hoạch và Đầu tư" in body  # who sent it
        assert "đang cảnh báo" in body  # the alert's transition
        assert "Vướng giải phóng mặt bằng" in body  # the explanation
        chart = page.locator("figure.chart img")
        assert chart.evaluate("e => e.complete && e.naturalWidth > 0")  # the SVG was served and drawn
        assert chart.bounding_box()["width"] <= width
        _no_overflow(page)
        browser.close()
