"""The dashboard, a target's page and the report's download in-process: who may see them, what a
wrong filter gets, what is refused."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from tests.monitor.web.conftest import Site


def test_every_glance_page_needs_a_session(site: Site) -> None:
    for path in ("/bang-tin", "/bang-tin/bao-cao.pdf", "/chi-tieu/revenue", "/chi-tieu/revenue/bieu-do.svg"):
        answer = site.client.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"] == "/dang-nhap"


def test_the_dashboard_says_what_was_wrong_with_a_filter(site: Site) -> None:
    site.sign_in("health@bacgiang.example")  # any signed-in department reads the whole plan
    page = site.client.get("/bang-tin", params={"ngay": "31/07/2022<b>", "tinh-trang": "nope", "don-vi": "x"})
    assert page.status_code == 200
    assert "Ngày «31/07/2022&lt;b&gt;» không hợp lệ (cần dạng 2022-07-31)" in page.text  # escaped, said
    assert "Không có tình trạng này" in page.text
    assert "Không có đơn vị này" in page.text
    assert re.search(r"\d+/\d+ chỉ tiêu đạt hoặc đúng tiến độ", page.text)
    assert "Thu ngân sách" in page.text


def test_the_report_downloads_in_each_format_and_an_unknown_one_is_not_found(site: Site) -> None:
    site.sign_in("health@bacgiang.example")
    xlsx = site.client.get("/bang-tin/bao-cao.xlsx", params={"ngay": "2022-07-31"})
    assert xlsx.status_code == 200
    assert xlsx.headers["content-disposition"] == 'attachment; filename="bao-cao-tien-do-2022-07-31.xlsx"'
    sheet = load_workbook(io.BytesIO(xlsx.content))["Báo cáo"]
    assert any(row[1] == "Thu ngân sách" for row in sheet.iter_rows(values_only=True))
    html = site.client.get("/bang-tin/bao-cao.html")
    assert html.headers["content-type"].startswith("text/html")
    assert "Tình hình thực hiện các chỉ tiêu chủ yếu" in html.text
    assert site.client.get("/bang-tin/bao-cao.exe").status_code == 404


def test_an_unknown_target_is_not_found_and_a_known_one_has_its_chart(site: Site) -> None:
    site.sign_in("health@bacgiang.example")
    assert site.client.get("/chi-tieu/no-such-target").status_code == 404
    page = site.client.get("/chi-tieu/revenue")
    assert page.status_code == 200
    assert "Chưa nhận được số liệu nào." in page.text
    chart = site.client.get("/chi-tieu/revenue/bieu-do.svg")
    assert chart.headers["content-type"].startswith("image/svg+xml")
    assert chart.text.lstrip().startswith("<?xml")
    assert "<script" not in chart.text
