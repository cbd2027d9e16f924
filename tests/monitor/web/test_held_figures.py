"""The portal shows the Vietnamese words of each problem at their source, and holds implausible
figures unless they are marked as corrections: in an uploaded file, the template and the form."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook

from monitor.store.figures import figures
from tests.conftest import PLAN
from tests.monitor.web.conftest import Site


def upload(site: Site, name: str, text: str) -> object:
    return site.client.post(
        "/gui-so-lieu", data={"csrf": site.csrf("/gui-so-lieu")}, files={"file": (name, text.encode(), "text/csv")}
    )


def test_the_upload_page_and_the_reply_show_a_formerly_untold_problem_in_vietnamese(site: Site) -> None:
    site.sign_in("finance@bacgiang.example")
    answer = upload(site, "ky-sai.csv", "target,period,value\nrevenue,tháng mười,5\n")
    assert answer.status_code == 422  # type: ignore[attr-defined]
    text = answer.text  # type: ignore[attr-defined]
    assert "Dòng 2, cột kỳ (&#39;tháng mười&#39;): không đọc được kỳ báo cáo; hãy viết ví dụ 2022-07" in text
    assert "is not a period" not in text
    [reply] = [t for t in site.emails_to("finance@bacgiang.example") if "ky-sai.csv" in t]
    assert "Dòng 2, cột kỳ ('tháng mười'): không đọc được kỳ báo cáo" in reply
    assert "is not a period" not in reply


def test_a_year_to_date_total_that_falls_is_held_until_marked_as_a_correction(site: Site) -> None:
    site.sign_in("finance@bacgiang.example")
    assert upload(site, "thang-5.csv", 'target,period,value\nrevenue,2022-05,"5.012,6"\n').status_code == 200  # type: ignore[attr-defined]
    refused = upload(site, "thang-6.csv", "target,period,value\nrevenue,2022-06,1\n")
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert (
        "Dòng 2, cột giá trị (&#39;1&#39;): số lũy kế nhỏ hơn số 5.012,6 tỷ đồng của kỳ trước (tháng 5/2022, "
        "tệp thang-5.csv, dòng 2); số lũy kế không giảm; nếu đây là số điều chỉnh, hãy ghi &#39;có&#39; ở cột "
        "điều chỉnh" in refused.text  # type: ignore[attr-defined]
    )
    assert [f.period for f in figures(site.engine, plan=PLAN)] == ["2022-05"]
    [reply] = [t for t in site.emails_to("finance@bacgiang.example") if "thang-6.csv" in t]
    assert "số lũy kế nhỏ hơn số 5.012,6 tỷ đồng" in reply

    marked = upload(site, "thang-6-dieu-chinh.csv", "chỉ tiêu,kỳ,giá trị,điều chỉnh\nrevenue,2022-06,1,có\n")
    assert marked.status_code == 200, marked.text  # type: ignore[attr-defined]
    assert [(f.period, f.value) for f in figures(site.engine, plan=PLAN)] == [
        ("2022-05", Decimal("5012.6")),
        ("2022-06", Decimal(1)),
    ]


def test_the_one_figure_form_holds_a_falling_total_unless_ticked_as_a_correction(site: Site) -> None:
    site.sign_in("finance@bacgiang.example")
    assert 'name="correction"' in site.client.get("/nhap-so-lieu").text
    sent = {"series": "revenue", "period": "2022-05", "value": "5.012,6"}
    assert site.client.post("/nhap-so-lieu", data={"csrf": site.csrf("/nhap-so-lieu"), **sent}).status_code == 200
    sent = {"series": "revenue", "period": "2022-06", "value": "1"}
    refused = site.client.post("/nhap-so-lieu", data={"csrf": site.csrf("/nhap-so-lieu"), **sent})
    assert refused.status_code == 422
    assert "số lũy kế nhỏ hơn số 5.012,6 tỷ đồng của kỳ trước (tháng 5/2022" in refused.text
    ticked = site.client.post("/nhap-so-lieu", data={"csrf": site.csrf("/nhap-so-lieu"), **sent, "correction": "có"})
    assert ticked.status_code == 200, ticked.text
    assert sorted(f.period for f in figures(site.engine, plan=PLAN)) == ["2022-05", "2022-06"]


def test_the_template_has_the_correction_column_which_lets_a_held_figure_in(site: Site) -> None:
    site.sign_in("finance@bacgiang.example")
    assert upload(site, "thang-5.csv", "target,period,value\nrevenue,2022-05,5000\n").status_code == 200  # type: ignore[attr-defined]
    book = load_workbook(io.BytesIO(site.client.get("/mau-bieu.xlsx").content))
    data = book["Số liệu"]
    assert data["I1"].value == "điều chỉnh"
    checked = {str(v.sqref): v.formula1 for v in data.data_validations.dataValidation}
    assert checked["I2:I301"] == '"có"'
    assert "điều chỉnh" in " ".join(str(c.value) for c in book["Hướng dẫn"]["A"])
    data["A2"], data["D2"], data["E2"] = "revenue", "2022-06", 4000
    refused = io.BytesIO()
    book.save(refused)
    answer = site.client.post("/gui-so-lieu", data={"csrf": site.csrf("/gui-so-lieu")},
                              files={"file": ("mau.xlsx", refused.getvalue(), "application/octet-stream")})  # fmt: skip
    assert answer.status_code == 422
    assert "Số liệu row 2" not in answer.text
    assert "số lũy kế nhỏ hơn số 5.000 tỷ đồng" in answer.text
    data["I2"] = "có"
    marked = io.BytesIO()
    book.save(marked)
    answer = site.client.post("/gui-so-lieu", data={"csrf": site.csrf("/gui-so-lieu")},
                              files={"file": ("mau.xlsx", marked.getvalue(), "application/octet-stream")})  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert sorted((f.period, f.value) for f in figures(site.engine, plan=PLAN)) == [
        ("2022-05", Decimal(5000)),
        ("2022-06", Decimal(4000)),
    ]
