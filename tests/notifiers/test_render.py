"""Rendering digests: the checked-in snapshots, headers and encodings, and safety."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from notifiers.digest import Digest, Explanation, Item
from notifiers.render import Templates, render_digest, subject
from rules import Status

SNAPSHOTS = Path(__file__).parent / "snapshots"
AT = dt.datetime(2022, 8, 1, 7, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
PNG = b"\x89PNG\r\n\x1a\nfake"


def _item(**fields: object) -> Item:
    base: dict[str, object] = {
        "target_id": "public-investment-disbursement", "number": "V.4",
        "name": "Giải ngân kế hoạch vốn đầu tư công năm 2022", "part": "", "unit": "tỷ đồng",
        "status": "behind", "message": "firing", "alert": "performance", "role": "owner",
        "reason": "Thiếu 24,8% so với yêu cầu (ngưỡng chậm 10%, nghiêm trọng 25%): chậm tiến độ.",
        "actual": Decimal("2580.386"), "period": "2022-07 (lũy kế)", "period_end": dt.date(2022, 7, 31),
        "source": "tệp 07-so-khdt-giai-ngan-7-thang.xlsx, Sở Kế hoạch và Đầu tư gửi", "required": Decimal("3432.758"),
        "gap": Decimal("852.372"), "gap_points": Decimal("12.02"), "projected": Decimal("5328.74"),
        "projected_pct": Decimal("75.17"), "pace_per_month": Decimal("745.82"), "changed": "Cảnh báo mới phát sinh.",
        "chart_id": "chart.1.disbursement@bacgiang.example", "target_value": Decimal("7088.973"),
        "deadline": dt.date(2023, 1, 31), "previous_year": Decimal("2391.5"),
        "next_milestone": "65% KH trước 30/09/2022", "explain_by": dt.date(2022, 8, 7),
        "worst_parts": "Nguồn vốn: Vốn ODA (thiếu 104,04 tỷ đồng, 35,1 điểm % KH)",
    }  # fmt: skip
    base.update(fields)
    base.setdefault("rank", Status(str(base["status"])).severity)  # as the composer ranks it
    return Item(**base)  # type: ignore[arg-type]


def digest(*items: Item, name: str = "Sở Kế hoạch và Đầu tư") -> Digest:
    title = "Kế hoạch phát triển kinh tế - xã hội năm 2022 tỉnh Bắc Giang"
    return Digest("so-khdt", name, "so-khdt@bacgiang.example", "Bắc Giang", title, dt.date(2022, 7, 31), items)


SAMPLE = digest(
    _item(),
    _item(part="Nguồn vốn: Vốn ODA", status="critical", actual=Decimal("39.395"), required=Decimal("143.432"),
          gap=Decimal("104.037"), gap_points=Decimal("35.12"), projected=Decimal("81.35"),
          projected_pct=Decimal("27.46"), pace_per_month=Decimal("42.48"), message="escalated", role="escalation",
          reason="Thiếu 72,5% so với yêu cầu (ngưỡng chậm 10%, nghiêm trọng 25%): nghiêm trọng.",
          chart_id="chart.1.oda@bacgiang.example", next_milestone="", worst_parts="", explain_by=None,
          target_value=Decimal("296.2"), previous_year=None,
          acknowledgement=Explanation("2022-06", "vướng giải phóng mặt bằng", "tổ công tác đôn đốc",
                                          dt.date(2022, 9, 30), "so-khdt")),
    _item(target_id="social-investment", number="(6)", name="Huy động vốn đầu tư phát triển toàn xã hội",
          status="overdue", alert="overdue", actual=None, period=None, period_end=None, source=None, required=None,
          gap=None, gap_points=None, projected=None, projected_pct=None, pace_per_month=None,
          overdue_period="2022-Q2", reason="Chưa nhận được báo cáo quý II/2022 (hạn gửi 15/07/2022).", chart_id=None,
          due=dt.date(2022, 7, 15), target_value=None, previous_year=None, next_milestone="", worst_parts=""),
    _item(target_id="grdp-growth", number="(1)", name="Tốc độ tăng trưởng kinh tế (GRDP)", unit="%",
          status="critical", actual=Decimal("8.2"), period="2022-H1", period_end=dt.date(2022, 6, 30),
          required=Decimal("14"), gap=Decimal("5.8"), gap_points=Decimal("41.43"), projected=Decimal("8.2"),
          projected_pct=Decimal("58.57"), pace_per_month=None, target_value=Decimal("14"),
          deadline=dt.date(2022, 12, 31), previous_year=Decimal("6.9"), next_milestone="", worst_parts="",
          reason="Thiếu 5,8 điểm % so với yêu cầu (ngưỡng chậm 0,5, nghiêm trọng 2 điểm %): nghiêm trọng.",
          source="tệp cuc-thong-ke-6-thang.xlsx, Cục Thống kê gửi", chart_id=None),
    _item(target_id="budget-revenue", number="(5)", name="Thu ngân sách nhà nước trên địa bàn", status="on_track",
          message="resolved", reason="Đạt yêu cầu đến thời điểm của số liệu.", chart_id=None,
          changed="Từ «Chậm tiến độ» chuyển sang «Đúng tiến độ».", next_milestone="", worst_parts="",
          explain_by=None, target_value=Decimal("10788"), deadline=dt.date(2022, 12, 31), previous_year=None),
)  # fmt: skip


def _render(d: Digest = SAMPLE, templates: Templates | None = None) -> EmailMessage:
    charts = {"chart.1.disbursement@bacgiang.example": PNG, "chart.1.oda@bacgiang.example": PNG}
    message = render_digest(d, templates or Templates(), charts, sender="plan-monitor@bacgiang.example",
                            message_id="<20220731.run1.so-khdt@bacgiang.example>", composed_at=AT)  # fmt: skip
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


@pytest.mark.parametrize("part", ["plain", "html"])
def test_the_digest_matches_its_snapshot(part: str) -> None:
    body = _render().get_body((part,))
    assert body is not None
    text = body.get_content()
    snapshot = SNAPSHOTS / f"digest.{'txt' if part == 'plain' else 'html'}"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        snapshot.write_text(text, encoding="utf-8")
    assert text == snapshot.read_text(encoding="utf-8"), "template changed: review, then UPDATE_SNAPSHOTS=1"


def test_headers_are_encoded_and_say_how_many_targets_are_behind() -> None:
    message = _render()
    assert (
        message["Subject"]
        == "[Bắc Giang] 2 chỉ tiêu nghiêm trọng, 1 báo cáo chưa gửi, 1 chỉ tiêu đã khắc phục — ngày 31/07/2022"
    )
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["Reply-To"] is None
    assert message["To"] == "Sở Kế hoạch và Đầu tư <so-khdt@bacgiang.example>"
    assert message["Message-ID"] == "<20220731.run1.so-khdt@bacgiang.example>"
    assert message["Content-Language"] == "vi"
    raw = message.as_bytes()
    assert all(len(line) <= 998 for line in raw.split(b"\n"))  # RFC 5322 line limit
    assert b"=?utf-8?" in raw.split(b"\n\n", 1)[0]  # Vietnamese headers are encoded words


def test_worst_first_both_parts_and_the_inline_charts() -> None:
    message = _render()
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    # shortfalls first, worst first; the missing reports in one table at the end
    assert text.index("— Nguồn vốn: Vốn ODA") < text.index("Thu ngân sách") < text.index("quý II/2022 |")
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    images = [p for p in message.walk() if p.get_content_type() == "image/png"]
    assert sorted(p["Content-ID"] for p in images) == [
        "<chart.1.disbursement@bacgiang.example>", "<chart.1.oda@bacgiang.example>",
    ]  # fmt: skip
    assert 'src="cid:chart.1.oda@bacgiang.example"' in html
    assert "style=" in html  # CSS inlined for mail clients
    assert "<style>" not in html
    assert "Kế hoạch năm: 7.088,97 tỷ đồng, hạn 31/01/2023" in text
    for fact in ("2.580,39", "3.432,76", "75,2% KH năm", "745,82", "31/07/2022", "vướng giải phóng mặt bằng",
                 "7.088,97 tỷ đồng, hạn 31/01/2023", "lũy kế 7 tháng năm 2022: 2.580,39 tỷ đồng, đạt 36,4% KH năm",
                 "Cùng kỳ năm trước", "2.391,5 tỷ đồng", "65% KH trước 30/09/2022",
                 "tệp 07-so-khdt-giai-ngan-7-thang.xlsx, Sở Kế hoạch", "trước ngày 07/08/2022", "quý II/2022",
                 "Chậm nhất: Nguồn vốn: Vốn ODA"):  # fmt: skip
        assert fact in text
        assert fact in html


def test_a_name_with_a_line_break_cannot_inject_headers() -> None:
    with pytest.raises(ValueError, match="CR or LF"):
        _render(digest(_item(), name="Sở A\r\nBcc: attacker@example.com"))


def test_text_from_rule_files_is_data_never_template_code() -> None:
    sneaky = _item(name="{{ 7 * 7 }} <script>alert(1)</script>", reason="{% if true %}x{% endif %}")
    message = _render(digest(sneaky))
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "{{ 7 * 7 }}" in text
    assert "49" not in text
    assert "&lt;script&gt;" in html
    assert "<script>" not in html
    assert "{% if true %}x{% endif %}" in text


def test_an_operator_folder_overrides_a_template(tmp_path: Path) -> None:
    (tmp_path / "digest.txt").write_text(
        "Riêng: {{ digest.recipient_name }} ({{ items | length }})\n", encoding="utf-8"
    )
    message = _render(templates=Templates(tmp_path))
    assert message.get_body(("plain",)).get_content() == "Riêng: Sở Kế hoạch và Đầu tư (5)\n"  # type: ignore[union-attr]
    (tmp_path / "digest.txt").write_text("{{ no_such_name }}\n", encoding="utf-8")
    with pytest.raises(UndefinedError):
        _render(templates=Templates(tmp_path))


def test_a_subject_with_only_resolutions() -> None:
    resolved = digest(_item(message="resolved", status="on_track"))
    assert subject(resolved) == "[Bắc Giang] 1 chỉ tiêu đã khắc phục — ngày 31/07/2022"


def test_vietnamese_numbers_keep_every_significant_digit() -> None:
    from notifiers.formatting import day, number

    values: list[Decimal | int] = [Decimal("7088.973"), Decimal("0.0005"), Decimal("1.50"), 1000000, Decimal("-12.5")]
    assert [number(v) for v in values] == ["7.088,973", "0,0005", "1,5", "1.000.000", "-12,5"]
    assert day(dt.date(2022, 7, 31)) == "31/07/2022"


def _parts(message: EmailMessage) -> tuple[str, str]:
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
    return text, html


def test_a_report_that_arrives_for_a_critical_target_is_not_called_fixed() -> None:
    arrived = _item(alert="overdue", message="resolved", status="critical", overdue_period=None, chart_id=None,
                    reason="Đã nhận được báo cáo.")  # fmt: skip
    still_behind = _item(status="critical", message="repeat", chart_id=None)
    message = _render(digest(still_behind, arrived))
    assert message["Subject"] == "[Bắc Giang] 1 chỉ tiêu nghiêm trọng, 1 báo cáo đã nhận — ngày 31/07/2022"
    for body in _parts(message):
        assert "khắc phục]" not in body
        assert "Đã nhận báo cáo" in body


def test_a_rate_is_short_in_points_and_has_no_share_of_plan() -> None:
    growth = _item(target_id="grdp-growth", number="(1)", name="Tăng trưởng GRDP", unit="%", status="critical",
                   actual=Decimal("8.2"), period="2022-H1", required=Decimal("14"), gap=Decimal("5.8"),
                   gap_points=Decimal("41.43"), projected=Decimal("8.2"), projected_pct=Decimal("58.57"),
                   pace_per_month=None, target_value=Decimal("14"), chart_id=None, next_milestone="",
                   worst_parts="", previous_year=None)  # fmt: skip
    for body in _parts(_render(digest(growth))):
        assert "thiếu 5,8 điểm %" in body
        assert "KH năm" not in body  # "% of plan" means nothing for a growth rate
        assert "14%" in body
        assert "14 %" not in body
        assert "6 tháng đầu năm 2022" in body
        assert "2022-H1" not in body


def test_reply_to_and_the_explanation_link() -> None:
    linked = _item(link="https://portal.example/giai-trinh/public-investment-disbursement?part=&period=2022-07")
    message = render_digest(digest(linked), Templates(), {}, sender="plan-monitor@bacgiang.example",
                            message_id="<x@bacgiang.example>", composed_at=AT,
                            reply_to="vp@bacgiang.example")  # fmt: skip
    assert message["Reply-To"] == "vp@bacgiang.example"
    assert message["Auto-Submitted"] == "auto-generated"
    parsed = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    text, html = _parts(parsed)
    assert 'href="https://portal.example/giai-trinh/public-investment-disbursement?part=&amp;period=2022-07"' in html
    assert "plan-monitor ack add" not in text
    assert "plan-monitor ack add" in _parts(_render(digest(_item())))[0]  # without a portal: the ack way
