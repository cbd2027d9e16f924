"""The progress report as its readers see it: the PDF's text and pages, the workbook's cells, the
page's text against its snapshot, and the count of main targets as the source counts them."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from monitor.cli import cli
from monitor.progress import build_report, plan_text
from rules import Evaluation, Plan, Status
from tests.monitor.conftest import copy_data_dir, use_data_dir

SNAPSHOTS = Path(__file__).parent / "snapshots"
DAY = dt.date(2022, 7, 31)


@pytest.fixture
def explained(ingested_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The example figures, and the planning department's explanation of the disbursement's July."""
    use_data_dir(monkeypatch, copy_data_dir(ingested_data, tmp_path / "var"))
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["ack", "add", "public-investment-disbursement", "--period", "2022-07", "--cause", "Vướng giải phóng mặt bằng",
         "--remedy", "Đôn đốc chủ đầu tư", "--expected", "2022-09-30"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return runner


def _report(runner: CliRunner, fmt: str, *extra: str) -> Path:
    result = runner.invoke(cli, ["report", "--as-of", "2022-07-31", "--format", fmt, *extra])
    assert result.exit_code == 0, result.output
    path = Path(result.output.split(" (")[0])
    assert path.is_file()
    return path


def test_the_pdf_holds_the_rows_statuses_and_diacritics(explained: CliRunner, tmp_path: Path) -> None:
    pdf = _report(explained, "pdf")
    assert pdf.name == "bao-cao-tien-do-2022-07-31.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size:\s+841\.89 x 595\.2\d+ pts \(A4\)", info), info  # A4, landscape
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "TÌNH HÌNH THỰC HIỆN CÁC CHỈ TIÊU CHỦ YẾU KẾ HOẠCH PHÁT TRIỂN KINH TẾ - XÃ HỘI NĂM 2022" in text
    assert "0/18 chỉ tiêu chủ yếu đạt và vượt kế hoạch" in text
    for header in ("STT", "Chỉ tiêu", "Đơn vị tính", "Kế hoạch năm 2022", "Thực hiện (kỳ)", "Đánh giá"):
        assert header in text
    lines = text.splitlines()
    revenue = next(line for line in lines if "Thu ngân sách nhà nước trên địa bàn" in line)
    # (5): plan 10.788, 8.652 by July = 80,2 %, last year 10.500, on track
    assert re.search(
        r"5\s+Thu ngân sách nhà nước trên địa bàn\s+tỷ đồng\s+10\.788\s+8\.652\s+80,2\s+10\.500\s+Đúng tiến độ", revenue
    )
    disbursement = next(
        line for line in lines if "Giải ngân kế hoạch vốn đầu tư công năm 2022" in line and "7.088,973" in line
    )
    assert "Chậm" in disbursement
    assert "36,4" in disbursement
    assert "Vốn ODA" in text
    assert "Nghiêm trọng" in text
    assert "Chưa có số liệu" in text
    assert "Vướng giải phóng mặt bằng" in text
    assert "30/09/2022" in text
    assert "Chưa nhận được báo cáo tháng 6/2022" in text  # grain: no report from Agriculture
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    embedded = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert embedded, fonts
    assert all(" yes yes yes " in line for line in embedded), fonts  # every font embedded, as a subset
    assert all("DejaVu" in line for line in embedded), fonts  # one Vietnamese-capable family, no fallback
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    png = tmp_path / "page-1.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 10_000


def test_the_workbook_holds_numbers_as_numbers(explained: CliRunner) -> None:
    xlsx = _report(explained, "xlsx")
    book = load_workbook(xlsx)
    sheet = book["Báo cáo"]
    assert sheet["A1"].value == "Tình hình thực hiện các chỉ tiêu chủ yếu kế hoạch phát triển kinh tế - xã hội năm 2022"
    assert str(sheet["A3"].value).startswith("0/18 chỉ tiêu chủ yếu đạt và vượt kế hoạch")
    rows = {str(r[1]).strip(): r for r in sheet.iter_rows(min_row=6, values_only=True) if r[1]}
    revenue = rows["Thu ngân sách nhà nước trên địa bàn"]
    assert revenue[0] == "5"
    assert revenue[2] == "tỷ đồng"
    assert revenue[3] == 10788
    assert revenue[4] == 8652
    assert revenue[5] == "tháng 7/2022"
    assert isinstance(revenue[6], float)
    assert revenue[6] == pytest.approx(80.2)
    assert revenue[7] == 10500
    assert revenue[8] == "Đúng tiến độ"
    assert rows["Huy động vốn đầu tư phát triển toàn xã hội"][3] == "> 69.000"  # "trên": written, not a number
    behind = book["Chỉ tiêu chậm"]
    listed = list(behind.iter_rows(min_row=2, values_only=True))
    oda = next(r for r in listed if r[2] and "Vốn ODA" in str(r[2]))
    assert oda[3] == "Nghiêm trọng"
    assert isinstance(oda[4], int | float)
    explained_row = next(r for r in listed if r[1] == "Giải ngân kế hoạch vốn đầu tư công năm 2022" and not r[2])
    assert "Vướng giải phóng mặt bằng" in str(explained_row[10])


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip = tag in ("style", "title")
        if tag in ("tr", "p", "li", "h1", "h2"):
            self.parts.append("\x00")
        elif tag == "br":
            self.parts.append(" / ")

    def handle_endtag(self, tag: str) -> None:
        self._skip = False
        if tag in ("td", "th"):
            self.parts.append(" | ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def page_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    lines = (re.sub(r"\s+", " ", line).strip() for line in "".join(parser.parts).split("\x00"))
    return "\n".join(line for line in lines if line) + "\n"


def test_the_report_text_matches_its_snapshot(explained: CliRunner) -> None:
    html = _report(explained, "html").read_text(encoding="utf-8")
    text = page_text(html)
    snapshot = SNAPSHOTS / "report-2022-07-31.txt"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.write_text(text, encoding="utf-8")
    assert text == snapshot.read_text(encoding="utf-8"), "report changed: review, then UPDATE_SNAPSHOTS=1"


def test_one_department_s_report_and_its_output_path(explained: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "so-tai-chinh.html"
    path = _report(explained, "html", "--owner", "so-tai-chinh", "--output", str(out))
    assert path == out
    text = page_text(out.read_text(encoding="utf-8"))
    assert "chỉ tiêu do Sở Tài chính chủ trì" in text
    assert "Thu ngân sách nhà nước trên địa bàn" in text
    assert "Khách du lịch" not in text  # Culture's, not Finance's
    assert "Vốn ngân sách tỉnh" in text  # Finance is judged on the provincial part of the disbursement
    assert "Vốn ODA" not in text


def test_bad_arguments_are_messages(explained: CliRunner, tmp_path: Path) -> None:
    unknown = explained.invoke(cli, ["report", "--owner", "so-khong-co"])
    assert unknown.exit_code == 2
    assert "unknown department 'so-khong-co' (--owner)" in unknown.output
    nowhere = explained.invoke(cli, ["report", "--as-of", "2022-07-31", "--output", str(tmp_path / "no" / "r.pdf")])
    assert nowhere.exit_code == 2
    assert "does not exist" in nowhere.output
    assert not list(tmp_path.glob("*.part"))


def _judged(plan: Plan, status: Status, *, except_number: int | None = None) -> list[Evaluation]:
    return [
        Evaluation(t.id, "", DAY, Status.BEHIND if t.number == except_number and t.section == "III" else status, "")
        for t in plan.targets.values()
    ]


def test_main_targets_are_counted_as_the_source_counts_them(shipped_plan: Plan) -> None:
    everything = build_report(shipped_plan, _judged(shipped_plan, Status.ACHIEVED), DAY, {})
    assert (everything.main_met, everything.main_total) == (18, 18)  # (1)…(19), there is no (4)
    assert everything.met_sentence == "18/18 chỉ tiêu chủ yếu đạt và vượt kế hoạch"
    # One of (12)'s targets behind: the whole number is not met, and is counted once.
    one_short = build_report(shipped_plan, _judged(shipped_plan, Status.ACHIEVED, except_number=12), DAY, {})
    assert (one_short.main_met, dict(one_short.main_by_status)) == (17, {"behind": 1, "achieved": 17})
    assert one_short.status_sentence == "1 chậm, 17 đạt/vượt"
    numbers = [r.number for r in everything.rows if r.number]
    assert numbers[:4] == ["1", "2", "3", "5"]


def test_plan_text_is_written_as_the_source_writes_it(shipped_plan: Plan) -> None:
    targets = shipped_plan.targets
    assert plan_text(targets["social-investment"], Decimal(69000)) == "> 69.000"
    assert plan_text(targets["farm-output-per-ha"], None) == "135 - 140"
    assert plan_text(targets["economic-structure"], None) == "60 / 24 / 16"
    assert plan_text(targets["grdp-growth"], Decimal(14)) == "14"
