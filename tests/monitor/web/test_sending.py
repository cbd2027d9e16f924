"""Sending figures through the portal: a file or one figure, through the same ingestion and the
same rights rule, answered at once in Vietnamese and by email, every submission recorded."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from monitor.ingest.inbox import process_inbox
from monitor.store.figures import figures
from monitor.store.muting import acknowledgements
from monitor.store.submissions import comments, submissions
from tests.conftest import PLAN
from tests.monitor.official_sheets import FILES
from tests.monitor.test_encodings import windows_1258
from tests.monitor.web.conftest import Site

GOOD = b"target,period,value\nrevenue,2022-03,900\n"


def upload(site: Site, name: str, body: bytes, kind: str = "text/csv") -> object:
    return site.client.post(
        "/gui-so-lieu", data={"csrf": site.csrf("/gui-so-lieu")}, files={"file": (name, body, kind)}
    )


def test_an_uploaded_file_is_stored_shown_recorded_and_confirmed_by_email(site: Site) -> None:
    site.sign_in("finance@bacgiang.example")
    answer = upload(site, "thu-ngan-sach.csv", GOOD)
    assert answer.status_code == 200  # type: ignore[attr-defined]
    assert "Đã nhận 1 dòng: 1 số liệu mới, 0 số liệu sửa đổi, 0 không đổi." in answer.text  # type: ignore[attr-defined]
    assert [(f.target_id, f.period, f.value, f.submitter) for f in figures(site.engine, plan=PLAN)] == [
        ("revenue", "2022-03", Decimal(900), "finance")
    ]
    assert "900 tỷ đồng" in site.client.get("/").text
    [record] = submissions(site.engine, plan=PLAN)
    assert (record.department_id, record.channel, record.client, record.file_name, record.outcome) == (
        "finance", "upload", "testclient", "thu-ngan-sach.csv", "ingested"
    )  # fmt: skip
    assert record.ingestion_id is not None
    assert any("Tệp thu-ngan-sach.csv: Đã nhận 1 dòng" in text for text in site.emails_to("finance@bacgiang.example"))

    again = upload(site, "thu-ngan-sach.csv", GOOD)
    assert "Tệp này đã được gửi trước đây; không có gì thay đổi." in again.text  # type: ignore[attr-defined]


def test_a_refused_file_lists_each_row_s_problem_in_vietnamese_and_stores_nothing(site: Site) -> None:
    site.sign_in("finance@bacgiang.example")
    answer = upload(site, "sai.csv", b"target,period,value\nrevenue,2022-03,many\nrevenu,2022-04,5\n")
    assert answer.status_code == 422  # type: ignore[attr-defined]
    text = answer.text  # type: ignore[attr-defined]
    assert "Tệp bị từ chối, không số liệu nào được lưu (2 lỗi)" in text
    assert "Dòng 2, cột giá trị (&#39;many&#39;): không phải là số" in text
    assert "Dòng 3, cột chỉ tiêu (&#39;revenu&#39;): không có chỉ tiêu này; có phải là &#39;revenue&#39;?" in text
    assert figures(site.engine, plan=PLAN) == []
    [reply] = [t for t in site.emails_to("finance@bacgiang.example") if "sai.csv" in t]
    assert "Dòng 2, cột giá trị ('many'): không phải là số" in reply


def test_a_department_cannot_write_another_s_target_by_upload_or_form(site: Site) -> None:
    site.sign_in("health@bacgiang.example")
    answer = upload(site, "thu-ngan-sach.csv", GOOD)
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert "chỉ tiêu revenue do finance phụ trách" in answer.text  # type: ignore[attr-defined]
    form = site.client.post("/nhap-so-lieu", data={"csrf": site.csrf("/nhap-so-lieu"), "series": "revenue",
                                                   "period": "2022-03", "value": "900"})  # fmt: skip
    assert form.status_code == 403
    assert figures(site.engine, plan=PLAN) == []
    assert [s.outcome for s in submissions(site.engine, plan=PLAN)] == ["rejected"]


def test_one_figure_entered_in_the_form_is_stored_with_its_status(site: Site) -> None:
    site.sign_in("finance@bacgiang.example")
    page = site.client.get("/nhap-so-lieu").text
    assert '<option value="revenue">(5) Thu ngân sách</option>' in page
    assert '<option value="2022-07">tháng 7/2022</option>' in page
    assert "2022-08" not in page  # not begun on the portal's day
    sent = {"series": "revenue", "period": "2022-06", "value": "1.234,5", "status": "estimate"}
    answer = site.client.post("/nhap-so-lieu", data={"csrf": site.csrf("/nhap-so-lieu"), **sent})
    assert answer.status_code == 200, answer.text
    [figure] = figures(site.engine, plan=PLAN)
    assert (figure.period, figure.value, figure.status.value) == ("2022-06", Decimal("1234.5"), "estimate")
    assert submissions(site.engine, plan=PLAN)[0].channel == "form"


def test_the_template_filled_in_with_openpyxl_is_ingested_by_upload_and_by_the_inbox(site: Site) -> None:
    site.sign_in("finance@bacgiang.example")
    download = site.client.get("/mau-bieu.xlsx")
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(download.content))
    assert book.sheetnames == ["Số liệu", "Danh mục", "Hướng dẫn"]
    data, lists = book["Số liệu"], book["Danh mục"]
    assert [c.value for c in data[1]] == ["chỉ tiêu", "tên chỉ tiêu", "phân tổ", "kỳ", "giá trị", "đơn vị",
                                          "trạng thái", "ghi chú", "điều chỉnh"]  # fmt: skip
    assert [(r[0].value, r[1].value, r[2].value) for r in lists.iter_rows(min_row=2, max_col=3)] == [
        ("revenue", "(5) Thu ngân sách", "tỷ đồng"),
        ("visitors", "(9) <script>alert(1)</script> Khách du lịch", "tỷ đồng"),
        *[(None, None, None)] * 5,
    ]
    assert lists["H2"].value == "2022-07"
    assert lists["I2"].value == "tháng 7/2022"
    checked = {str(v.sqref): v.formula1 for v in data.data_validations.dataValidation}
    assert checked["A2:A301"] == "'Danh mục'!$A$2:$A$3"
    assert checked["D2:D301"] == "'Danh mục'!$H$2:$H$8"
    assert "Đơn vị chỉ gửi được số liệu" in str(book["Hướng dẫn"]["A9"].value)

    data["A2"], data["D2"], data["E2"], data["G2"] = "revenue", "2022-06", 5000, "ước"
    data["A3"], data["D3"], data["E3"] = "visitors", "2022-06", 12.5
    filled = io.BytesIO()
    book.save(filled)
    answer = upload(site, "mau-bieu-finance.xlsx", filled.getvalue(), "application/octet-stream")
    assert "Đã nhận 2 dòng: 2 số liệu mới" in answer.text  # type: ignore[attr-defined]

    data["E2"] = 5100
    again = io.BytesIO()
    book.save(again)
    folder = site.settings.effective_inbox() / "finance"
    folder.mkdir(parents=True)
    (folder / "mau-bieu.xlsx").write_bytes(again.getvalue())
    [report] = process_inbox(site.engine, site.client.app.state.portal.plan, site.settings.effective_inbox())  # type: ignore[attr-defined]
    assert (report.outcome.value, report.revised, report.unchanged) == ("ingested", 1, 1)


def test_an_explanation_is_taken_only_on_a_firing_alert(site: Site) -> None:
    site.sign_in("finance@bacgiang.example")
    path = "/giai-trinh/revenue?part=&period=2022-06"
    page = site.client.get(path).text
    assert "hiện không có cảnh báo" in page
    assert "Ghi nhận giải trình" not in page
    sent = site.client.post(path, data={"csrf": site.csrf(path), "kind": "explanation", "cause": "x", "remedy": "y"})
    assert sent.status_code == 409
    assert "hiện không có cảnh báo" in sent.text
    assert acknowledgements(site.engine, "revenue", plan=PLAN) == []
    upload(site, "thu-ngan-sach.csv", b"target,period,value\nrevenue,2022-06,100\n")  # far behind: fires at once
    page = site.client.get(path).text
    assert "Ghi nhận giải trình" in page
    assert "hiện không có cảnh báo" not in page


def test_an_explanation_is_recorded_by_its_department_only_and_leaders_comment(site: Site) -> None:
    site.sign_in("finance@bacgiang.example")
    upload(site, "thu-ngan-sach.csv", b"target,period,value\nrevenue,2022-06,100\n")  # far behind: fires at once
    site.client.cookies.clear()
    site.sign_in("health@bacgiang.example")
    path = "/giai-trinh/revenue?part=&period=2022-06"
    assert site.client.get(path).status_code == 200
    refused = site.client.post(path, data={"csrf": site.csrf(path), "kind": "explanation", "cause": "x", "remedy": "y"})
    assert refused.status_code == 403
    site.client.cookies.clear()

    site.sign_in("finance@bacgiang.example")
    page = site.client.get(path).text
    assert "Ghi nhận giải trình" in page
    assert "Cho ý kiến" not in page
    sent = site.client.post(path, data={"csrf": site.csrf(path), "kind": "explanation", "cause": "Thu tiền đất chậm",
                                        "remedy": "Đẩy nhanh đấu giá", "expected": "2022-09-30"})  # fmt: skip
    assert sent.status_code == 200  # after the redirect: the page with it
    assert "Thu tiền đất chậm" in sent.text
    assert "30/09/2022" in sent.text
    [ack] = acknowledgements(site.engine, "revenue", plan=PLAN)
    assert (ack.period, ack.cause, ack.created_by, str(ack.expected_date)) == (
        "2022-06",
        "Thu tiền đất chậm",
        "finance",
        "2022-09-30",
    )
    site.client.cookies.clear()

    site.sign_in("leader@bacgiang.example")
    page = site.client.get(path).text
    assert "Thu tiền đất chậm" in page
    assert "Cho ý kiến" in page
    assert "Ghi nhận giải trình" not in page
    site.client.post(path, data={"csrf": site.csrf(path), "kind": "comment", "text": "Đề nghị báo cáo hằng tuần"})
    assert [(c.text, c.created_by) for c in comments(site.engine, "revenue", plan=PLAN)] == [
        ("Đề nghị báo cáo hằng tuần", "leader")
    ]
    bad = site.client.post(path, data={"csrf": site.csrf(path), "kind": "explanation", "cause": "x", "remedy": "y"})
    assert bad.status_code == 403
    assert site.client.get("/giai-trinh/revenue?period=banana").status_code == 400
    assert site.client.get("/giai-trinh/nothing?period=2022-06").status_code == 404


def test_an_explanation_or_a_comment_returns_to_its_page_by_path_whatever_host_a_proxy_names(site: Site) -> None:
    # A reverse proxy passes the portal's own address as Host unless told otherwise (nginx does):
    # the browser must come back to the address it reached the portal by, not to that one.
    site.sign_in("finance@bacgiang.example")
    upload(site, "thu-ngan-sach.csv", b"target,period,value\nrevenue,2022-06,100\n")  # fires at once
    path = "/giai-trinh/revenue?part=&period=2022-06"
    proxied = {"host": "127.0.0.1:8000", "x-forwarded-proto": "https"}
    sent = {"csrf": site.csrf(path), "kind": "explanation", "cause": "Thu tiền đất chậm", "remedy": "Đấu giá"}
    answer = site.client.post(path, data=sent, headers=proxied, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, path)
    site.client.cookies.clear()
    site.sign_in("leader@bacgiang.example")
    said = {"csrf": site.csrf(path), "kind": "comment", "text": "Đề nghị báo cáo hằng tuần"}
    answer = site.client.post(path, data=said, headers=proxied, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, path)


def test_a_figure_far_behind_fires_at_once_and_its_department_is_offered_the_explanation(site: Site) -> None:
    site.sign_in("finance@bacgiang.example")
    before = site.client.get("/").text
    assert "Đang cảnh báo" not in before
    upload(site, "thu-ngan-sach.csv", b"target,period,value\nrevenue,2022-06,100\n")
    page = site.client.get("/").text
    row = page[page.index('id="row-revenue"') :].split("</tr>")[0]
    assert "Nghiêm trọng" in row
    assert "Đang cảnh báo" in row
    assert "/giai-trinh/revenue?part=&amp;period=2022-06" in row
    site.client.cookies.clear()

    site.sign_in("leader@bacgiang.example")
    page = site.client.get("/").text
    row = page[page.index('id="row-revenue"') :].split("</tr>")[0]
    assert "Xem giải trình" in row
    site.client.cookies.clear()

    site.sign_in("health@bacgiang.example")
    assert 'id="row-revenue"' not in site.client.get("/").text  # a department's page: its own series


def test_a_file_name_with_a_line_break_is_answered_with_it_escaped(site: Site) -> None:
    from monitor.mail.portal import printable

    assert printable("thu\r\nBcc: x@y\x1b[2J.csv") == "thu\\r\\nBcc: x@y\\x1b[2J.csv"
    assert printable("a" * 200) == "a" * 120 + "…"
    folder = site.settings.effective_inbox() / "finance"
    folder.mkdir(parents=True)
    (folder / "thu\r\nBcc: x@y.csv").write_bytes(GOOD)
    from monitor.jobs import Jobs

    portal = site.client.app.state.portal  # type: ignore[attr-defined]
    settings = site.settings.model_copy(update={"inbox_settle_seconds": 0})
    assert Jobs(site.engine, settings, portal.plan).poll_inbox() == 1
    Jobs(site.engine, settings, portal.plan).drain()
    [reply] = site.emails_to("finance@bacgiang.example")
    assert "Tệp thu\\r\\nBcc: x@y.csv: Đã nhận 1 dòng" in reply


def test_a_windows_1258_report_in_the_official_layout_is_answered_with_how_it_was_read(site: Site) -> None:
    site.sign_in("finance@bacgiang.example")
    text = "SỞ TÀI CHÍNH TỈNH BẮC GIANG,,\nBÁO CÁO THU NGÂN SÁCH QUÝ I NĂM 2022,,\nĐơn vị tính: tỷ đồng,,\n" \
        "Chỉ tiêu,Kỳ,Giá trị\nrevenue,Tháng 3/2022,900\n"  # fmt: skip
    answer = upload(site, "thu-ngan-sach.csv", windows_1258(text))
    assert answer.status_code == 200, answer.text  # type: ignore[attr-defined]
    assert (
        "Đã nhận 1 dòng: 1 số liệu mới, 0 số liệu sửa đổi, 0 không đổi. Tệp CSV được đọc theo mã Windows-1258. "
        "Dòng tiêu đề cột là dòng 4, dưới tên báo cáo. Đơn vị tính tỷ đồng, theo dòng ghi ở đầu biểu."
    ) in answer.text  # type: ignore[attr-defined]
    assert [(f.target_id, f.period, f.value) for f in figures(site.engine, plan=PLAN)] == [
        ("revenue", "2022-03", Decimal(900))
    ]


def test_an_xls_or_ods_workbook_is_taken_by_the_portal(site: Site) -> None:
    site.sign_in("finance@bacgiang.example")
    for kind in ("xls", "ods"):
        answer = upload(site, f"ty-le.{kind}", (FILES / f"bhxh-ty-le.{kind}").read_bytes(), "application/octet-stream")
        assert answer.status_code == 422  # type: ignore[attr-defined]  # read, its rows judged: no such targets here
        problem = "Dòng 2, cột chỉ tiêu (&#39;health-insurance-coverage&#39;): không có chỉ tiêu này"
        assert problem in answer.text  # type: ignore[attr-defined]
